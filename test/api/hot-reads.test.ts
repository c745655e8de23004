/**
 * Hot reads: stored bodies in every coding (gzip/br decode to exactly the identity body),
 * Accept-Encoding negotiation, Vary and Content-Length, ETag/304 of pages and badges, the
 * byte bound of the leaderboard cache, and a large benchmark's page.
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { negotiateCoding } from "../../api/encoding.ts";
import { TASK_METHODS } from "../../ranking/index.ts";
import { useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";

const ORIGIN = "http://podium.test";
const SLUG = "hot";
const TASKS = ["cola", "sst2", "mnli", "qnli", "rte"];

/** 30 systems over 5 tasks: every JSON body is well over the 1 KB compression threshold. */
async function seed(api: TestApi, systems = 30) {
  await api.createBenchmark(SLUG, TASKS);
  const submissions = Array.from({ length: systems }, (_, i) => ({
    system: { slug: `sys${i}`, name: `System ${i}` },
    scores: Object.fromEntries(TASKS.map((t, j) => [t, ((i * 37 + j * 11) % 97) + j / 10])),
  }));
  const res = await api.call("POST", `/api/v1/benchmarks/${SLUG}/submissions`, { body: { submissions } });
  expect(res.status).toBe(201);
}

async function submitOne(api: TestApi, slug: string) {
  const res = await api.call("POST", `/api/v1/benchmarks/${SLUG}/submissions`, { body: { system: { slug }, scores: { cola: 99.5 } } });
  expect(res.status).toBe(201);
}

