/**
 * Podium on Cloudflare Workers, checked from outside: `wrangler dev` (workerd) with Hyperdrive's
 * local connection string to a fresh PostgreSQL database migrated by Node, and the Node server
 * on the same database. Run with `npm run test:workers` (needs PostgreSQL: DATABASE_URL's server,
 * default postgres://postgres@127.0.0.1:5432/postgres); not part of `npm test`.
 */
import { get, type IncomingHttpHeaders } from "node:http";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWideCsv, slugifyAll } from "../../cli/csv.ts";
import { readExample } from "../helpers/examples.ts";
import { createMigratedDatabase, startNodeServer, startWranglerDev, type NodeServer, type ScratchDatabase, type WranglerDev } from "./harness.ts";

const ADMIN = "pod_workers-admin-token-0123456789";
const METHODS = ["mean", "borda", "copeland", "kemeny"] as const;

let database: ScratchDatabase;
let worker: WranglerDev;
let node: NodeServer;

beforeAll(async () => {
  database = await createMigratedDatabase();
  try {
    [worker, node] = await Promise.all([startWranglerDev(database.url, ADMIN), startNodeServer(database.url, ADMIN)]);
  } catch (err) {
    await Promise.all([worker?.close(), node?.close()]);
    await database.drop();
    throw err;
  }
}, 180_000);

afterAll(async () => {
  // PODIUM_WORKERS_LOG=1 prints what wrangler dev (and the Worker's console) said.
  if (process.env.PODIUM_WORKERS_LOG && worker) console.log(worker.output());
  await Promise.all([worker?.close(), node?.close()]);
  await database?.drop();
}, 60_000);

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

async function call(base: string, method: string, path: string, options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: json };
}

/** GET with the body's bytes as they came over the wire (fetch would decode them). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

const onWorker = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(worker.url, method, path, options);
const onNode = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(node.url, method, path, options);

/** GLUE (examples/glue.csv) as one bulk submission. */
function glue() {
  const wide = parseWideCsv(readExample("glue.csv"));
  const taskSlugs = slugifyAll(wide.tasks);
  const systemSlugs = slugifyAll(wide.systems.map((s) => s.name));
  const systems = wide.systems.map((s, i) => {
    const scores: Record<string, number> = {};
    wide.tasks.forEach((t, j) => {
      const v = s.scores[t];
      if (v !== null && v !== undefined) scores[taskSlugs[j]] = v;
    });
    return { slug: systemSlugs[i], name: s.name, scores };
  });
  return { benchmark: { slug: "glue", name: "GLUE", tasks: wide.tasks.map((name, i) => ({ slug: taskSlugs[i], name })) }, systems };
}

const GLUE = glue();

/** Each system's rank by each method, from a leaderboard JSON. */
function ranks(leaderboard: { systems: { slug: string; results: Record<string, { rank: number }> }[] }) {
  return Object.fromEntries(leaderboard.systems.map((s) => [s.slug, Object.fromEntries(METHODS.map((m) => [m, s.results[m]?.rank]))]));
}

const LEADERBOARD = `/api/v1/benchmarks/glue/leaderboard?methods=${METHODS.join(",")}`;

