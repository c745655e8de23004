/**
 * Evidence behind the ranks over HTTP: pairwise matrices (task and instance level, JSON and
 * CSV, ETag/304) checked entry by entry against the definition computed here, and what-if
 * weights replayed through POST /api/v1/rank.
 */
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";
import { seedGlue, type GlueSystem } from "../helpers/glue.ts";

const tol = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The definition, naively: share of common tasks a beats b (ties half), n, half-width, separated. */
function expectedEntry(a: Record<string, number>, b: Record<string, number>, tasks: string[], delta: number, lowerIsBetter = new Set<string>()) {
  let n = 0;
  let won = 0;
  for (const t of tasks) {
    if (!(t in a) || !(t in b)) continue;
    n++;
    const x = lowerIsBetter.has(t) ? -a[t] : a[t];
    const y = lowerIsBetter.has(t) ? -b[t] : b[t];
    if (tol(x, y)) won += 0.5;
    else if (x > y) won += 1;
  }
  if (n === 0) return { wins: null, n: 0, halfWidth: null, separated: false };
  const halfWidth = Math.sqrt(Math.log(1 / delta) / (2 * n));
  return { wins: won / n, n, halfWidth, separated: won / n - halfWidth > 0.5 };
}

function checkMatrices(body: any, scoresOf: (slug: string) => Record<string, number>, tasks: string[], delta: number) {
  const k = body.systems.length;
  for (const key of ["wins", "n", "halfWidth", "separated"]) {
    expect(body[key]).toHaveLength(k);
    for (const row of body[key]) expect(row).toHaveLength(k);
  }
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const got = { wins: body.wins[i][j], n: body.n[i][j], halfWidth: body.halfWidth[i][j], separated: body.separated[i][j] };
      if (i === j) {
        expect(got).toEqual({ wins: null, n: 0, halfWidth: null, separated: false });
        continue;
      }
      const want = expectedEntry(scoresOf(body.systems[i]), scoresOf(body.systems[j]), tasks, delta);
      expect(got.n).toBe(want.n);
      expect(got.separated).toBe(want.separated);
      if (want.wins === null) expect(got.wins).toBeNull();
      else {
        expect(got.wins).toBeCloseTo(want.wins, 12);
        expect(got.halfWidth).toBeCloseTo(want.halfWidth!, 12);
      }
    }
}

async function seedSmall(api: TestApi) {
  // t2 lower is better; d has only t3, e only t1: d and e share nothing (n = 0)
  const res = await api.call("POST", "/api/v1/benchmarks", {
    body: { slug: "small", name: "Small", tasks: [{ slug: "t1" }, { slug: "t2", higherIsBetter: false }, { slug: "t3", weight: 3 }] },
  });
  expect(res.status).toBe(201);
  const rows: Record<string, Record<string, number>> = {
    a: { t1: 3, t2: 1, t3: 5 },
    b: { t1: 3, t2: 2, t3: 1 },
    c: { t1: 1, t2: 3, t3: 2 },
    d: { t3: 9 },
    e: { t1: 0.5 },
  };
  const submissions = Object.entries(rows).map(([slug, scores]) => ({ system: { slug }, scores }));
  expect((await api.call("POST", "/api/v1/benchmarks/small/submissions", { body: { submissions } })).status).toBe(201);
  return rows;
}

