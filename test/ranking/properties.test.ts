import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBordaPoints } from "../../ranking/methods.ts";
import { computeTaskRanks, rankTable, tableFromInput, TASK_METHODS, type RankResponse } from "../../ranking/index.ts";
import { genTable, permutation, toInput, type GenTable } from "./arbitraries.ts";

const RANK_BASED = TASK_METHODS.filter((m) => !m.startsWith("mean") && m !== "kemeny");

function bySlug(r: RankResponse) {
  return Object.fromEntries(r.systems.map((s) => [s.slug, s]));
}

/** Same per-system scores (to 1e-9) and ranks for every method but kemeny; same kemeny agreement. */
function expectSameResults(a: RankResponse, b: RankResponse, methods: readonly string[]) {
  const A = bySlug(a);
  const B = bySlug(b);
  expect(Object.keys(A).sort()).toEqual(Object.keys(B).sort());
  for (const slug of Object.keys(A)) {
    expect(A[slug].coverage).toBe(B[slug].coverage);
    for (const m of methods) {
      if (m === "kemeny") continue;
      const x = A[slug].results[m];
      const y = B[slug].results[m];
      expect(x.rank, `${m} rank of ${slug}`).toBe(y.rank);
      if (x.score === undefined) expect(y.score).toBeUndefined();
      else expect(Math.abs(x.score - y.score!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x.score)));
    }
  }
  if (methods.includes("kemeny")) expect(a.kemeny!.agreement).toBeCloseTo(b.kemeny!.agreement, 9);
}

const withPerms = (g: fc.Arbitrary<GenTable>) => g.chain((t) => fc.tuple(fc.constant(t), permutation(t.n), permutation(t.m)));

describe("properties", () => {
  it("invariant to the order of systems and of tasks", () => {
    fc.assert(
      fc.property(withPerms(genTable(7, 5)), ([g, ps, pt]) => {
        const base = rankTable(toInput(g));
        expectSameResults(base, rankTable(toInput(g, ps, undefined)), TASK_METHODS);
        expectSameResults(base, rankTable(toInput(g, undefined, pt)), TASK_METHODS);
      }),
      { numRuns: 150 },
    );
  });

  it("rank-based methods are unchanged by a strictly increasing transform of one task", () => {
    fc.assert(
      fc.property(genTable(7, 4), fc.nat(), fc.constantFrom<(x: number) => number>((x) => x * x * x + 7 * x - 3, (x) => Math.exp(x) * 100, (x) => 1000 + x / 7), (g, ti, f) => {
        const t = ti % g.m;
        const methods = [...RANK_BASED, "kemeny" as const];
        const a = rankTable({ ...toInput(g), methods });
        const b = rankTable({ ...toInput(g, undefined, undefined, (tt, x) => (tt === t ? f(x) : x)), methods });
        expectSameResults(a, b, methods);
      }),
      { numRuns: 150 },
    );
  });

  it("per task, Borda points sum to n(n-1)/2 (missing scores included)", () => {
    fc.assert(
      fc.property(genTable(9, 4), (g) => {
        const { table } = tableFromInput(toInput(g));
        for (let t = 0; t < table.m; t++) {
          const pts = new Float64Array(table.n);
          addBordaPoints(table, t, 1, pts);
          expect(pts.reduce((a, b) => a + b, 0)).toBeCloseTo((table.n * (table.n - 1)) / 2, 9);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a Condorcet winner is first for copeland and kemeny; upperBound >= agreement", () => {
    fc.assert(
      fc.property(genTable(8, 5), (g) => {
        const r = rankTable({ ...toInput(g), methods: ["copeland", "kemeny"] });
        expect(r.kemeny!.upperBound).toBeGreaterThanOrEqual(r.kemeny!.agreement - 1e-9);
        const w = r.agreement.condorcetWinner;
        if (w !== null) {
          expect(bySlug(r)[w].results.copeland.rank).toBe(1);
          expect(r.systems.filter((s) => s.results.copeland.rank === 1)).toHaveLength(1);
          expect(r.kemeny!.order[0]).toBe(w);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("kendall tau-b is symmetric and within [-1, 1] (or null)", () => {
    fc.assert(
      fc.property(genTable(6, 3), (g) => {
        const r = rankTable(toInput(g));
        for (const a of r.methods)
          for (const b of r.methods) {
            if (a === b) continue;
            const t = r.agreement.kendallTau[a][b];
            expect(t).toBe(r.agreement.kendallTau[b][a]);
            if (t !== null) expect(Math.abs(t)).toBeLessThanOrEqual(1 + 1e-12);
          }
      }),
      { numRuns: 100 },
    );
  });
});

describe("per-task average ranks (radix sort)", () => {
  it("match a naive count on arbitrary doubles (negative, -0, huge, missing)", () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, -1, 1e-300, -1e300, NaN));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (col) => {
        const n = col.length;
        const oriented = Float64Array.from(col, (v) => v + 0);
        const { avgRank, count } = computeTaskRanks(oriented, n, 1);
        const present = col.filter((v) => !Number.isNaN(v));
        expect(count[0]).toBe(present.length);
        col.forEach((v, s) => {
          if (Number.isNaN(v)) return expect(avgRank[s]).toBeNaN();
          const above = present.filter((u) => u > v).length;
          const same = present.filter((u) => u === v).length;
          expect(avgRank[s]).toBe(above + (same + 1) / 2);
        });
      }),
      { numRuns: 300 },
    );
  });
});
