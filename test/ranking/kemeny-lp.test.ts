/** Kemeny with the injected LP/MIP solver (HiGHS, service/kemeny-solver.ts) against DP / branch and bound. */
import { beforeAll, describe, expect, it } from "vitest";
import { createRng, kemenyAgreement, solveKemeny, Table, tableFromInput, type LinearSolver } from "../../ranking/index.ts";
import { lossGrain, OrderingModel } from "../../ranking/kemeny-lp.ts";
import { loadKemenySolver } from "../../service/kemeny-solver.ts";
import { uncorrelatedSystems } from "../helpers/random-tables.ts";

const uncorrelated = (n: number, m: number, seed: number) => tableFromInput({ systems: uncorrelatedSystems(n, m, seed) }).table;

let lpSolver: LinearSolver;
beforeAll(async () => {
  const s = await loadKemenySolver();
  if (!s) throw new Error("HiGHS did not load");
  lpSolver = s;
});

describe("kemeny with the HiGHS solver injected", () => {
  it("agrees with the subset DP on components of up to 16 systems (dpMax 1 forces the solver path)", () => {
    let opened = 0;
    const counting: LinearSolver = { open: (m) => (opened++, lpSolver.open(m)) };
    for (let seed = 1; seed <= 24; seed++) {
      const n = 8 + (seed % 9);
      const t = uncorrelated(n, 3 + (seed % 6), seed);
      const dp = solveKemeny(t.pairwise, n, { dpMax: 20 });
      const lp = solveKemeny(t.pairwise, n, { dpMax: 1, bbSliceMs: 0, budgetMs: 10_000, lpSolver: counting });
      expect(dp.exact && lp.exact).toBe(true);
      expect(lp.agreement).toBeCloseTo(dp.agreement, 9);
      expect(lp.upperBound).toBeCloseTo(lp.agreement, 9);
    }
    expect(opened).toBeGreaterThan(5); // (the branch and bound may prove tiny components before its first clock check)
  });

  it("proves random uncorrelated 50-60 system tables exact; agreement is the order's", () => {
    for (const [n, m, seed] of [
      [50, 5, 11],
      [60, 3, 8],
      [60, 5, 8],
    ]) {
      const t = uncorrelated(n, m, seed + n * 100 + m);
      const r = solveKemeny(t.pairwise, n, { budgetMs: 20_000, lpSolver });
      expect(r.exact).toBe(true);
      expect([...r.order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(r.agreement).toBeCloseTo(kemenyAgreement(t.pairwise, n, r.order), 9);
      expect(r.upperBound).toBeCloseTo(r.agreement, 9);
      // never worse than the branch and bound's best order
      const bb = solveKemeny(t.pairwise, n, { budgetMs: 200 });
      expect(r.agreement).toBeGreaterThanOrEqual(bb.agreement - 1e-9);
      expect(bb.upperBound).toBeGreaterThanOrEqual(r.agreement - 1e-9);
    }
  }, 120_000);

  it("past the budget: best order, exact false, a valid upper bound", () => {
    const n = 80;
    const t = uncorrelated(n, 5, 8505);
    const r = solveKemeny(t.pairwise, n, { budgetMs: 150, lpSolver });
    expect(r.agreement).toBeCloseTo(kemenyAgreement(t.pairwise, n, r.order), 9);
    expect(r.upperBound).toBeGreaterThanOrEqual(r.agreement - 1e-9);
    if (!r.exact) expect(r.upperBound).toBeGreaterThan(r.agreement);
  });

  it("a failing solver falls back to the branch and bound (same answer as without one)", () => {
    const throwing: LinearSolver = {
      open: () => ({
        addRows: () => {},
        solve: () => {
          throw new Error("wasm abort");
        },
        close: () => {},
      }),
    };
    const unavailable: LinearSolver = { open: () => null };
    const t = uncorrelated(30, 5, 3);
    let steps = 0;
    const plain = solveKemeny(t.pairwise, 30, { now: () => steps++, budgetMs: 200_000 });
    for (const s of [throwing, unavailable]) {
      steps = 0;
      const r = solveKemeny(t.pairwise, 30, { now: () => steps++, budgetMs: 200_000, lpSolver: s });
      expect(r.agreement).toBeCloseTo(plain.agreement, 9);
      expect(r.exact).toBe(plain.exact);
    }
  });

  it("grain of the margins", () => {
    expect(lossGrain(Float64Array.from([0, 1, 2.5, 3]))).toBe(0.5);
    expect(lossGrain(Float64Array.from([0, 3, 7]))).toBe(1);
    expect(lossGrain(Float64Array.from([0.1, 0.3]))).toBeCloseTo(0.1, 12);
    expect(lossGrain(Float64Array.from([Math.PI]))).toBe(0);
  });
});

describe("fine task weights (0.3333): the proof closes at the grain of the losses", () => {
  /** n systems x m tasks of random scores with a slight quality trend, weights cycling through wset. */
  function fineTable(n: number, m: number, wset: number[], seed: number) {
    const rng = createRng(seed);
    const scores = Float64Array.from({ length: n * m }, (_, i) => Math.floor(rng.float() * 1000) + Math.floor(i / m) * 3);
    const tasks = Array.from({ length: m }, (_, t) => `t${t}`);
    return new Table({ systems: Array.from({ length: n }, (_, s) => `s${s}`), tasks, scores, weights: tasks.map((_, t) => wset[t % wset.length]) });
  }

  it("components proven by the LP's Lagrangian bound or the MIP's bound are exact, upperBound = agreement", () => {
    for (const [n, m, wset, seed] of [
      [60, 11, [0.3333], 2],
      [50, 7, [0.1234, 0.3333], 5],
    ] as [number, number, number[], number][]) {
      const t = fineTable(n, m, wset, seed);
      const r = solveKemeny(t.pairwise, n, { budgetMs: 30_000, lpSolver });
      expect(r.exact, `${n}x${m} ${wset}`).toBe(true);
      expect(r.upperBound).toBe(r.agreement);
      expect(kemenyAgreement(t.pairwise, n, r.order)).toBe(r.agreement);
    }
  });

  it("the Lagrangian bound of any multipliers is below every order's loss (brute force, 6 systems)", () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const k = 6;
      const D = new Float64Array(k * k);
      for (let i = 0; i < k; i++)
        for (let j = i + 1; j < k; j++) {
          const d = Math.round((rng.float() - 0.5) * 4 * 3) / 3; // margins in thirds: fine weights
          if (d > 0) D[i * k + j] = d;
          else D[j * k + i] = -d;
        }
      const model = new OrderingModel(k, D);
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) for (let c = b + 1; c < k; c++) model.addTriangle((a * k + b) * k + c);
      const y = Float64Array.from({ length: model.triples.length / 3 }, () => (rng.float() - 0.5) * 2);
      const bound = model.dualBound(y);
      expect(Number.isFinite(bound)).toBe(true);
      let best = Infinity;
      const perm = [...Array(k).keys()];
      const rec = (p: number) => {
        if (p === k) {
          let loss = 0;
          for (let j = 1; j < k; j++) for (let i = 0; i < j; i++) loss += D[perm[j] * k + perm[i]];
          best = Math.min(best, loss);
          return;
        }
        for (let i = p; i < k; i++) {
          [perm[p], perm[i]] = [perm[i], perm[p]];
          rec(p + 1);
          [perm[p], perm[i]] = [perm[i], perm[p]];
        }
      };
      rec(0);
      expect(bound).toBeLessThanOrEqual(best + 1e-12);
      // zero multipliers: the box relaxation, sum of min(0, cost) + offset
      expect(model.dualBound(new Float64Array(y.length))).toBeLessThanOrEqual(best + 1e-12);
    }
  });
});