describe.each(backends())("evidence (%s)", (kind) => {
  const api = useTestApi(kind);
  const get = (path: string, headers: Record<string, string> = {}) => api.call("GET", path, { token: null, headers });

  describe("pairwise", () => {
    it("GLUE: every entry equals the definition, in mean leaderboard order; delta changes the half-widths", async () => {
      const { taskSlugs, systems } = await seedGlue(api);
      const bySlug = new Map<string, GlueSystem>(systems.map((s) => [s.slug, s]));
      const lb = (await get("/api/v1/benchmarks/glue/leaderboard?methods=mean")).body;
      const res = await get("/api/v1/benchmarks/glue/pairwise");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ level: "task", delta: 0.05, benchmark: { slug: "glue", revision: 1 } });
      expect(res.body.systems).toEqual(lb.systems.map((s: any) => s.slug));
      checkMatrices(res.body, (s) => bySlug.get(s)!.scores, taskSlugs, 0.05);
      // the top system is separated from the last one on 14 tasks: 14/14 - sqrt(ln 20 / 28) > 1/2
      expect(res.body.separated[0][104]).toBe(true);

      const loose = await get("/api/v1/benchmarks/glue/pairwise?delta=0.5&level=task");
      expect(loose.status).toBe(200);
      expect(loose.body.delta).toBe(0.5);
      checkMatrices(loose.body, (s) => bySlug.get(s)!.scores, taskSlugs, 0.5);
      expect(loose.body.halfWidth[0][1]).toBeLessThan(res.body.halfWidth[0][1]);
    });

    it("missing scores: n counts common tasks, n = 0 gives null/null/false; directions and ties as defined", async () => {
      const rows = await seedSmall(api);
      const res = await get("/api/v1/benchmarks/small/pairwise?delta=0.1");
      expect(res.status).toBe(200);
      const lb = (await get("/api/v1/benchmarks/small/leaderboard?methods=mean")).body;
      expect(res.body.systems).toEqual(lb.systems.map((s: any) => s.slug));
      const lower = new Set(["t2"]);
      const k = res.body.systems.length;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++)
          if (i !== j) {
            const want = expectedEntry(rows[res.body.systems[i]], rows[res.body.systems[j]], ["t1", "t2", "t3"], 0.1, lower);
            expect(res.body.wins[i][j] ?? null).toEqual(want.wins === null ? null : expect.closeTo(want.wins, 12));
            expect(res.body.n[i][j]).toBe(want.n);
          }
      const at = (x: string) => res.body.systems.indexOf(x);
      // a vs b: t1 tie (half), t2 a wins (1 < 2, lower is better), t3 a wins -> 2.5 / 3
      expect(res.body.wins[at("a")][at("b")]).toBeCloseTo(2.5 / 3, 12);
      expect(res.body.wins[at("b")][at("a")]).toBeCloseTo(0.5 / 3, 12);
      expect(res.body.n[at("a")][at("b")]).toBe(3);
      expect(res.body.halfWidth[at("a")][at("b")]).toBeCloseTo(Math.sqrt(Math.log(10) / 6), 12);
      expect(res.body.wins[at("d")][at("e")]).toBeNull();
      expect(res.body.halfWidth[at("d")][at("e")]).toBeNull();
      expect(res.body.n[at("d")][at("e")]).toBe(0);
      expect(res.body.separated[at("d")][at("e")]).toBe(false);
    });

    it("CSV: one row per ordered pair; ETag and 304; a new submission changes the answer", async () => {
      await seedSmall(api);
      const json = (await get("/api/v1/benchmarks/small/pairwise")).body;
      const res = await get("/api/v1/benchmarks/small/pairwise?format=csv");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      const lines = (res.body as string).trim().split("\r\n");
      expect(lines[0]).toBe("system,opponent,wins,n,half_width,separated");
      expect(lines).toHaveLength(1 + 5 * 4);
      const [s0, s1] = json.systems;
      expect(lines[1]).toBe(`${s0},${s1},${json.wins[0][1]},${json.n[0][1]},${json.halfWidth[0][1]},${json.separated[0][1]}`);
      expect(lines.some((l) => /^d,e,,0,,false$/.test(l))).toBe(true);

      const etag = res.headers.get("etag")!;
      expect(etag).toBeTruthy();
      expect((await get("/api/v1/benchmarks/small/pairwise?format=csv", { "if-none-match": etag })).status).toBe(304);
      const jsonEtag = (await get("/api/v1/benchmarks/small/pairwise")).headers.get("etag");
      expect(jsonEtag).not.toBe(etag);

      const sub = await api.call("POST", "/api/v1/benchmarks/small/submissions", { body: { system: { slug: "e" }, scores: { t1: 0.5, t3: 9 } } });
      expect(sub.status).toBe(201);
      const after = await get("/api/v1/benchmarks/small/pairwise?format=csv", { "if-none-match": etag });
      expect(after.status).toBe(200);
      expect((after.body as string).split("\r\n").some((l) => /^d,e,0\.5,1,/.test(l))).toBe(true);
    });

    it("instance level: every (task, instance) both scored counts, in the instance leaderboard's order", async () => {
      const created = await api.call("POST", "/api/v1/benchmarks", {
        body: { slug: "inst", name: "Inst", tasks: [{ slug: "acc" }, { slug: "err", higherIsBetter: false }] },
      });
      expect(created.status).toBe(201);
      const upload = async (system: string, rows: (string | number)[][]) => {
        const res = await api.app.request(`/api/v1/benchmarks/inst/systems/${system}/instances`, {
          method: "POST",
          headers: { "content-type": "text/csv", authorization: `Bearer ${ADMIN_TOKEN}` },
          body: ["task,instance,score", ...rows.map((r) => r.join(","))].join("\n") + "\n",
        });
        expect(res.status).toBe(201);
      };
      await upload("a", [["acc", "i1", 0.9], ["acc", "i2", 0.5], ["err", "j1", 3]]);
      await upload("b", [["acc", "i1", 0.8], ["acc", "i2", 0.7], ["err", "j1", 1]]);
      await upload("c", [["acc", "i1", 0.8], ["err", "j1", 1]]);
      const res = await get("/api/v1/benchmarks/inst/pairwise?level=instance");
      expect(res.status).toBe(200);
      expect(res.body.level).toBe("instance");
      const lb = (await get("/api/v1/benchmarks/inst/leaderboard?level=instance&methods=mean")).body;
      expect(res.body.systems).toEqual(lb.systems.map((s: any) => s.slug));
      const at = (x: string) => res.body.systems.indexOf(x);
      // a vs b: i1 a (0.9 > 0.8), i2 b, j1 b (1 < 3): 1/3; b vs c: i1 tie, j1 tie: 1/2 over 2
      expect(res.body.wins[at("a")][at("b")]).toBeCloseTo(1 / 3, 12);
      expect(res.body.n[at("a")][at("b")]).toBe(3);
      expect(res.body.wins[at("b")][at("c")]).toBeCloseTo(0.5, 12);
      expect(res.body.n[at("b")][at("c")]).toBe(2);
      expect(res.body.wins[at("c")][at("a")]).toBeCloseTo(0.5, 12); // i1 a, j1 c
      // task level ranks the submitted task scores: none here
      const task = (await get("/api/v1/benchmarks/inst/pairwise")).body;
      expect(task).toMatchObject({ level: "task", systems: [], wins: [] });
    });

    it("bad input is a 400 in the envelope; unknown benchmark 404; instance level without instance scores 400", async () => {
      await seedSmall(api);
      for (const q of ["delta=0", "delta=0.6", "delta=-0.1", "delta=abc", "delta=", "delta=1e999", "delta=NaN", "level=system", "format=xml"]) {
        const res = await get(`/api/v1/benchmarks/small/pairwise?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.error.code, q).toBe("invalid_request");
        expect(JSON.stringify(res.body.error.details), q).toMatch(/delta|level|format/);
      }
      expect((await get("/api/v1/benchmarks/small/pairwise?delta=5e-2")).body.delta).toBe(0.05);
      const none = await get("/api/v1/benchmarks/small/pairwise?level=instance");
      expect(none.status).toBe(400);
      expect(none.body.error.details[0].field).toBe("level");
      const missing = await get("/api/v1/benchmarks/nope/pairwise");
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe("not_found");
    });
  });

  it("bootstrap tie groups and intervals of a method do not depend on the other methods listed (GLUE, seed 42)", async () => {
    await seedGlue(api);
    const lb = async (methods: string, samples = 1000) =>
      (await get(`/api/v1/benchmarks/glue/leaderboard?methods=${methods}&uncertainty=bootstrap&seed=42&samples=${samples}`)).body;
    const borda = await lb("borda");
    const both = await lb("mean,borda");
    expect(both.tieGroups.borda).toEqual(borda.tieGroups.borda);
    const cells = (body: any, method: string) => Object.fromEntries(body.systems.map((s: any) => [s.slug, s.results[method]]));
    expect(cells(both, "borda")).toEqual(cells(borda, "borda"));
    // equal borda scores share a group
    const score = cells(borda, "borda");
    const groupOf = new Map<string, number>(borda.tieGroups.borda.flatMap((g: string[], i: number) => g.map((slug) => [slug, i] as [string, number])));
    for (const a of Object.keys(score)) for (const b of Object.keys(score)) if (score[a].score === score[b].score) expect(groupOf.get(a), `${a} ${b}`).toBe(groupOf.get(b));
    const kemeny = await lb("kemeny", 100);
    const kemenyAfterMean = await lb("mean,kemeny", 100);
    expect(kemenyAfterMean.tieGroups.kemeny).toEqual(kemeny.tieGroups.kemeny);
    expect(cells(kemenyAfterMean, "kemeny")).toEqual(cells(kemeny, "kemeny"));
  });

  it("pairwise: more than 500 systems is a 400 (the matrices would be too large), not a 5xx", async () => {
    await api.createBenchmark("wide", ["t1", "t2"]);
    const submissions = Array.from({ length: 501 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { t1: i % 7, t2: i % 11 } }));
    expect((await api.call("POST", "/api/v1/benchmarks/wide/submissions", { body: { submissions } })).status).toBe(201);
    const res = await get("/api/v1/benchmarks/wide/pairwise");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(res.body.error.details[0].message).toContain("at most 500 systems");
  });

  describe("what-if weights", () => {
    const whatif = (system: string, method?: string) => get(`/api/v1/benchmarks/glue/systems/${system}/whatif${method ? `?method=${method}` : ""}`);
    const rank = (taskSlugs: string[], systems: GlueSystem[], weights: Record<string, number>, method: string) =>
      api.call("POST", "/api/v1/rank", {
        token: null,
        body: { tasks: taskSlugs.map((slug) => ({ slug, weight: weights[slug] })), systems: systems.map((s) => ({ slug: s.slug, scores: s.scores })), methods: [method] },
      });

    it("GLUE: a Pareto-dominated system cannot win under mean or borda", async () => {
      const { taskSlugs, systems } = await seedGlue(api);
      // a system some other system beats on every task
      const dominated = systems.find((s) => systems.some((o) => o !== s && taskSlugs.every((t) => o.scores[t] > s.scores[t])))!;
      expect(dominated).toBeDefined();
      for (const method of ["mean", "borda"]) {
        const res = await whatif(dominated.slug, method);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ system: dominated.slug, method, canWin: false, weights: null, margin: null });
        expect(res.body.bestMargin).toBeLessThan(0);
      }
    });

    it("GLUE: a system that tops some task gets weights that, replayed through POST /api/v1/rank, rank it first", async () => {
      const { taskSlugs, systems } = await seedGlue(api);
      // the sole best system on some task, other than the mean leader
      const lb = (await get("/api/v1/benchmarks/glue/leaderboard?methods=mean")).body;
      const leader = lb.systems[0].slug;
      let topper: GlueSystem | undefined;
      for (const t of taskSlugs) {
        const best = Math.max(...systems.map((s) => s.scores[t]));
        topper = systems.find((s) => s.slug !== leader && s.scores[t] === best && systems.filter((o) => o.scores[t] === best).length === 1);
        if (topper) break;
      }
      expect(topper).toBeDefined();
      for (const method of ["mean", "mean-minmax", "mean-zscore", "winrate", "plurality", "dowdall", "borda"]) {
        const res = await whatif(topper!.slug, method);
        expect(res.status, method).toBe(200);
        expect(res.body.canWin, method).toBe(true);
        expect(res.body.margin, method).toBeGreaterThanOrEqual(0);
        const w = res.body.weights as Record<string, number>;
        expect(Object.keys(w).sort()).toEqual([...taskSlugs].sort());
        expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        for (const v of Object.values(w)) expect(v, method).toBeGreaterThan(0);
        const replay = await rank(taskSlugs, systems, w, method);
        expect(replay.status, method).toBe(200);
        const row = replay.body.systems.find((s: any) => s.slug === topper!.slug);
        expect(row.results[method].rank, method).toBe(1);
        // the reported margin is the replayed one
        const others = replay.body.systems.filter((s: any) => s.slug !== topper!.slug).map((s: any) => s.results[method].score);
        expect(row.results[method].score - Math.max(...others)).toBeCloseTo(res.body.margin, 6);
      }
    });

    it("unsupported or unknown methods are 400 naming the supported ones; unknown system or benchmark 404; ETag/304", async () => {
      await seedGlue(api);
      const sys = (await get("/api/v1/benchmarks/glue/leaderboard?methods=mean")).body.systems[3].slug;
      for (const m of ["copeland", "kemeny", "minimax", "borda2", "foo", ""]) {
        const res = await whatif(sys, m || "%20");
        expect(res.status, m).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
        expect(res.body.error.details[0].field).toBe("method");
        expect(res.body.error.details[0].message).toContain("mean, mean-minmax, mean-zscore, winrate, plurality, dowdall, borda");
      }
      const dflt = await whatif(sys);
      expect(dflt.status).toBe(200);
      expect(dflt.body.method).toBe("borda");
      expect((await whatif(sys, "borda")).headers.get("etag")).toBe(dflt.headers.get("etag"));
      expect((await get(`/api/v1/benchmarks/glue/systems/${sys}/whatif`, { "if-none-match": dflt.headers.get("etag")! })).status).toBe(304);
      const unknown = await whatif("no-such-system", "mean");
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe("not_found");
      expect((await get("/api/v1/benchmarks/nope/systems/x/whatif")).status).toBe(404);
    });

    it("a system that can only tie for first: canWin, margin 0, positive weights that replay to a shared rank 1", async () => {
      await api.createBenchmark("tie", ["t1", "t2"]);
      const rows: Record<string, Record<string, number>> = { a: { t1: 5, t2: 9 }, b: { t1: 5, t2: 1 }, c: { t1: 1, t2: 1 } };
      const submissions = Object.entries(rows).map(([slug, scores]) => ({ system: { slug }, scores }));
      expect((await api.call("POST", "/api/v1/benchmarks/tie/submissions", { body: { submissions } })).status).toBe(201);
      for (const method of ["mean", "borda", "plurality"]) {
        const res = await get(`/api/v1/benchmarks/tie/systems/b/whatif?method=${method}`);
        expect(res.status, method).toBe(200);
        expect(res.body, method).toMatchObject({ canWin: true, margin: 0 });
        expect(Math.abs(res.body.bestMargin), method).toBeLessThan(1e-6);
        const w = res.body.weights as Record<string, number>;
        expect(w.t1 + w.t2).toBeCloseTo(1, 12);
        expect(w.t2, method).toBeGreaterThan(0);
        expect(w.t2, method).toBeLessThan(1e-6);
        const replay = await api.call("POST", "/api/v1/rank", {
          token: null,
          body: { tasks: [{ slug: "t1", weight: w.t1 }, { slug: "t2", weight: w.t2 }], systems: Object.entries(rows).map(([slug, scores]) => ({ slug, scores })), methods: [method] },
        });
        expect(replay.status, method).toBe(200);
        const rank = Object.fromEntries(replay.body.systems.map((r: any) => [r.slug, r.results[method].rank]));
        expect(rank, method).toMatchObject({ a: 1, b: 1 });
      }
      // c is beaten on both tasks by a: no weighting helps
      expect((await get("/api/v1/benchmarks/tie/systems/c/whatif?method=mean")).body).toMatchObject({ canWin: false, weights: null, margin: null });
    });

    it("missing scores: borda scores them; the mean over different task sets is searched exactly and replays", async () => {
      const rows = await seedSmall(api);
      const borda = await get("/api/v1/benchmarks/small/systems/d/whatif?method=borda");
      expect(borda.status).toBe(200);
      // d has one score, the best on t3: all weight on t3 puts it first (expected Borda points, RANKING.md)
      expect(borda.body.canWin).toBe(true);
      // a task of weight 0 is left out of the replay (POST /api/v1/rank takes positive weights)
      const replay = async (system: string, method: string, w: Record<string, number>) => {
        const tasks = [{ slug: "t1", weight: w.t1 }, { slug: "t2", higherIsBetter: false, weight: w.t2 }, { slug: "t3", weight: w.t3 }].filter((t) => t.weight > 0);
        const kept = new Set(tasks.map((t) => t.slug));
        const res = await api.call("POST", "/api/v1/rank", {
          token: null,
          body: {
            tasks,
            systems: Object.entries(rows).map(([slug, scores]) => ({ slug, scores: Object.fromEntries(Object.entries(scores).filter(([t]) => kept.has(t))) })),
            methods: [method],
          },
        });
        expect(res.status).toBe(200);
        return res.body.systems.find((r: any) => r.slug === system).results[method].rank;
      };
      // e (only t1, the worst there) wins the mean when t2 dominates: the others' means go negative (t2 is lower-is-better)
      for (const [system, method] of [["d", "mean"], ["e", "mean"], ["d", "mean-minmax"], ["d", "winrate"]]) {
        const res = await get(`/api/v1/benchmarks/small/systems/${system}/whatif?method=${method}`);
        expect(res.status, `${system} ${method}`).toBe(200);
        expect(res.body.canWin, `${system} ${method}`).toBe(true);
        expect(await replay(system, method, res.body.weights), `${system} ${method}`).toBe(1);
        // e wins only with no weight at all on t3 (d, scored on t3 alone, would then average 9)
        if (system === "e") expect(res.body.weights.t3, method).toBe(0);
        else for (const v of Object.values(res.body.weights as Record<string, number>)) expect(v, `${system} ${method}`).toBeGreaterThan(0);
      }
      // e is last on its one task: its win rate is 0 whatever the weights
      expect((await get("/api/v1/benchmarks/small/systems/e/whatif?method=winrate")).body).toMatchObject({ canWin: false, weights: null });
      // c counts the same tasks as a and is worse on each: no weighting helps
      const c = await get("/api/v1/benchmarks/small/systems/c/whatif?method=mean");
      expect(c.body).toMatchObject({ canWin: false, weights: null, margin: null });
      expect(c.body.bestMargin).toBeLessThan(0);
    });
  });
});
