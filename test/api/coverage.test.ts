/**
 * Coverage policy (`minCoverage`) on leaderboards and badges, partial-coverage badges and
 * interval badges, over HTTP.
 */
import { describe, expect, it } from "vitest";
import { useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";
import { seedGlue } from "../helpers/glue.ts";

/** 4 tasks; a has all, b three, c two, d one (the best score on t1). */
async function seedPartial(api: TestApi) {
  await api.createBenchmark("part", ["t1", "t2", "t3", "t4"]);
  const rows: Record<string, Record<string, number>> = {
    a: { t1: 5, t2: 5, t3: 5, t4: 5 },
    b: { t1: 6, t2: 6, t3: 6 },
    c: { t1: 7, t2: 1 },
    d: { t1: 99 },
  };
  const submissions = Object.entries(rows).map(([slug, scores]) => ({ system: { slug }, scores }));
  expect((await api.call("POST", "/api/v1/benchmarks/part/submissions", { body: { submissions } })).status).toBe(201);
}

describe.each(backends())("coverage policy (%s)", (kind) => {
  const api = useTestApi(kind);
  const get = (path: string, headers: Record<string, string> = {}) => api.call("GET", path, { token: null, headers });
  const LB = "/api/v1/benchmarks/part/leaderboard";

  it("minCoverage as tasks or a fraction: systems below it are listed apart and the rest ranked among themselves", async () => {
    await seedPartial(api);
    const all = (await get(`${LB}?methods=mean`)).body;
    expect(all.systems[0].slug).toBe("d"); // one task, the mean's leader
    expect(all).not.toHaveProperty("incomplete");

    const three = await get(`${LB}?methods=mean,borda&minCoverage=3`);
    expect(three.status).toBe(200);
    expect(three.body.systems.map((s: any) => s.slug)).toEqual(["b", "a"]);
    expect(three.body.systems.map((s: any) => s.results.mean.rank)).toEqual([1, 2]);
    // exactly the ranking of the two kept systems alone
    const alone = await api.call("POST", "/api/v1/rank", {
      token: null,
      body: { tasks: ["t1", "t2", "t3", "t4"].map((slug) => ({ slug })), systems: three.body.systems.map((s: any) => ({ slug: s.slug, scores: s.scores })), methods: ["mean", "borda"] },
    });
    expect(three.body.systems.map((s: any) => s.results)).toEqual(alone.body.systems.map((s: any) => s.results));
    expect(three.body.coverage).toEqual({ minCoverage: { tasks: 3 }, requiredTasks: 3 });
    expect(three.body.incomplete.map((s: any) => [s.slug, s.coverage])).toEqual([
      ["c", 2],
      ["d", 1],
    ]);
    expect(three.body.incomplete[1].scores).toEqual({ t1: 99 });
    expect(three.body.incomplete[0]).not.toHaveProperty("results");

    // 0.5 of 4 tasks: 2 needed; 1.0: every task; "1" is one task (everyone)
    const half = (await get(`${LB}?methods=mean&minCoverage=0.5`)).body;
    expect(half.coverage).toEqual({ minCoverage: { fraction: 0.5 }, requiredTasks: 2 });
    expect(half.systems.map((s: any) => s.slug).sort()).toEqual(["a", "b", "c"]);
    expect(half.incomplete.map((s: any) => s.slug)).toEqual(["d"]);
    const full = (await get(`${LB}?methods=mean&minCoverage=1.0`)).body;
    expect(full.systems.map((s: any) => s.slug)).toEqual(["a"]);
    const one = (await get(`${LB}?methods=mean&minCoverage=1`)).body;
    expect(one.systems).toHaveLength(4);
    expect(one.incomplete).toEqual([]);
    // more than there are tasks: nobody is ranked
    const none = (await get(`${LB}?methods=mean&minCoverage=5`)).body;
    expect(none.systems).toEqual([]);
    expect(none.incomplete).toHaveLength(4);
  });

  it("CSV lists the incomplete systems after the ranked ones with empty rank cells; minCoverage is part of the ETag", async () => {
    await seedPartial(api);
    const res = await get(`${LB}?methods=mean&minCoverage=3&format=csv`);
    expect(res.status).toBe(200);
    const lines = (res.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("system,name,coverage,mean_rank,mean_score,t1,t2,t3,t4");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["b", "a", "c", "d"]);
    expect(lines[4]).toBe("d,d,1,,,99,,,");
    const plain = await get(`${LB}?methods=mean&format=csv`);
    expect(plain.headers.get("etag")).not.toBe(res.headers.get("etag"));
    expect((await get(`${LB}?methods=mean&minCoverage=3&format=csv`, { "if-none-match": res.headers.get("etag")! })).status).toBe(304);
    expect((await get(`${LB}?methods=mean&minCoverage=2&format=csv`, { "if-none-match": res.headers.get("etag")! })).status).toBe(200);
  });

  it("bad minCoverage values are 400 naming the field", async () => {
    await seedPartial(api);
    for (const v of ["-1", "0.0", "1.5", "abc", "", "1e2", "2.", "0x3", "9999999"]) {
      const res = await get(`${LB}?minCoverage=${v}`);
      expect(res.status, v).toBe(400);
      expect(res.body.error.details[0].field, v).toBe("minCoverage");
    }
    expect((await get(`${LB}?minCoverage=0`)).body).not.toHaveProperty("incomplete");
  });

  it("badges: partial coverage says k/m tasks; below minCoverage a system is unranked and not counted", async () => {
    await seedPartial(api);
    const badge = (system: string, query = "") => get(`/api/v1/benchmarks/part/systems/${system}/badge.json?method=mean${query}`);
    // mean: d 99, b 6, a 5, c 4
    expect((await badge("a")).body.message).toBe("#3 of 4");
    expect((await badge("c")).body.message).toBe("#4 of 4 · 2/4 tasks");
    expect((await badge("d")).body.message).toBe("#1 of 4 · 1/4 tasks");
    expect((await badge("b")).body.message).toBe("#2 of 4 · 3/4 tasks");
    expect((await badge("b", "&minCoverage=3")).body.message).toBe("#1 of 2 · 3/4 tasks");
    const unranked = await badge("d", "&minCoverage=0.75");
    expect(unranked.status).toBe(200);
    expect(unranked.body).toMatchObject({ message: "unranked · 1/4 tasks", color: "lightgrey" });
    const svg = await get("/api/v1/benchmarks/part/systems/d/badge.svg?method=mean&minCoverage=3");
    expect(svg.body).toContain("unranked · 1/4 tasks");
    const bad = await get("/api/v1/benchmarks/part/systems/d/badge.svg?minCoverage=2.5");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect((await badge("zz", "&minCoverage=3")).status).toBe(404);
  });

  it("interval badges: #k (lo-hi) of n from the default bootstrap, as the leaderboard reports it", async () => {
    await seedGlue(api);
    const lb = (await get("/api/v1/benchmarks/glue/leaderboard?methods=borda&uncertainty=bootstrap")).body;
    expect(lb.uncertainty).toMatchObject({ samples: 1000, seed: 0 });
    for (const row of [lb.systems[2], lb.systems[50]]) {
      const res = await get(`/api/v1/benchmarks/glue/systems/${row.slug}/badge.json?interval=1`);
      expect(res.status).toBe(200);
      const { rank, interval } = row.results.borda;
      expect(res.body.message).toBe(`#${rank} (${interval[0]}-${interval[1]}) of 105`);
      expect(res.body.message).toMatch(/^#\d+ \(\d+-\d+\) of 105$/);
      const etag = res.headers.get("etag")!;
      expect((await get(`/api/v1/benchmarks/glue/systems/${row.slug}/badge.json`)).headers.get("etag")).not.toBe(etag);
      expect((await get(`/api/v1/benchmarks/glue/systems/${row.slug}/badge.json?interval=1`, { "if-none-match": etag })).status).toBe(304);
    }
    const svg = await get(`/api/v1/benchmarks/glue/systems/${lb.systems[2].slug}/badge.svg?interval=1`);
    expect(svg.body).toMatch(/#3 \(\d+-\d+\) of 105/);
    expect((await get(`/api/v1/benchmarks/glue/systems/${lb.systems[2].slug}/badge.svg?interval=yes`)).status).toBe(400);
  });

  it("an interval badge on a table too large for the default bootstrap is an error badge (400), not a JSON error", async () => {
    const tasks = Array.from({ length: 17 }, (_, t) => `t${t}`);
    await api.createBenchmark("big", tasks);
    const submissions = Array.from({ length: 1000 }, (_, i) => ({ system: { slug: `s${i}` }, scores: Object.fromEntries(tasks.map((t, k) => [t, (i * 7 + k * 13) % 101])) }));
    expect((await api.call("POST", "/api/v1/benchmarks/big/submissions", { body: { submissions } })).status).toBe(201);
    // 1000 x 17 scores x 1000 resamples is beyond the bootstrap's work cap
    const svg = await get("/api/v1/benchmarks/big/systems/s1/badge.svg?interval=1&method=mean");
    expect(svg.status).toBe(400);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain("bad request");
    const json = await get("/api/v1/benchmarks/big/systems/s1/badge.json?interval=1&method=mean");
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ schemaVersion: 1, isError: true, error: { code: "invalid_request" } });
    expect(json.body.error.message).toContain("samples");
    expect((await get("/api/v1/benchmarks/big/systems/s1/badge.json?method=mean")).body.message).toMatch(/^#\d+ of 1000$/);
  });
});