interface Raw {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

async function get(api: TestApi, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await api.app.request(`${ORIGIN}${path}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The body as the client sees it after undoing Content-Encoding. */
function decoded(res: Raw): Buffer {
  const coding = res.headers.get("content-encoding");
  if (coding === "gzip") return gunzipSync(res.bytes);
  if (coding === "br") return brotliDecompressSync(res.bytes);
  expect(coding).toBeNull();
  return res.bytes;
}

const varies = (res: Raw) => (res.headers.get("vary") ?? "").toLowerCase().split(/\s*,\s*/).includes("accept-encoding");

const PATHS = [
  `/api/v1/benchmarks/${SLUG}/leaderboard`,
  `/api/v1/benchmarks/${SLUG}/leaderboard?methods=borda,mean&format=csv`,
  `/api/v1/benchmarks/${SLUG}/robustness?method=borda`,
  `/api/v1/benchmarks/${SLUG}/systems/sys3/badge.svg`,
  `/api/v1/benchmarks/${SLUG}/systems/sys3/badge.json`,
  `/benchmarks/${SLUG}?methods=mean,borda,copeland`,
  `/`,
];

describe("Accept-Encoding negotiation", () => {
  it("prefers br, then gzip, honours q-values, identity and *", () => {
    expect(negotiateCoding(undefined)).toBe("identity");
    expect(negotiateCoding("")).toBe("identity");
    expect(negotiateCoding("gzip, deflate, br, zstd")).toBe("br");
    expect(negotiateCoding("gzip")).toBe("gzip");
    expect(negotiateCoding("x-gzip")).toBe("gzip");
    expect(negotiateCoding("GZIP;Q=0.5, br;q=0.4")).toBe("gzip");
    expect(negotiateCoding("gzip;q=0, br;q=0")).toBe("identity");
    expect(negotiateCoding("identity")).toBe("identity");
    expect(negotiateCoding("*")).toBe("br");
    expect(negotiateCoding("*;q=0.5, br;q=0")).toBe("gzip");
    expect(negotiateCoding("br;q=0.2, identity;q=0.5")).toBe("identity");
    expect(negotiateCoding("deflate, compress")).toBe("identity");
    // malformed q-values make that coding unacceptable, never an error
    expect(negotiateCoding("br;q=2, gzip;q=abc")).toBe("identity");
    // nothing acceptable, identity excluded: identity anyway rather than a 406
    expect(negotiateCoding("identity;q=0")).toBe("identity");
    expect(negotiateCoding("*;q=0")).toBe("identity");
  });
});

describe.each(backends())("hot reads on %s", (kind) => {
  const api = useTestApi(kind);

  it("gzip and br bodies decode to exactly the identity body; Vary and Content-Length on every reply", async () => {
    await seed(api);
    for (const path of PATHS) {
      const identity = await get(api, path);
      expect(identity.status, path).toBe(200);
      expect(identity.headers.get("content-encoding"), path).toBeNull();
      expect(varies(identity), path).toBe(true);
      expect(Number(identity.headers.get("content-length")), path).toBe(identity.bytes.length);
      for (const [accept, coding] of [
        ["gzip", "gzip"],
        ["gzip, deflate, br", "br"],
      ] as const) {
        const res = await get(api, path, { "accept-encoding": accept });
        expect(res.status, path).toBe(200);
        expect(varies(res), path).toBe(true);
        expect(Number(res.headers.get("content-length")), path).toBe(res.bytes.length);
        expect(res.headers.get("content-type"), path).toBe(identity.headers.get("content-type"));
        // bodies over 1 KB are sent compressed (and smaller); a badge may be small enough to go as is
        if (identity.bytes.length > 1024) {
          expect(res.headers.get("content-encoding"), path).toBe(coding);
          expect(res.bytes.length, path).toBeLessThan(identity.bytes.length);
        }
        expect(decoded(res).equals(identity.bytes), `${path} ${accept}`).toBe(true);
        // each coding has its own strong validator, and answers 304 to it
        expect(res.headers.get("etag"), path).not.toBe(identity.headers.get("etag"));
        const again = await get(api, path, { "accept-encoding": accept, "if-none-match": res.headers.get("etag")! });
        expect(again.status, path).toBe(304);
        expect(varies(again), path).toBe(true);
      }
    }
  });

  it("gzip;q=0, br;q=0 and identity get the identity body", async () => {
    await seed(api);
    const path = `/api/v1/benchmarks/${SLUG}/leaderboard`;
    const plain = await get(api, path);
    for (const accept of ["gzip;q=0, br;q=0", "identity", "deflate", "identity, *;q=0"]) {
      const res = await get(api, path, { "accept-encoding": accept });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-encoding"), accept).toBeNull();
      expect(res.bytes.equals(plain.bytes), accept).toBe(true);
      expect(res.headers.get("etag")).toBe(plain.headers.get("etag"));
    }
    expect(JSON.parse(plain.bytes.toString("utf8")).systems).toHaveLength(30);
  });

  it("serves repeated reads from stored bytes: nothing ranked or serialized again", async () => {
    await seed(api);
    const paths = PATHS.filter((p) => p !== "/");
    for (const path of paths) await get(api, path, { "accept-encoding": "br" });
    const { computed, bodiesStored } = api.services.leaderboards.stats;
    for (const path of paths) for (const accept of ["br", "gzip", ""]) expect((await get(api, path, { "accept-encoding": accept })).status).toBe(200);
    expect(api.services.leaderboards.stats.computed).toBe(computed);
    expect(api.services.leaderboards.stats.bodiesStored).toBe(bodiesStored);
  });

  it("benchmark pages: strong ETag, 304, a new ETag and content after a submission", async () => {
    await seed(api);
    const path = `/benchmarks/${SLUG}?methods=mean,borda&sort=borda`;
    const first = await get(api, path);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"lb-\d+-1-[0-9a-f]{8}"$/);
    expect(first.headers.get("cache-control")).toBe("no-cache");
    const views = api.services.leaderboards.stats.viewsComputed;
    for (const inm of [etag, `W/${etag}`, `"x", ${etag}`]) expect((await get(api, path, { "if-none-match": inm })).status, inm).toBe(304);
    // another page query is another representation
    expect((await get(api, `/benchmarks/${SLUG}?methods=mean,borda&sort=mean`, { "if-none-match": etag })).status).toBe(200);
    // the same page again is the stored one
    expect((await get(api, path)).bytes.equals(first.bytes)).toBe(true);
    expect(api.services.leaderboards.stats.viewsComputed).toBe(views + 1);

    await submitOne(api, "newcomer");
    const after = await get(api, path, { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).toMatch(/^"lb-\d+-2-[0-9a-f]{8}"$/);
    expect(after.bytes.toString("utf8")).toContain('data-system="newcomer"');
    expect(first.bytes.toString("utf8")).not.toContain('data-system="newcomer"');
  });

  it("home page: ETag from the listing, 304, a new ETag after a submission or a new benchmark", async () => {
    const empty = await get(api, "/");
    const e0 = empty.headers.get("etag")!;
    expect(e0).toMatch(/^"home-[0-9a-f]{8}"$/);
    expect((await get(api, "/", { "if-none-match": e0 })).status).toBe(304);

    await seed(api);
    const seeded = await get(api, "/", { "if-none-match": e0 });
    expect(seeded.status).toBe(200);
    const e1 = seeded.headers.get("etag")!;
    expect(e1).not.toBe(e0);
    expect(seeded.bytes.toString("utf8")).toContain("30 systems");
    const rendered = api.services.listing.stats.rendered;
    expect((await get(api, "/", { "if-none-match": e1 })).status).toBe(304);
    expect((await get(api, "/")).bytes.equals(seeded.bytes)).toBe(true);
    expect(api.services.listing.stats.rendered).toBe(rendered);

    await submitOne(api, "newcomer");
    const afterSubmission = await get(api, "/", { "if-none-match": e1 });
    expect(afterSubmission.status).toBe(200);
    expect(afterSubmission.bytes.toString("utf8")).toContain("31 systems");
    const e2 = afterSubmission.headers.get("etag")!;

    await api.createBenchmark("another", ["x"]);
    const afterCreate = await get(api, "/", { "if-none-match": e2 });
    expect(afterCreate.status).toBe(200);
    expect(afterCreate.bytes.toString("utf8")).toContain('href="/benchmarks/another"');
    expect(new Set([e0, e1, e2, afterCreate.headers.get("etag")]).size).toBe(4);
  });

  it("badges: 304 to their ETag without ranking or rendering, a new ETag and rank after a submission", async () => {
    await seed(api);
    const path = `/api/v1/benchmarks/${SLUG}/systems/sys3/badge.svg?method=mean`;
    const first = await get(api, path);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const { computed, bodiesStored } = api.services.leaderboards.stats;
    expect((await get(api, path, { "if-none-match": etag })).status).toBe(304);
    const repeat = await get(api, path);
    expect(repeat.bytes.equals(first.bytes)).toBe(true);
    expect(repeat.headers.get("etag")).toBe(etag);
    expect(api.services.leaderboards.stats.computed).toBe(computed);
    expect(api.services.leaderboards.stats.bodiesStored).toBe(bodiesStored);
    expect(first.bytes.toString("utf8")).toContain("of 30");

    await submitOne(api, "newcomer");
    const after = await get(api, path, { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(after.bytes.toString("utf8")).toContain("of 31");
    // an unknown system is still a 404 error badge
    expect((await get(api, `/api/v1/benchmarks/${SLUG}/systems/nobody/badge.svg`)).status).toBe(404);
  });
});

describe.each(backends())("byte-bounded cache on %s", (kind) => {
  const CAP = 96 * 1024;
  const api = useTestApi(kind, { cacheMaxBytes: CAP });

  it("evicts to stay under cacheMaxBytes and still answers correctly", async () => {
    await seed(api, 60);
    const lb = `/api/v1/benchmarks/${SLUG}/leaderboard`;
    const reference = JSON.parse((await get(api, lb)).bytes.toString("utf8"));
    const ranks = (body: any, method: string) => Object.fromEntries(body.systems.map((s: any) => [s.slug, s.results[method].rank]));
    const stats = api.services.leaderboards.stats;
    expect(stats.cacheMaxBytes).toBe(CAP);
    // 12 method orders, each a separate entry of a few tens of KB with its three codings
    const orders = Array.from({ length: 12 }, (_, i) => [TASK_METHODS[i % 9], TASK_METHODS[(i + 3) % 9], TASK_METHODS[(i + 5) % 9]].join(","));
    for (const order of orders) {
      const res = await get(api, `${lb}?methods=${order}`, { "accept-encoding": "br" });
      expect(res.status).toBe(200);
      const body = JSON.parse(decoded(res).toString("utf8"));
      expect(body.methods).toEqual(order.split(","));
      for (const method of body.methods) expect(ranks(body, method), method).toEqual(ranks(reference, method));
      expect(stats.cacheBytes).toBeLessThanOrEqual(CAP);
    }
    expect(stats.cacheEntries).toBeLessThan(orders.length);
    // the first order was evicted: asking again computes it again, with the same answer
    const computed = stats.computed;
    const again = JSON.parse((await get(api, `${lb}?methods=${orders[0]}`)).bytes.toString("utf8"));
    expect(stats.computed).toBe(computed + 1);
    for (const method of again.methods) expect(ranks(again, method)).toEqual(ranks(reference, method));
    expect(stats.cacheBytes).toBeLessThanOrEqual(CAP);
  });
});

describe("large benchmark page", () => {
  const api = useTestApi("pglite");

  it("renders a 2,000 x 20 benchmark in a bounded page (top 500 rows unless rows=all)", async () => {
    const tasks = Array.from({ length: 20 }, (_, t) => `t${t}`);
    await api.createBenchmark(SLUG, tasks);
    let x = 12345;
    const next = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
    const submissions = Array.from({ length: 2000 }, (_, i) => ({
      system: { slug: `s${i}` },
      scores: Object.fromEntries(tasks.map((t) => [t, Math.round(next() * 1000) / 10])),
    }));
    expect((await api.call("POST", `/api/v1/benchmarks/${SLUG}/submissions`, { body: { submissions } })).status).toBe(201);

    const res = await get(api, `/benchmarks/${SLUG}?methods=mean,borda`, { "accept-encoding": "gzip" });
    expect(res.status).toBe(200);
    const html = decoded(res).toString("utf8");
    expect(html).toContain("2000 systems · 20 tasks");
    expect(html.match(/<tr data-system=/g)).toHaveLength(500);
    expect(html).toContain("The top 500 of 2000 systems by mean");
    expect(html).toContain('href="?level=task&amp;methods=mean%2Cborda&amp;sort=mean&amp;rows=all#leaderboard"');
    expect(html.length).toBeLessThan(1024 * 1024);
    expect(res.bytes.length).toBeLessThan(html.length / 4);

    const all = decoded(await get(api, `/benchmarks/${SLUG}?methods=mean,borda&rows=all`)).toString("utf8");
    expect(all.match(/<tr data-system=/g)).toHaveLength(2000);
    expect(all).toContain("All 2000 systems.");
  });
});