describe("Podium on wrangler dev (workerd) over Hyperdrive's local connection", () => {
  it("answers health and the same OpenAPI document as the Node server", async () => {
    const health = await onWorker("GET", "/healthz", { token: null });
    expect(health.status).toBe(200);
    const ready = await onWorker("GET", "/readyz", { token: null });
    expect(ready.status, ready.text).toBe(200);
    const [mine, theirs] = await Promise.all([onWorker("GET", "/openapi.json", { token: null }), onNode("GET", "/openapi.json", { token: null })]);
    expect(mine.status).toBe(200);
    expect(Object.keys(mine.body.paths).sort()).toEqual(Object.keys(theirs.body.paths).sort());
    expect(Object.keys(mine.body.paths)).toContain("/api/v1/benchmarks/{slug}/leaderboard");
  });

  it("creating a benchmark without a token, or with a wrong one, is 401 in the envelope; nothing is created", async () => {
    const none = await onWorker("POST", "/api/v1/benchmarks", { token: null, body: GLUE.benchmark });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    const wrong = await onWorker("POST", "/api/v1/benchmarks", { token: "pod_not-a-real-token-000000000000", body: GLUE.benchmark });
    expect(wrong.status).toBe(401);
    expect((await onWorker("GET", "/api/v1/benchmarks/glue", { token: null })).status).toBe(404);
  });

  it("the admin token creates GLUE and bulk-submits every system through the Worker", async () => {
    const created = await onWorker("POST", "/api/v1/benchmarks", { body: GLUE.benchmark });
    expect(created.status, created.text).toBe(201);
    expect(created.body.slug).toBe("glue");
    const bulk = await onWorker("POST", "/api/v1/benchmarks/glue/submissions", {
      body: { submissions: GLUE.systems.map((s) => ({ system: { slug: s.slug, name: s.name }, scores: s.scores })) },
    });
    expect(bulk.status, bulk.text).toBe(201);
    expect(bulk.body.submissions).toHaveLength(GLUE.systems.length);
    // Node reads what the Worker wrote.
    const listed = await onNode("GET", "/api/v1/benchmarks/glue", { token: null });
    expect(listed.status).toBe(200);
    expect(listed.body.revision).toBe(1);
  });

  it("mean, borda, copeland and kemeny ranks equal the Node server's on the same database", async () => {
    const [mine, theirs] = await Promise.all([onWorker("GET", LEADERBOARD, { token: null }), onNode("GET", LEADERBOARD, { token: null })]);
    expect(mine.status, mine.text).toBe(200);
    expect(theirs.status).toBe(200);
    expect(mine.body.systems).toHaveLength(GLUE.systems.length);
    expect(ranks(mine.body)).toEqual(ranks(theirs.body));
    // The same Kemeny order, proven optimal on both (HiGHS loaded lazily on the Worker).
    expect(mine.body.kemeny).toEqual(theirs.body.kemeny);
    expect(mine.body.kemeny.exact).toBe(true);
    // ...with HiGHS: the isolate says it loaded the LP solver for this first Kemeny leaderboard.
    await expect.poll(() => /HiGHS loaded|HiGHS did not load/.exec(worker.output())?.[0], { timeout: 10_000 }).toBe("HiGHS loaded");
    // Every system has a rank by every method (the comparison above cannot pass on empty results).
    for (const s of mine.body.systems) for (const m of METHODS) expect(s.results[m]?.rank, `${s.slug} ${m}`).toBeGreaterThanOrEqual(1);
    expect(mine.body.systems.map((s: { slug: string }) => s.slug)).toEqual(theirs.body.systems.map((s: { slug: string }) => s.slug));
  });

  it("answers If-None-Match with 304, and compressed bodies arrive encoded once", async () => {
    const first = await onWorker("GET", LEADERBOARD, { token: null });
    const etag = first.headers.get("etag");
    expect(etag, `${first.status} ${first.text.slice(0, 300)}`).toMatch(/^"lb-/);
    const again = await onWorker("GET", LEADERBOARD, { token: null, headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    // Stored gzip/br forms are sent as they are: one decoding gives the JSON (the runtime must not encode them again).
    for (const coding of ["gzip", "br"] as const) {
      const raw = await rawGet(worker.url + LEADERBOARD, { "accept-encoding": coding });
      expect(raw.status).toBe(200);
      expect(raw.headers["content-encoding"]).toBe(coding);
      const decoded = coding === "gzip" ? gunzipSync(raw.body) : brotliDecompressSync(raw.body);
      expect(JSON.parse(decoded.toString("utf8")).systems).toHaveLength(GLUE.systems.length);
    }
  });

  it("a submission made through Node shows up at once on the Worker (revision from the database, not the isolate's cache)", async () => {
    const before = await onWorker("GET", LEADERBOARD, { token: null });
    expect(before.status).toBe(200);
    const top = Object.fromEntries(GLUE.benchmark.tasks.map((t) => [t.slug, 1000]));
    const sub = await onNode("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "node-champion", name: "Node Champion" }, scores: top } });
    expect(sub.status, sub.text).toBe(201);
    const after = await onWorker("GET", LEADERBOARD, { token: null, headers: { "if-none-match": before.headers.get("etag")! } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    expect(after.body.systems).toHaveLength(GLUE.systems.length + 1);
    expect(after.body.systems[0].slug).toBe("node-champion");
    expect(after.body.systems[0].results.mean.rank).toBe(1);
    const nodeView = await onNode("GET", LEADERBOARD, { token: null });
    expect(ranks(after.body)).toEqual(ranks(nodeView.body));
  });

  it("badge.svg says #k of n; badge.json is a shields endpoint", async () => {
    const n = GLUE.systems.length + 1;
    const svg = await onWorker("GET", "/api/v1/benchmarks/glue/systems/node-champion/badge.svg?method=mean", { token: null });
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/image\/svg\+xml/);
    expect(svg.text).toContain(`#1 of ${n}`);
    const second = GLUE.systems[0].slug;
    const lb = await onNode("GET", LEADERBOARD, { token: null });
    const rank = lb.body.systems.find((s: { slug: string }) => s.slug === second).results.borda.rank;
    const json = await onWorker("GET", `/api/v1/benchmarks/glue/systems/${second}/badge.json`, { token: null });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({ schemaVersion: 1, label: expect.any(String), message: `#${rank} of ${n}`, color: expect.any(String) });
    const unknown = await onWorker("GET", "/api/v1/benchmarks/glue/systems/nobody/badge.json", { token: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body.isError).toBe(true);
  });

  it("/benchmarks/glue lists the systems", async () => {
    const page = await onWorker("GET", "/benchmarks/glue", { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    for (const s of GLUE.systems.slice(0, 10)) expect(page.text).toContain(s.slug);
    expect(page.text).toContain("node-champion");
    expect((await onWorker("GET", "/benchmarks/nope", { token: null })).status).toBe(404);
  });

  it("a benchmark token writes; history answers, newest first", async () => {
    const tok = await onWorker("POST", "/api/v1/benchmarks/glue/tokens");
    expect(tok.status).toBe(201);
    const token = tok.body.token as string;
    const system = GLUE.systems[1];
    const task = GLUE.benchmark.tasks[0].slug;
    const write = await onWorker("POST", "/api/v1/benchmarks/glue/submissions", { token, body: { system: { slug: system.slug }, scores: { [task]: 12.5 } } });
    expect(write.status, write.text).toBe(201);
    const history = await onWorker("GET", `/api/v1/benchmarks/glue/systems/${system.slug}/submissions`, { token: null });
    expect(history.status).toBe(200);
    expect(history.body.submissions).toHaveLength(2);
    expect(history.body.submissions[0].scores).toEqual({ [task]: 12.5 });
    expect(history.body.submissions[1].scores).toEqual(system.scores);
    const fromNode = await onNode("GET", `/api/v1/benchmarks/glue/systems/${system.slug}/submissions`, { token: null });
    expect(fromNode.body).toEqual(history.body);
  });

  it("an instance-level upload is stored (in memory, no disk) and ranked at level=instance as on Node", async () => {
    const tasks = GLUE.benchmark.tasks.slice(0, 2).map((t) => t.slug);
    const csv = (offset: number) => ["task,instance,score", ...tasks.flatMap((t) => [1, 2, 3].map((i) => `${t},q${i},${(i + offset) / 10}`))].join("\n") + "\n";
    for (const [system, offset] of [
      [GLUE.systems[0].slug, 1],
      [GLUE.systems[2].slug, 3],
    ] as const) {
      const up = await onWorker("POST", `/api/v1/benchmarks/glue/systems/${system}/instances`, { body: csv(offset), headers: { "content-type": "text/csv" } });
      expect(up.status, up.text).toBe(201);
      expect(up.body.rows).toBe(6);
    }
    // A gzip body is decoded as it arrives (node:zlib streams under nodejs_compat).
    const gz = await fetch(`${worker.url}/api/v1/benchmarks/glue/systems/${GLUE.systems[4].slug}/instances`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv", "content-encoding": "gzip" },
      body: gzipSync(csv(2)),
    });
    expect(gz.status, await gz.clone().text()).toBe(201);
    expect(((await gz.json()) as { rows: number }).rows).toBe(6);
    const bad = await onWorker("POST", `/api/v1/benchmarks/glue/systems/${GLUE.systems[0].slug}/instances`, { body: "task,instance,score\nnope,q1,1\n", headers: { "content-type": "text/csv" } });
    expect(bad.status).toBe(400);
    const path = "/api/v1/benchmarks/glue/leaderboard?level=instance";
    const [mine, theirs] = await Promise.all([onWorker("GET", path, { token: null }), onNode("GET", path, { token: null })]);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.systems.map((s: { slug: string }) => s.slug)).toEqual([GLUE.systems[2].slug, GLUE.systems[4].slug, GLUE.systems[0].slug]);
    expect(mine.body.systems).toEqual(theirs.body.systems);
  });

  it("ranks a posted table (POST /api/v1/rank) exactly as the Node server does, Kemeny included", async () => {
    const table = {
      tasks: [{ slug: "cola" }, { slug: "latency", higherIsBetter: false, weight: 2 }],
      systems: [
        { slug: "bert", scores: { cola: 60.5, latency: 12 } },
        { slug: "roberta", scores: { cola: 63.6, latency: 20 } },
        { slug: "tiny", scores: { cola: 40, latency: null } },
      ],
      methods: [...METHODS],
    };
    const [mine, theirs] = await Promise.all([onWorker("POST", "/api/v1/rank", { token: null, body: table }), onNode("POST", "/api/v1/rank", { token: null, body: table })]);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body).toEqual(theirs.body);
    const bad = await onWorker("POST", "/api/v1/rank", { token: null, body: { tasks: [], systems: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
  });

  it("uncertainty and robustness answer as on Node", async () => {
    for (const path of ["/api/v1/benchmarks/glue/leaderboard?methods=mean,borda&uncertainty=bootstrap&samples=200&seed=7", "/api/v1/benchmarks/glue/robustness?method=borda"]) {
      const [mine, theirs] = await Promise.all([onWorker("GET", path, { token: null }), onNode("GET", path, { token: null })]);
      expect(mine.status, `${path}: ${mine.text.slice(0, 300)}`).toBe(200);
      expect(mine.body).toEqual(theirs.body);
    }
  });

  it("CSV leaderboards, the home page and /docs answer", async () => {
    const csv = await onWorker("GET", `${LEADERBOARD}&format=csv`, { token: null });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.text).toBe((await onNode("GET", `${LEADERBOARD}&format=csv`, { token: null })).text);
    const home = await onWorker("GET", "/", { token: null });
    expect(home.status).toBe(200);
    expect(home.text).toContain("glue");
    const docs = await onWorker("GET", "/docs", { token: null });
    expect(docs.status).toBe(200);
    expect(docs.text).toContain("/openapi.json");
    const script = await onWorker("GET", "/docs/assets/scalar.js", { token: null });
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(script.text).toBe((await onNode("GET", "/docs/assets/scalar.js", { token: null })).text);
  });

  it("concurrent requests in one isolate each use their own connection: every write stored, every read answered", async () => {
    const task = GLUE.benchmark.tasks[0].slug;
    const writes = Array.from({ length: 12 }, (_, i) =>
      onWorker("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: `burst-${i}` }, scores: { [task]: 50 + i } } }),
    );
    const reads = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? onWorker("GET", `/api/v1/benchmarks/glue/systems/${GLUE.systems[i].slug}/submissions`, { token: null })
        : i % 3 === 1
          ? onWorker("GET", `/api/v1/benchmarks/glue/systems/${GLUE.systems[i].slug}/badge.json`, { token: null })
          : onWorker("GET", `/api/v1/benchmarks/glue/leaderboard?methods=mean&seed=${i}`, { token: null }),
    );
    const replies = await Promise.all([...writes, ...reads]);
    for (const r of replies) expect(r.status, r.text.slice(0, 200)).toBeLessThan(300);
    const board = await onNode("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean", { token: null });
    const slugs = new Set(board.body.systems.map((s: { slug: string }) => s.slug));
    for (let i = 0; i < 12; i++) expect(slugs.has(`burst-${i}`), `burst-${i}`).toBe(true);
  });

  it("evidence, moderation, Idempotency-Key and export answer on the Worker as on Node", async () => {
    const pairwise = await onWorker("GET", "/api/v1/benchmarks/glue/pairwise", { token: null });
    expect(pairwise.status, pairwise.text).toBe(200);
    expect(pairwise.body).toEqual((await onNode("GET", "/api/v1/benchmarks/glue/pairwise", { token: null })).body);
    const leader = pairwise.body.systems[0];
    const whatif = await onWorker("GET", `/api/v1/benchmarks/glue/systems/${leader}/whatif?method=borda`, { token: null });
    expect(whatif.status, whatif.text).toBe(200);
    expect(whatif.body).toEqual((await onNode("GET", `/api/v1/benchmarks/glue/systems/${leader}/whatif?method=borda`, { token: null })).body);

    // hide through the Worker: gone from Node's leaderboard and the Worker's badge; back after unhide
    const hidden = GLUE.systems[2].slug;
    const hide = await onWorker("PATCH", `/api/v1/benchmarks/glue/systems/${hidden}`, { body: { hidden: true, reason: "check" } });
    expect(hide.status, hide.text).toBe(200);
    expect((await onNode("GET", LEADERBOARD, { token: null })).body.systems.some((s: { slug: string }) => s.slug === hidden)).toBe(false);
    expect((await onWorker("GET", `/api/v1/benchmarks/glue/systems/${hidden}/badge.json`, { token: null })).status).toBe(404);
    expect((await onWorker("GET", `/api/v1/benchmarks/glue/systems/${hidden}/submissions`, { token: null })).body.system.hidden).toBe(true);
    expect((await onWorker("PATCH", `/api/v1/benchmarks/glue/systems/${hidden}`, { body: { hidden: false } })).status).toBe(200);
    expect((await onWorker("GET", `/api/v1/benchmarks/glue/systems/${hidden}/badge.json`, { token: null })).status).toBe(200);
    const audit = await onWorker("GET", "/api/v1/benchmarks/glue/audit");
    expect(audit.body.entries.slice(0, 2).map((e: { action: string }) => e.action)).toEqual(["system.unhide", "system.hide"]);

    // an Idempotency-Key replayed on the Worker answers the same body and stores once
    const task = GLUE.benchmark.tasks[0].slug;
    const keyed = () => onWorker("POST", "/api/v1/benchmarks/glue/submissions", { headers: { "idempotency-key": "worker-key-1" }, body: { system: { slug: "keyed" }, scores: { [task]: 1 } } });
    const first = await keyed();
    expect(first.status, first.text).toBe(201);
    const replay = await keyed();
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await onNode("GET", "/api/v1/benchmarks/glue/systems/keyed/submissions", { token: null })).body.submissions).toHaveLength(1);

    // the export is the same NDJSON from either
    const fromWorker = await onWorker("GET", "/api/v1/benchmarks/glue/export");
    expect(fromWorker.status, fromWorker.text.slice(0, 200)).toBe(200);
    const dropStamp = (t: string) => t.split("\n").filter((l) => !l.includes('"type":"podium"')).join("\n");
    expect(dropStamp(fromWorker.text)).toBe(dropStamp((await onNode("GET", "/api/v1/benchmarks/glue/export")).text));
  });

  it("unknown routes and bad input answer in the envelope, never 5xx", async () => {
    const missing = await onWorker("GET", "/api/v1/nothing-here", { token: null });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBeDefined();
    const broken = await onWorker("POST", "/api/v1/benchmarks", { body: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("invalid_request");
    const badQuery = await onWorker("GET", "/api/v1/benchmarks/glue/leaderboard?methods=nope", { token: null });
    expect(badQuery.status).toBe(400);
    // Over the JSON body limit (1 MiB): 413 in the envelope, nothing stored.
    const huge = await onWorker("POST", "/api/v1/benchmarks", { body: JSON.stringify({ slug: "huge", name: "x".repeat(1_100_000), tasks: [{ slug: "a" }] }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    expect((await onWorker("GET", "/api/v1/benchmarks/huge", { token: null })).status).toBe(404);
  });
});
