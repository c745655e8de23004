import { describe, expect, it } from "vitest";
import { useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";

const RB = "/api/v1/benchmarks/r3/robustness";

/**
 * Hand-checked 3 x 3 (higher is better, weight 1); Borda points per task 2/1/0:
 *        t1  t2  t3     borda
 *   a    3   3   1      2+2+0 = 4
 *   b    2   1   3      1+0+2 = 3
 *   c    1   2   2      0+1+1 = 2     full ranking a, b, c
 * without t1: a 2, b 2, c 2: one tie -> kendallTau null, top1 a (ties: leaderboard order), top1Tied a, b, c
 * without t2: a 2, b 3, c 1 -> b, a, c: (a,b) discordant, (a,c), (b,c) concordant -> tau 1/3, top1 b
 * without t3: a 4, b 1, c 1 -> a, then b = c: tau-b = 2 / sqrt(3 * 2), top1 a
 * Condorcet: a beats b (t1, t2) and c (t1, t2) 2:1 -> winner a, rank 1.
 */
async function seed3x3(api: TestApi) {
  await api.createBenchmark("r3", ["t1", "t2", "t3"]);
  const rows: Record<string, number[]> = { a: [3, 3, 1], b: [2, 1, 3], c: [1, 2, 2] };
  const submissions = Object.entries(rows).map(([slug, v]) => ({ system: { slug }, scores: { t1: v[0], t2: v[1], t3: v[2] } }));
  expect((await api.call("POST", "/api/v1/benchmarks/r3/submissions", { body: { submissions } })).status).toBe(201);
}

describe.each(backends())("robustness on %s", (kind) => {
  const api = useTestApi(kind);
  const get = (query = "", headers: Record<string, string> = {}) => api.call("GET", `${RB}${query}`, { token: null, headers });

  it("borda (the default): hand-checked leave-one-task-out and Condorcet winner", async () => {
    await seed3x3(api);
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = res.body;
    expect(body).toMatchObject({ benchmark: { slug: "r3", name: "R3", revision: 1 }, method: "borda", top1: "a", condorcet: { winner: "a", rank: 1 } });
    expect(body.leaveOneTaskOut).toHaveLength(3);
    const [t1, t2, t3] = body.leaveOneTaskOut;
    expect(t1).toEqual({ task: "t1", kendallTau: null, top1: "a", top1Tied: ["a", "b", "c"] });
    expect(t2).toMatchObject({ task: "t2", top1: "b", top1Tied: ["b"] });
    expect(t2.kendallTau).toBeCloseTo(1 / 3, 12);
    expect(t3).toMatchObject({ task: "t3", top1: "a", top1Tied: ["a"] });
    expect(t3.kendallTau).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(body.top1Changes).toEqual(["t2"]);
    expect(body.minKendallTau).toBeCloseTo(1 / 3, 12);
    expect(body).not.toHaveProperty("kemenyExact");
    expect((await get("?method=borda")).body).toEqual(body);
  });

  it("kemeny: proven exact; without t3 (t1, t2 agree that a is first) a stays first", async () => {
    await seed3x3(api);
    const body = (await get("?method=kemeny")).body;
    expect(body.method).toBe("kemeny");
    expect(body.top1).toBe("a");
    expect(body.kemenyExact).toBe(true);
    expect(body.leaveOneTaskOut.map((e: { task: string }) => e.task)).toEqual(["t1", "t2", "t3"]);
    // without t1 every pair is 1:1, so any order is optimal; without t3: a > b, a > c 2:0
    expect(body.leaveOneTaskOut[2]).toMatchObject({ top1: "a", top1Tied: ["a"] });
    expect(body.condorcet).toEqual({ winner: "a", rank: 1 });
  });

  it("ETag per (revision, method); 304 on a match; computed once per revision", async () => {
    await seed3x3(api);
    const first = await get();
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"lb-\d+-1-[0-9a-f]{8}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    const lbEtag = (await api.call("GET", "/api/v1/benchmarks/r3/leaderboard?methods=borda", { token: null })).headers.get("etag");
    expect(lbEtag).not.toBe(etag);
    expect((await get("?method=mean")).headers.get("etag")).not.toBe(etag);

    const views = api.services.leaderboards.stats.viewsComputed;
    const hit = await get("", { "if-none-match": etag });
    expect(hit.status).toBe(304);
    expect(hit.body).toBeUndefined();
    expect((await get()).body).toEqual(first.body);
    expect(api.services.leaderboards.stats.viewsComputed).toBe(views);

    // a new submission is a new revision: new ETag, recomputed
    await api.call("POST", "/api/v1/benchmarks/r3/submissions", { body: { system: { slug: "d" }, scores: { t1: 9, t2: 9, t3: 9 } } });
    const after = await get("", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(after.body).toMatchObject({ benchmark: { revision: 2 }, top1: "d", condorcet: { winner: "d", rank: 1 }, top1Changes: [] });
  });

  it("fewer than 2 tasks or no systems: 200 with an empty leave-one-out list", async () => {
    await api.createBenchmark("r3", ["only"]);
    const empty = await get();
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      benchmark: { slug: "r3", name: "R3", revision: 0 },
      method: "borda",
      top1: null,
      leaveOneTaskOut: [],
      top1Changes: [],
      minKendallTau: null,
      condorcet: { winner: null, rank: null },
    });
    await api.call("POST", "/api/v1/benchmarks/r3/submissions", { body: { submissions: [{ system: { slug: "x" }, scores: { only: 1 } }, { system: { slug: "y" }, scores: { only: 2 } }] } });
    const one = await get();
    expect(one.body).toMatchObject({ top1: "y", leaveOneTaskOut: [], top1Changes: [], minKendallTau: null, condorcet: { winner: "y", rank: 1 } });
  });

  it("errors: unknown benchmark 404, unknown method 400 naming the field, bad slug 400", async () => {
    const missing = await api.call("GET", "/api/v1/benchmarks/nope/robustness", { token: null });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: "not_found", message: 'benchmark "nope" not found' } });
    await seed3x3(api);
    const bad = await get("?method=bogus");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(["method"]);
    expect((await api.call("GET", "/api/v1/benchmarks/Bad!/robustness", { token: null })).status).toBe(400);
  });

  it("is in /openapi.json with its response schema", async () => {
    const doc = (await api.call("GET", "/openapi.json", { token: null })).body;
    const op = doc.paths["/api/v1/benchmarks/{slug}/robustness"].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["method", "slug"]);
    expect(Object.keys(op.responses).sort()).toEqual(["200", "304", "400", "404", "503"]);
    const schema = doc.components.schemas.Robustness;
    expect(schema.required).toEqual(expect.arrayContaining(["method", "leaveOneTaskOut", "condorcet"]));
    expect(doc.components.schemas.LeaveOneTaskOut.required).toEqual(expect.arrayContaining(["task", "kendallTau", "top1"]));
    const lbQuery = doc.paths["/api/v1/benchmarks/{slug}/leaderboard"].get.parameters.map((p: { name: string }) => p.name);
    expect(lbQuery).toEqual(expect.arrayContaining(["uncertainty", "samples", "seed"]));
    expect(doc.components.schemas.Leaderboard.properties).toHaveProperty("tieGroups");
  });
});
