import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kemenyAgreement, majorityComponents, rankTable, solveKemeny, tableFromInput } from "../../ranking/index.ts";
import { genTable, toInput } from "./arbitraries.ts";

function bruteForce(M: Float64Array, n: number): number {
  let best = -Infinity;
  const perm = [...Array(n).keys()];
  const rec = (k: number) => {
    if (k === n) {
      best = Math.max(best, kemenyAgreement(M, n, perm));
      return;
    }
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      rec(k + 1);
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
  };
  rec(0);
  return best;
}

/** Random table of n systems with correlated noise: quality + per-task noise. */
function correlated(n: number, m: number, noise: number, seed: number) {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
  const q = Array.from({ length: n }, () => rnd());
  const scores = new Float64Array(n * m);
  for (let s = 0; s < n; s++) for (let t = 0; t < m; t++) scores[s * m + t] = Math.round((q[s] + noise * (rnd() - 0.5)) * 100) / 100;
  return scores;
}

describe("kemeny", () => {
  it("agreement equals the brute-force optimum for n <= 7", () => {
    fc.assert(
      fc.property(genTable(7, 5, 2), (g) => {
        const { table } = tableFromInput(toInput(g));
        const r = solveKemeny(table.pairwise, table.n);
        expect(r.exact).toBe(true);
        expect(r.agreement).toBeCloseTo(bruteForce(table.pairwise, table.n), 9);
        expect(r.upperBound).toBeGreaterThanOrEqual(r.agreement - 1e-9);
        expect([...r.order].sort((a, b) => a - b)).toEqual([...Array(table.n).keys()]);
      }),
      { numRuns: 250 },
    );
  });

  it("branch and bound agrees with the subset DP (components of 8 to 16 systems)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 16 }), fc.integer({ min: 3, max: 9 }), fc.double({ min: 0.3, max: 3, noNaN: true }), fc.nat(), (n, m, noise, seed) => {
        const scores = correlated(n, m, noise, seed);
        const input = {
          systems: Array.from({ length: n }, (_, s) => ({ slug: `s${s}`, scores: Object.fromEntries(Array.from({ length: m }, (_, t) => [`t${t}`, scores[s * m + t]])) })),
        };
        const t = tableFromInput(input).table;
        const dp = solveKemeny(t.pairwise, n, { dpMax: 20 });
        const bb = solveKemeny(t.pairwise, n, { dpMax: 1, budgetMs: 10_000 });
        expect(dp.exact && bb.exact).toBe(true);
        expect(bb.agreement).toBeCloseTo(dp.agreement, 9);
      }),
      { numRuns: 40 },
    );
  });

  it("components come in condensation order: every earlier system strictly beats every later one", () => {
    fc.assert(
      fc.property(genTable(9, 4, 2), (g) => {
        const { table } = tableFromInput(toInput(g));
        const n = table.n;
        const M = table.pairwise;
        const comps = majorityComponents(M, n);
        expect(comps.flat().sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        for (let i = 0; i < comps.length; i++)
          for (let j = i + 1; j < comps.length; j++)
            for (const s of comps[i]) for (const u of comps[j]) expect(M[s * n + u]).toBeGreaterThan(M[u * n + s]);
      }),
      { numRuns: 150 },
    );
  });

  it("a zero budget still answers with a valid order and a proven upper bound", () => {
    const n = 60;
    const m = 12;
    const scores = correlated(n, m, 2.5, 7);
    const input = {
      systems: Array.from({ length: n }, (_, s) => ({ slug: `s${s}`, scores: Object.fromEntries(Array.from({ length: m }, (_, t) => [`t${t}`, scores[s * m + t]])) })),
      methods: ["kemeny" as const],
      kemenyBudgetMs: 0,
    };
    const r = rankTable(input);
    expect(new Set(r.kemeny!.order).size).toBe(n);
    expect(r.kemeny!.upperBound).toBeGreaterThanOrEqual(r.kemeny!.agreement);
    const full = rankTable({ ...input, kemenyBudgetMs: 5000 });
    if (full.kemeny!.exact) {
      expect(r.kemeny!.upperBound).toBeGreaterThanOrEqual(full.kemeny!.agreement - 1e-9);
      expect(full.kemeny!.agreement).toBeGreaterThanOrEqual(r.kemeny!.agreement - 1e-9);
    }
  });
});

describe("visibly non-unique optimum", () => {
  it("adjacent systems with zero margin are reported as swappable; a strict order is not ambiguous", () => {
    // a and b split t1/t2 (margin 0); c is below both on every task
    const tied = rankTable({
      systems: [
        { slug: "a", scores: { t1: 2, t2: 1 } },
        { slug: "b", scores: { t1: 1, t2: 2 } },
        { slug: "c", scores: { t1: 0, t2: 0 } },
      ],
      methods: ["kemeny"],
    }).kemeny!;
    expect(tied.exact).toBe(true);
    expect(tied.ambiguous).toBe(true);
    expect(tied.swappable).toHaveLength(1);
    expect([...tied.swappable[0]].sort()).toEqual(["a", "b"]);
    expect(tied.order.indexOf(tied.swappable[0][0]) + 1).toBe(tied.order.indexOf(tied.swappable[0][1]));
    // swapping them keeps the agreement: another optimal order exists
    const { table } = tableFromInput({ systems: [{ slug: "a", scores: { t1: 2, t2: 1 } }, { slug: "b", scores: { t1: 1, t2: 2 } }, { slug: "c", scores: { t1: 0, t2: 0 } }] });
    const idx = (s: string) => table.systems.indexOf(s);
    const order = tied.order.map(idx);
    const swapped = [order[1], order[0], order[2]];
    expect(kemenyAgreement(table.pairwise, 3, swapped)).toBe(kemenyAgreement(table.pairwise, 3, order));

    const strict = rankTable({ systems: [{ slug: "a", scores: { t1: 3, t2: 3 } }, { slug: "b", scores: { t1: 2, t2: 1 } }, { slug: "c", scores: { t1: 1, t2: 2 } }], methods: ["kemeny"] }).kemeny!;
    // a beats both; b and c tie pairwise: b, c are the ambiguous pair only
    expect(strict.order[0]).toBe("a");
    expect(strict.swappable.map((p) => [...p].sort())).toEqual([["b", "c"]]);
    const clear = rankTable({ systems: [{ slug: "a", scores: { t1: 3 } }, { slug: "b", scores: { t1: 2 } }, { slug: "c", scores: { t1: 1 } }], methods: ["kemeny"] }).kemeny!;
    expect(clear).toMatchObject({ order: ["a", "b", "c"], ambiguous: false, swappable: [] });
  });

  it("property: every reported pair is adjacent with M(a,b) = M(b,a), and swapping it keeps the agreement", () => {
    fc.assert(
      fc.property(genTable(7, 4), (spec) => {
        const input = toInput(spec);
        const res = rankTable({ ...input, methods: ["kemeny"] }).kemeny!;
        const { table } = tableFromInput(input);
        const order = res.order.map((s) => table.systems.indexOf(s));
        expect(res.ambiguous).toBe(res.swappable.length > 0);
        for (const [a, b] of res.swappable) {
          const p = res.order.indexOf(a);
          expect(res.order[p + 1]).toBe(b);
          const swapped = order.slice();
          [swapped[p], swapped[p + 1]] = [swapped[p + 1], swapped[p]];
          expect(kemenyAgreement(table.pairwise, table.n, swapped)).toBeCloseTo(res.agreement, 9);
        }
      }),
      { numRuns: 100 },
    );
  });
});
