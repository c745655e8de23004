import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rankInstanceResample, rankTaskResample } from "../../ranking/bootstrap.ts";
import {
  TASK_METHODS,
  bootstrapInstanceLevel,
  bootstrapTaskLevel,
  buildTable,
  createRng,
  kemenyAgreement,
  nearestRankPercentile,
  rankInstances,
  rankPreparedTable,
  RankingInputError,
  tableFromInput,
  xoshiro128StarStar,
  type InstanceTable,
  type Table,
  type TaskMethod,
} from "../../ranking/index.ts";
import { readExample } from "../helpers/examples.ts";
import { genTable, toInput } from "./arbitraries.ts";
import { wideCsvToInput } from "./load.ts";

/** systems x tasks table from rows of scores (all higher is better, weight 1). */
function table(rows: number[][], systems = rows.map((_, i) => `s${i}`)): Table {
  const m = rows[0].length;
  return buildTable({ systems, tasks: Array.from({ length: m }, (_, t) => `t${t}`), scores: Float64Array.from(rows.flat()) });
}

/** A noisy table: system s has mean quality -s * gap, plus uniform noise of the given width per task. */
function noisy(n: number, m: number, gap: number, noise: number, seed: number): Table {
  const rng = createRng(seed);
  return table(Array.from({ length: n }, (_, s) => Array.from({ length: m }, () => -s * gap + noise * rng.float())));
}

const FAST: TaskMethod[] = ["mean", "borda", "copeland"];

