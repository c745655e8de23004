/**
 * Load bench: the real server (`node --import tsx api/server.ts`) on PostgreSQL, GLUE loaded,
 * driven over HTTP by autocannon (127.0.0.1 only, every run bounded in time). Every figure is a
 * ratio against a baseline measured in the same run (`/healthz` req/s, or a time budget), printed
 * next to its target; nothing here is asserted.
 *
 * PostgreSQL: DATABASE_URL (a server URL; a fresh `podium_load_<pid>` database is created there
 * and dropped afterwards), default the local server. `BENCH_LOAD_SECONDS` sets each run's length.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { parseWideCsv, slugifyAll } from "../cli/csv.ts";
import { createScratchPostgresDatabase } from "../db/node.ts";
import { uncorrelatedSystems } from "../test/helpers/random-tables.ts";
import { freePort, start, stop, waitHealthy, type Running } from "../test/helpers/server.ts";
import { now, printTable, rng } from "./util.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN = "bench-admin-token-0123456789";
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const CONNECTIONS = 50;

async function startServer(databaseUrl: string): Promise<Running & { base: string }> {
  const port = await freePort();
  const server = start(
    {
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      PODIUM_ADMIN_TOKEN: ADMIN,
      // the bench measures throughput, not the limiters
      PODIUM_RATE_LIMIT_PER_MINUTE: "0",
      PODIUM_EXPENSIVE_READS_PER_MINUTE: "0",
      // the harness keeps the process's output in memory: no request log line per request (its cost is in `bench operations`)
      PODIUM_LOG_LEVEL: "silent",
    },
    port,
  );
  await waitHealthy(server, 120_000);
  return { ...server, base: `http://127.0.0.1:${port}` };
}

async function call(base: string, method: string, url: string, body?: unknown, token = ADMIN): Promise<any> {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function loadGlue(base: string): Promise<string> {
  const wide = parseWideCsv(readFileSync(path.join(ROOT, "examples/glue.csv"), "utf8"));
  const taskSlugs = slugifyAll(wide.tasks);
  const systemSlugs = slugifyAll(wide.systems.map((s) => s.name));
  await call(base, "POST", "/api/v1/benchmarks", { slug: "glue", name: "GLUE", tasks: wide.tasks.map((name, i) => ({ slug: taskSlugs[i], name })) });
  const submissions = wide.systems.map((s, i) => ({
    system: { slug: systemSlugs[i], name: s.name },
    scores: Object.fromEntries(wide.tasks.flatMap((t, j) => (typeof s.scores[t] === "number" ? [[taskSlugs[j], s.scores[t]]] : []))),
  }));
  await call(base, "POST", "/api/v1/benchmarks/glue/submissions", { submissions });
  return systemSlugs[0];
}

async function loadRandomBenchmark(base: string, slug: string, n: number, m: number): Promise<void> {
  const tasks = Array.from({ length: m }, (_, t) => ({ slug: `t${t}` }));
  await call(base, "POST", "/api/v1/benchmarks", { slug, name: slug, tasks });
  const r = rng(n * 7 + m);
  const submissions = Array.from({ length: n }, (_, s) => ({
    system: { slug: `s${s}` },
    scores: Object.fromEntries(tasks.filter(() => r() > 0.05).map((t) => [t.slug, Math.round(r() * 10000) / 100])),
  }));
  // under the 1 MiB body limit
  for (let i = 0; i < submissions.length; i += 500) await call(base, "POST", `/api/v1/benchmarks/${slug}/submissions`, { submissions: submissions.slice(i, i + 500) });
}

interface Figures {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function cannon(options: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

async function wallMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = now();
  await fn();
  return now() - t0;
}

const ratio = (x: number) => `${x.toFixed(2)}x`;
const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");

export async function runLoadBenches(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  let scratch;
  try {
    scratch = await createScratchPostgresDatabase(serverUrl, `podium_load_${process.pid}`);
  } catch (err) {
    console.log(`  skipped: no PostgreSQL at ${serverUrl.replace(/:[^:@/]*@/, ":***@")} (${(err as Error).message})`);
    return;
  }
  const server = await startServer(scratch.url);
  const { base } = server;
  try {
    const system = await loadGlue(base);
    const leaderboard = `${base}/api/v1/benchmarks/glue/leaderboard`;
    const badge = `${base}/api/v1/benchmarks/glue/systems/${system}/badge.svg`;
    const page = `${base}/benchmarks/glue`;
    const gzip = { "accept-encoding": "gzip, br" };
    for (const url of [leaderboard, badge, page]) await fetch(url, { headers: gzip }).then((r) => r.arrayBuffer());

    console.log(`  autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, server on PostgreSQL, GLUE (105 x 14)`);
    // The machine's load drifts: each read is compared with /healthz measured just before it.
    const rows: (string | number)[][] = [["cached read", "req/s", "p99", "/healthz req/s", "ratio", "target", ""]];
    for (const [name, url, headers, target] of [
      ["leaderboard JSON (gzip)", leaderboard, gzip, 0.5],
      ["badge.svg", badge, gzip, 0.5],
      ["GLUE page (gzip)", page, { "accept-encoding": "gzip" }, 0.3],
      ["GLUE page (br, as browsers ask)", page, gzip, 0.3],
    ] as const) {
      const healthz = await cannon({ url: `${base}/healthz` });
      const f = await cannon({ url, headers });
      const r = f.rps / healthz.rps;
      rows.push([name, f.rps.toFixed(0), `${f.p99} ms`, healthz.rps.toFixed(0), ratio(r), `>= ${target}x`, verdict(r >= target && f.non2xx === 0)]);
    }
    printTable(rows);

    // Heavy work in the background: three Kemeny /rank on 100 random systems and two bootstraps
    // with fresh seeds, re-issued until the measurement ends.
    let heavyStatuses: number[] = [];
    let stop = false;
    const kemenyBody = JSON.stringify({ systems: uncorrelatedSystems(100, 5, 11), methods: ["kemeny"] });
    let seed = 1000;
    const heavyLoop = async (request: () => Promise<Response>) => {
      while (!stop) heavyStatuses.push((await request().then(async (r) => (await r.arrayBuffer(), r.status)).catch(() => 599)));
    };
    const heavy = [
      ...Array.from({ length: 3 }, () => heavyLoop(() => fetch(`${base}/api/v1/rank`, { method: "POST", headers: { "content-type": "application/json" }, body: kemenyBody }))),
      ...Array.from({ length: 2 }, () => heavyLoop(() => fetch(`${leaderboard}?uncertainty=bootstrap&seed=${seed++}`))),
    ];
    await new Promise((r) => setTimeout(r, 300));
    const [healthzBusy, lbBusy] = await Promise.all([cannon({ url: `${base}/healthz`, connections: 25 }), cannon({ url: leaderboard, headers: gzip, connections: 25 })]);
    stop = true;
    await Promise.all(heavy);
    // the baseline is the same traffic without the heavy work: the only difference measured is the heavy work
    const [healthzIdle] = await Promise.all([cannon({ url: `${base}/healthz`, connections: 25 }), cannon({ url: leaderboard, headers: gzip, connections: 25 })]);
    const heavy5xx = heavyStatuses.filter((s) => s >= 500).length;
    console.log(`  while 3 Kemeny /rank (100 random systems) and 2 fresh-seed bootstraps run (${heavyStatuses.length} heavy requests, ${heavy5xx} 5xx):`);
    printTable([
      ["", "value", "target", ""],
      ["/healthz req/s vs the same traffic without heavy work", ratio(healthzBusy.rps / healthzIdle.rps), ">= 0.3x", verdict(healthzBusy.rps / healthzIdle.rps >= 0.3)],
      // a p99 over no answered request means nothing: it counts as not met
      ["/healthz p99", `${healthzBusy.p99} ms`, "<= 100 ms", verdict(healthzBusy.rps > 0 && healthzBusy.p99 <= 100)],
      ["cached leaderboard p99", `${lbBusy.p99} ms`, "<= 250 ms", verdict(lbBusy.rps > 0 && lbBusy.p99 <= 250)],
      ["5xx on heavy or cached requests", heavy5xx + healthzBusy.non2xx + lbBusy.non2xx, "0", verdict(heavy5xx + healthzBusy.non2xx + lbBusy.non2xx === 0)],
    ]);
    heavyStatuses = [];

    // Cold computations against their budgets.
    await loadRandomBenchmark(base, "big", 3000, 20);
    const coldBig = await wallMs(() => fetch(`${base}/api/v1/benchmarks/big/leaderboard?methods=mean,borda`).then((r) => r.arrayBuffer()));
    const kemenyBudget = JSON.stringify({ systems: uncorrelatedSystems(100, 20, 5), methods: ["kemeny"], kemenyBudgetMs: 500 });
    const kemeny500 = await wallMs(() => fetch(`${base}/api/v1/rank`, { method: "POST", headers: { "content-type": "application/json" }, body: kemenyBudget }).then((r) => r.arrayBuffer()));
    printTable([
      ["cold computation", "wall", "vs target", ""],
      ["3,000 x 20 leaderboard, mean+borda", `${coldBig.toFixed(0)} ms`, ratio(coldBig / 2000), verdict(coldBig <= 2000)],
      ["kemenyBudgetMs=500, 100 random x 20", `${kemeny500.toFixed(0)} ms`, ratio(kemeny500 / 2000), verdict(kemeny500 <= 2000)],
    ]);

    // Single submissions to one benchmark from 50 clients, each a new system.
    const token = (await call(base, "POST", "/api/v1/benchmarks/glue/tokens")).token as string;
    let counter = 0;
    const writes = await autocannon({
      url: `${base}/api/v1/benchmarks/glue/submissions`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ system: { slug: `load-${counter++}` }, scores: { cola: counter % 100 } }) }),
        },
      ],
    });
    const perSecond = writes["2xx"] / SECONDS;
    printTable([
      ["writes (50 clients, one benchmark)", "per s", "errors", "target", ""],
      ["single submissions", perSecond.toFixed(0), writes.non2xx + writes.errors + writes.timeouts, ">= 200/s, 0 errors", verdict(perSecond >= 200 && writes.non2xx + writes.errors + writes.timeouts === 0)],
    ]);
  } finally {
    await stop(server);
    await scratch.database.close();
  }
}
