/**
 * The compute pool through HTTP: ranking runs off the event loop, a full queue answers 503
 * `overloaded` with Retry-After, a job past its time cap or a worker out of memory costs that
 * one request a 503 and nothing else, identical cold requests compute once, and the bootstrap's
 * samples are capped by the table's size.
 */
import { describe, expect, it } from "vitest";
import { MAX_BOOTSTRAP_CELL_SAMPLES, MAX_BOOTSTRAP_PAIRWISE_WORK } from "../../service/uncertainty.ts";
import { useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";
import { uncorrelatedSystems } from "../helpers/random-tables.ts";

/** Kemeny on 100 random systems runs until its budget: a job that holds its worker for `ms`. */
const heavyRank = (ms: number) => ({ systems: uncorrelatedSystems(100, 5, 4242), methods: ["kemeny"], kemenyBudgetMs: ms });
const lightRank = { systems: [{ slug: "a", scores: { t: 2 } }, { slug: "b", scores: { t: 1 } }], methods: ["borda"] };

const rank = (api: TestApi, body: unknown) => api.call("POST", "/api/v1/rank", { body, token: null });

/** Resolves once the pool holds `count` unfinished jobs (each call below has reached the pool). */
async function pendingJobs(api: TestApi, count: number): Promise<void> {
  while (api.services.compute.stats.pending < count) await new Promise((r) => setTimeout(r, 5));
}

/** Tracks whether a promise has settled. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.finally(() => (done = true)).catch(() => {});
  return { promise, settled: () => done };
}

function expectOverloaded(res: { status: number; body: any; headers: Headers }, message: RegExp) {
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe("overloaded");
  expect(res.body.error.message).toMatch(message);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe.each(backends())("compute pool on %s (1 worker, queue 1, 4 s cap)", (kind) => {
  const api = useTestApi(kind, { computeWorkers: 1, computeQueue: 1, computeTimeoutMs: 4000 });

  it("a heavy /rank does not block /healthz or a cached read: both answer while it is still running", async () => {
    await api.createBenchmark("hot", ["t1", "t2"]);
    const submissions = ["a", "b"].map((slug, i) => ({ system: { slug }, scores: { t1: i, t2: i } }));
    expect((await api.call("POST", "/api/v1/benchmarks/hot/submissions", { body: { submissions } })).status).toBe(201);
    const cached = await api.call("GET", "/api/v1/benchmarks/hot/leaderboard", { token: null });
    expect(cached.status).toBe(200);
    const heavy = track(rank(api, heavyRank(1500)));
    await pendingJobs(api, 1);
    const health = await api.call("GET", "/healthz", { token: null });
    expect(health.status).toBe(200);
    const again = await api.call("GET", "/api/v1/benchmarks/hot/leaderboard", { token: null });
    expect(again.body).toEqual(cached.body);
    expect(heavy.settled()).toBe(false);
    const res = await heavy.promise;
    expect(res.status).toBe(200);
    expect(res.body.kemeny.order).toHaveLength(100);
  });

  it("queue full: 503 overloaded with Retry-After in the envelope; the admitted jobs complete", async () => {
    const running = rank(api, heavyRank(1500));
    await pendingJobs(api, 1);
    const queued = rank(api, lightRank);
    await pendingJobs(api, 2);
    const refused = await rank(api, lightRank);
    expectOverloaded(refused, /busy/);
    expect((await running).status).toBe(200);
    const ok = await queued;
    expect(ok.status).toBe(200);
    expect(ok.body.systems.map((s: { slug: string }) => s.slug)).toEqual(["a", "b"]);
    expect(api.services.compute.stats.rejected).toBeGreaterThanOrEqual(1);
  });

  it("a job past the time cap: 503, its worker is replaced, the next request works", { timeout: 60_000 }, async () => {
    const res = await rank(api, heavyRank(60_000));
    expectOverloaded(res, /time limit/);
    const next = await rank(api, lightRank);
    expect(next.status).toBe(200);
    expect(next.body.systems[0].slug).toBe("a");
  });

  it("bad input is still a 400 from the worker (not a 503)", async () => {
    const res = await rank(api, { systems: [{ slug: "a", scores: { t: 1 } }], methods: ["borda"], kemenyBudgetMs: -1 });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain("kemenyBudgetMs");
  });

  it("identical concurrent cold leaderboard requests compute once", async () => {
    await api.createBenchmark("same", ["t1", "t2"]);
    const submissions = ["a", "b", "c", "d"].map((slug, i) => ({ system: { slug }, scores: { t1: i, t2: 10 - i } }));
    expect((await api.call("POST", "/api/v1/benchmarks/same/submissions", { body: { submissions } })).status).toBe(201);
    const before = api.services.leaderboards.stats.computed;
    const path = "/api/v1/benchmarks/same/leaderboard?methods=borda,copeland&uncertainty=bootstrap&samples=200&seed=3";
    const replies = await Promise.all([1, 2, 3, 4].map(() => api.call("GET", path, { token: null })));
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(replies[0].body);
    }
    expect(replies[0].body.uncertainty.samples).toBe(200);
    expect(api.services.leaderboards.stats.computed - before).toBe(1);
  });

  it("samples beyond the table's cap: 400 naming samples with this table's maximum; fewer are fine", async () => {
    // 100 systems x 20 tasks = 2000 scores: at most MAX_BOOTSTRAP_CELL_SAMPLES / 2000 samples
    const tasks = Array.from({ length: 20 }, (_, t) => `t${t}`);
    await api.createBenchmark("wide", tasks);
    const submissions = Array.from({ length: 100 }, (_, s) => ({ system: { slug: `s${s}` }, scores: Object.fromEntries(tasks.map((t, i) => [t, (s * 7 + i * 13) % 31])) }));
    expect((await api.call("POST", "/api/v1/benchmarks/wide/submissions", { body: { submissions } })).status).toBe(201);
    const max = Math.floor(MAX_BOOTSTRAP_CELL_SAMPLES / 2000);
    const computed = api.services.leaderboards.stats.computed;
    const res = await api.call("GET", `/api/v1/benchmarks/wide/leaderboard?methods=mean&uncertainty=bootstrap&samples=${max + 1}`, { token: null });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe("samples");
    expect(res.body.error.details[0].message).toContain(`at most ${max}`);
    expect(api.services.leaderboards.stats.computed).toBe(computed);
    const ok = await api.call("GET", "/api/v1/benchmarks/wide/leaderboard?methods=mean&uncertainty=bootstrap&samples=20", { token: null });
    expect(ok.status).toBe(200);
    expect(ok.body.uncertainty.samples).toBe(20);
    // pairwise methods rebuild a 100 x 100 x 20 matrix per resample: a lower cap of their own
    const pairwiseMax = Math.floor(MAX_BOOTSTRAP_PAIRWISE_WORK / (100 * 100 * 20));
    expect(pairwiseMax).toBeLessThan(max);
    const copeland = await api.call("GET", `/api/v1/benchmarks/wide/leaderboard?methods=mean,copeland&uncertainty=bootstrap&samples=${pairwiseMax + 1}`, { token: null });
    expect(copeland.status).toBe(400);
    expect(copeland.body.error.details[0]).toMatchObject({ field: "samples", message: expect.stringContaining(`at most ${pairwiseMax}`) });
    expect(api.services.leaderboards.stats.computed).toBe(computed + 1);
  });
});

describe.each(backends())("compute pool on %s: a worker out of memory", (kind) => {
  const api = useTestApi(kind, { computeWorkers: 1, workerMemoryMb: 32, bodyLimitBytes: 8 * 1024 * 1024 });

  it("the job gets 503, the server and the pool keep answering", { timeout: 60_000 }, async () => {
    // 2 systems x 150k tasks: cheap to rank, but the input alone outgrows a 32 MB worker heap
    const scores = (s: number) => Object.fromEntries(Array.from({ length: 150_000 }, (_, t) => [`t${t}`, (s * 31 + t * 17) % 101]));
    const systems = [0, 1].map((s) => ({ slug: `s${s}`, scores: scores(s) }));
    const res = await rank(api, { systems, methods: ["mean"] });
    expectOverloaded(res, /memory limit/);
    expect((await api.call("GET", "/healthz", { token: null })).status).toBe(200);
    const next = await rank(api, lightRank);
    expect(next.status).toBe(200);
    expect(next.body.systems[0].slug).toBe("a");
    expect(api.services.compute.stats.workerDeaths).toBe(1);
  });
});