describe("createRng (xoshiro128** seeded by splitmix32)", () => {
  it("matches the xoshiro128** reference outputs for state (1, 2, 3, 4)", () => {
    const r = xoshiro128StarStar([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => r.uint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it("same seed, same stream; different seeds, different streams; seeds are taken modulo 2^32", () => {
    const draw = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(-1)).toEqual(draw(2 ** 32 - 1));
    expect(() => createRng(1.5)).toThrow(RangeError);
  });

  it("float is in [0, 1) and int(n) in [0, n), roughly uniform", () => {
    const r = createRng(7);
    const hist = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      hist[r.int(6)]++;
    }
    for (const h of hist) expect(Math.abs(h - 10_000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(RangeError);
  });
});

describe("nearestRankPercentile", () => {
  it("is the k-th smallest with k = ceil(q N), hand-computed", () => {
    // N = 10: 2.5% -> k = ceil(0.25) = 1, 97.5% -> k = ceil(9.75) = 10, 50% -> k = 5, 90% -> k = 9
    const v = [1, 1, 2, 3, 3, 3, 4, 6, 7, 9];
    expect(nearestRankPercentile(v, 0.025)).toBe(1);
    expect(nearestRankPercentile(v, 0.975)).toBe(9);
    expect(nearestRankPercentile(v, 0.5)).toBe(3);
    expect(nearestRankPercentile(v, 0.9)).toBe(7);
    expect(nearestRankPercentile(v, 0)).toBe(1);
    expect(nearestRankPercentile(v, 1)).toBe(9);
    // N = 40: 2.5% -> k = 1 exactly (not 2 by rounding), 97.5% -> k = 39
    const w = Array.from({ length: 40 }, (_, i) => i + 1);
    expect(nearestRankPercentile(w, 0.025)).toBe(1);
    expect(nearestRankPercentile(w, 0.975)).toBe(39);
    // N = 1000: the 25th and 975th smallest
    const z = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect([nearestRankPercentile(z, 0.025), nearestRankPercentile(z, 0.975)]).toEqual([25, 975]);
  });

  it("intervals are those percentiles of the resampled ranks (checked against the resamples)", () => {
    // with 40 resamples, lo is the smallest rank seen and hi the second largest
    const t = noisy(5, 6, 0.2, 1, 3);
    const r = bootstrapTaskLevel(t, ["borda"], { samples: 40, seed: 9 });
    const rng = createRng(9);
    const seen: number[][] = t.systems.map(() => []);
    for (let k = 0; k < 40; k++) {
      const mult = new Int32Array(t.m);
      for (let j = 0; j < t.m; j++) mult[rng.int(t.m)]++;
      rankTaskResample(t, ["borda"], mult).ranks[0].forEach((rank, s) => seen[s].push(rank));
    }
    seen.forEach((ranks, s) => {
      ranks.sort((a, b) => a - b);
      expect(r.results.borda[s].interval).toEqual([ranks[0], ranks[38]]);
    });
  });
});

describe("bootstrapTaskLevel", () => {
  const t = noisy(8, 10, 0.1, 1, 1);

  it("same seed, same answer; a different seed gives a different answer", () => {
    const a = bootstrapTaskLevel(t, FAST, { samples: 200, seed: 42 });
    expect(bootstrapTaskLevel(t, FAST, { samples: 200, seed: 42 })).toEqual(a);
    const b = bootstrapTaskLevel(t, FAST, { samples: 200, seed: 43 });
    expect(b.results).not.toEqual(a.results);
    expect(a.seed).toBe(42);
    expect(a.samples).toBe(200);
    expect(a.level).toBe("task");
  });

  it("the resamples do not depend on the methods: adding a method changes no other method's answer", () => {
    const one = bootstrapTaskLevel(t, ["borda"], { samples: 100, seed: 5 });
    const many = bootstrapTaskLevel(t, ["mean", "borda", "copeland"], { samples: 100, seed: 5 });
    expect(many.results.borda).toEqual(one.results.borda);
    expect(many.tieGroups.borda).toEqual(one.tieGroups.borda);
  });

  it("a system best on every task has interval [1, 1] and pTop1 = 1 under every method", () => {
    const rows = noisy(6, 7, 0, 1, 2);
    const dom = buildTable({
      systems: ["top", ...rows.systems],
      tasks: rows.tasks,
      scores: Float64Array.from([...Array(rows.m).fill(5), ...rows.scores]),
    });
    const r = bootstrapTaskLevel(dom, [...TASK_METHODS], { samples: 100, seed: 1 });
    for (const method of TASK_METHODS) {
      expect(r.results[method][0], method).toEqual({ rank: 1, interval: [1, 1], pTop1: 1 });
      expect(r.tieGroups[method][0], method).toEqual(["top"]);
    }
  });

  it("pTop1 sums to 1 over systems for every method, ties for first split evenly", () => {
    const ties = table([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const r = bootstrapTaskLevel(ties, ["mean", "borda"], { samples: 50, seed: 3 });
    for (const method of ["mean", "borda"]) expect(r.results[method].map((c) => c.pTop1)).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    const r2 = bootstrapTaskLevel(t, [...TASK_METHODS], { samples: 100, seed: 3 });
    for (const method of TASK_METHODS) expect(r2.results[method].reduce((a, c) => a + c.pTop1, 0), method).toBeCloseTo(1, 12);
  });

  it("identical systems form one tie group (kemeny too, its tie-breaking is not evidence)", () => {
    const same = table(Array.from({ length: 4 }, () => [3, 1, 4, 1, 5]));
    const r = bootstrapTaskLevel(same, [...TASK_METHODS], { samples: 50, seed: 1 });
    for (const method of TASK_METHODS) {
      expect(r.tieGroups[method], method).toHaveLength(1);
      expect([...r.tieGroups[method][0]].sort(), method).toEqual(["s0", "s1", "s2", "s3"]);
    }
    expect(r.results.borda.every((c) => c.pTop1 === 0.25 && c.interval[0] === 1 && c.interval[1] === 1)).toBe(true);
  });

  it("clearly separated systems form singleton groups with point intervals", () => {
    const sep = noisy(5, 8, 10, 1, 4); // gaps of 10 against noise of width 1: the same order on every task
    // (not plurality, which scores only each task's winner, nor minimax: with unanimous tasks every
    // system but the first has the same worst defeat, m; both tie s1..s4 on the full data too)
    const methods = TASK_METHODS.filter((x) => x !== "plurality" && x !== "minimax");
    const r = bootstrapTaskLevel(sep, methods, { samples: 100, seed: 2 });
    for (const method of methods) {
      expect(r.tieGroups[method], method).toEqual(sep.systems.map((s) => [s]));
      expect(r.results[method].map((c) => c.interval)).toEqual([1, 2, 3, 4, 5].map((k) => [k, k]));
    }
  });

  it("groups are cut where the group's first system ranks above the next in >= 95% of resamples", () => {
    // borda over 5 drawn tasks: s0 is above s1 iff the draw holds more of tasks 0-2 than of 3-4
    // (P = P(Bin(5, 0.6) >= 3) = 0.68), s1 above s2 on every task: {s0, s1} then {s2}
    const r = bootstrapTaskLevel(
      table([
        [5, 5, 5, 1, 1],
        [4, 4, 4, 2, 2],
        [0, 0, 0, 0, 0],
      ]),
      ["borda", "plurality"],
      { samples: 400, seed: 8 },
    );
    expect(r.tieGroups.borda).toEqual([["s0", "s1"], ["s2"]]);
    expect(r.results.borda.map((c) => c.interval)).toEqual([
      [1, 2],
      [1, 2],
      [3, 3],
    ]);
    // plurality: the leader s0 (tasks 0-2) is above s2 (no task) unless only tasks 3-4 are drawn (P = 0.4^5 = 0.01)
    expect(r.tieGroups.plurality).toEqual([["s0", "s1"], ["s2"]]);
  });

  it("intervals contain the full-data rank (typical data), lo <= hi, ranks within 1..n", () => {
    const r = bootstrapTaskLevel(t, [...TASK_METHODS], { samples: 300, seed: 11 });
    const full = rankPreparedTable(t, TASK_METHODS);
    for (const method of TASK_METHODS) {
      r.results[method].forEach((c, s) => {
        const row = full.systems.find((x) => x.slug === t.systems[s])!;
        expect(c.rank).toBe(row.results[method].rank);
        expect(c.interval[0]).toBeLessThanOrEqual(c.rank);
        expect(c.interval[1]).toBeGreaterThanOrEqual(c.rank);
        expect(c.interval[0]).toBeGreaterThanOrEqual(1);
        expect(c.interval[1]).toBeLessThanOrEqual(t.n);
      });
      expect(r.tieGroups[method].flat().sort()).toEqual([...t.systems].sort());
    }
    expect(r.kemeny).toMatchObject({ budgetMs: 20, fullExact: true });
    expect(r.kemeny!.exactResamples).toBe(300);
  });

  it("uses the given full-data ranks for tie-group order and the rank field", () => {
    const r = bootstrapTaskLevel(table([[1], [1], [0]]), ["mean"], { samples: 10, fullRanks: { mean: [2, 1, 3] } });
    expect(r.tieGroups.mean).toEqual([["s1", "s0"], ["s2"]]);
    expect(r.results.mean.map((c) => c.rank)).toEqual([2, 1, 3]);
  });

  it("rejects bad options with RankingInputError", () => {
    for (const opts of [{ samples: 0 }, { samples: 1.5 }, { samples: 1e6 }, { seed: 0.5 }, { fullRanks: { mean: [1] } }])
      expect(() => bootstrapTaskLevel(t, ["mean"], opts), JSON.stringify(opts)).toThrow(RankingInputError);
    expect(() => bootstrapTaskLevel(t, ["nope" as TaskMethod], {})).toThrow(RankingInputError);
  });

  it("a resample ranks like the table that holds each drawn task as many times as drawn (property)", () => {
    fc.assert(
      fc.property(genTable(6, 4, 2), fc.integer({ min: 0, max: 1000 }), (g, seed) => {
        const { table: tb } = tableFromInput(toInput(g));
        const rng = createRng(seed);
        const mult = new Int32Array(tb.m);
        for (let j = 0; j < tb.m; j++) mult[rng.int(tb.m)]++;
        const cols = [...mult].flatMap((c, t) => Array(c).fill(t) as number[]);
        const literal = buildTable({
          systems: tb.systems,
          tasks: cols.map((t, j) => `${tb.tasks[t]}#${j}`),
          scores: Float64Array.from({ length: tb.n * cols.length }, (_, i) => tb.scores[Math.floor(i / cols.length) * tb.m + cols[i % cols.length]]),
          higherIsBetter: cols.map((t) => tb.sign[t] > 0),
          weights: cols.map((t) => tb.weights[t]),
        });
        const methods = TASK_METHODS.filter((x) => x !== "kemeny");
        const got = rankTaskResample(tb, [...methods, "kemeny"], mult);
        const want = rankPreparedTable(literal, methods);
        methods.forEach((method, j) => tb.systems.forEach((slug, s) => expect(got.ranks[j][s]).toBe(want.systems.find((x) => x.slug === slug)!.results[method].rank)));
        // kemeny: optimal orders may differ, their agreement may not
        const order = [...got.ranks[methods.length]].map((r, s) => [r, s]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
        const best = rankPreparedTable(literal, ["kemeny"]).kemeny!.agreement;
        expect(kemenyAgreement(literal.pairwise, literal.n, order)).toBeCloseTo(best, 9);
      }),
      { numRuns: 150 },
    );
  });
});

describe("bootstrapInstanceLevel", () => {
  function instanceTable(seed: number, n = 5, tasks = 3, k = 6): InstanceTable {
    const rng = createRng(seed);
    return {
      systems: Array.from({ length: n }, (_, s) => `s${s}`),
      tasks: Array.from({ length: tasks }, (_, t) => ({
        slug: `t${t}`,
        higherIsBetter: t !== 1,
        weight: t + 1,
        instances: Array.from({ length: k }, (_, i) => `i${i}`),
        scores: Float64Array.from({ length: n * k }, () => (rng.int(10) === 0 ? NaN : rng.int(4))),
      })),
    };
  }

  it("full-data ranks equal rankInstances; same seed same answer; pTop1 sums to 1", () => {
    const it3 = instanceTable(1);
    const r = bootstrapInstanceLevel(it3, ["mean", "borda", "borda2"], { samples: 200, seed: 42 });
    expect(bootstrapInstanceLevel(it3, ["mean", "borda", "borda2"], { samples: 200, seed: 42 })).toEqual(r);
    expect(bootstrapInstanceLevel(it3, ["mean", "borda", "borda2"], { samples: 200, seed: 1 }).results).not.toEqual(r.results);
    const full = rankInstances(it3, ["mean", "borda", "borda2"]);
    for (const method of ["mean", "borda", "borda2"]) {
      r.results[method].forEach((c, s) => expect(c.rank).toBe(full.systems.find((x) => x.slug === it3.systems[s])!.results[method].rank));
      expect(r.results[method].reduce((a, c) => a + c.pTop1, 0)).toBeCloseTo(1, 12);
    }
    expect(r.level).toBe("instance");
  });

  it("a resample ranks like the instance table holding each drawn instance as many times as drawn", () => {
    for (let seed = 0; seed < 40; seed++) {
      const it3 = instanceTable(seed, 4, 2, 5);
      const rng = createRng(seed + 100);
      const counts = it3.tasks.map((t) => {
        const c = new Int32Array(t.instances.length);
        for (let j = 0; j < c.length; j++) c[rng.int(c.length)]++;
        return c;
      });
      const literal: InstanceTable = {
        systems: it3.systems,
        tasks: it3.tasks.map((t, ti) => {
          const picks = [...counts[ti]].flatMap((c, i) => Array(c).fill(i) as number[]);
          const k = t.instances.length;
          return { ...t, instances: picks.map((i, j) => `${i}#${j}`), scores: Float64Array.from({ length: it3.systems.length * picks.length }, (_, x) => t.scores[Math.floor(x / picks.length) * k + picks[x % picks.length]]) };
        }),
      };
      const got = rankInstanceResample(it3, ["mean", "borda", "borda2"], counts);
      const want = rankInstances(literal, ["mean", "borda", "borda2"]);
      ["mean", "borda", "borda2"].forEach((method, j) =>
        it3.systems.forEach((slug, s) => expect(got[j][s], `${seed} ${method}`).toBe(want.systems.find((x) => x.slug === slug)!.results[method].rank)),
      );
    }
  });
});

describe("GLUE (examples/)", () => {
  it("1000 task-level resamples of mean, borda, copeland run fast and are deterministic", () => {
    const { table: glue } = tableFromInput(wideCsvToInput(readExample("glue.csv")));
    const t0 = performance.now();
    const a = bootstrapTaskLevel(glue, FAST, { samples: 1000, seed: 42 });
    const ms = performance.now() - t0;
    console.log(`[bench] GLUE ${glue.n}x${glue.m}, 1000 resamples, mean+borda+copeland: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5000); // ~0.3 s unloaded; generous for busy CI
    expect(bootstrapTaskLevel(glue, FAST, { samples: 1000, seed: 42 })).toEqual(a);
    for (const method of FAST) {
      expect(a.results[method].reduce((x, c) => x + c.pTop1, 0)).toBeCloseTo(1, 9);
      const inside = a.results[method].filter((c) => c.interval[0] <= c.rank && c.rank <= c.interval[1]).length;
      expect(inside / glue.n).toBeGreaterThan(0.95);
      expect(a.tieGroups[method].length).toBeGreaterThan(5);
      expect(a.tieGroups[method].length).toBeLessThan(glue.n);
    }
  });

  it("tie groups depend only on the method's own ranks and resamples: any system order, any method list; equal ranks share a group", () => {
    const input = wideCsvToInput(readExample("glue.csv"));
    const { table: glue } = tableFromInput(input);
    const { table: reversed } = tableFromInput({ ...input, systems: [...input.systems].reverse() });
    const sets = (groups: string[][]) => groups.map((g) => [...g].sort());
    const alone = bootstrapTaskLevel(glue, ["borda"], { samples: 1000, seed: 42 });
    const listed = bootstrapTaskLevel(glue, ["mean", "borda"], { samples: 1000, seed: 42 });
    expect(listed.tieGroups.borda).toEqual(alone.tieGroups.borda);
    expect(listed.results.borda).toEqual(alone.results.borda);
    for (const method of FAST) {
      const a = bootstrapTaskLevel(glue, [method], { samples: 1000, seed: 42 });
      const b = bootstrapTaskLevel(reversed, [method], { samples: 1000, seed: 42 });
      expect(sets(b.tieGroups[method]), method).toEqual(sets(a.tieGroups[method]));
      // systems with the same full-data rank (e.g. GLUE's two borda scores of 940.5) are in one group
      const rank = new Map(glue.systems.map((slug, s) => [slug, a.results[method][s].rank]));
      const groupOf = new Map(a.tieGroups[method].flatMap((g, i) => g.map((slug) => [slug, i] as const)));
      for (const x of glue.systems) for (const y of glue.systems) if (rank.get(x) === rank.get(y)) expect(groupOf.get(x), `${method} ${x} ${y}`).toBe(groupOf.get(y));
    }
    // the GLUE pair that the old first-system rule split (borda 940.5 twice) shares a group
    const twins = glue.systems.filter((_, s) => Math.abs(rankPreparedTable(glue, ["borda"]).systems.find((r) => r.slug === glue.systems[s])!.results.borda.score! - 940.5) < 1e-9);
    expect(twins).toHaveLength(2);
    expect(alone.tieGroups.borda.find((g) => g.includes(twins[0]))).toContain(twins[1]);
  });

  it("kemeny with a step clock is deterministic even where resamples run out of budget", () => {
    const { table: glue } = tableFromInput(wideCsvToInput(readExample("glue.csv")));
    const run = () => {
      let steps = 0;
      return bootstrapTaskLevel(glue, ["kemeny"], { samples: 60, seed: 7, kemenyBudgetMs: 2, now: () => steps++ });
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.kemeny!.exactResamples).toBeGreaterThan(0);
    expect(a.results.kemeny.reduce((x, c) => x + c.pTop1, 0)).toBeCloseTo(1, 12);
  });
});
