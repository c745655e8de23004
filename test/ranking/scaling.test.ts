/**
 * The engine at scale: Kendall tau-b by Knight's algorithm and the Condorcet winner by
 * elimination against their O(n^2) definitions, the pairwise size limit, and Kemeny's budgets
 * under an injected step clock (deterministic: no timing assertions).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bootstrapTaskLevel,
  buildTable,
  computePairwise,
  condorcetWinnerIndex,
  kemenyAgreement,
  kendallTauB,
  MAX_PAIRWISE_SYSTEMS,
  rankPreparedTable,
  RankingInputError,
  rankTable,
  robustnessReport,
  solveKemeny,
  tableFromInput,
  tied,
  type LinearSolver,
  type RankInput,
  type Table,
  type TaskMethod,
} from "../../ranking/index.ts";
import { uncorrelatedSystems } from "../helpers/random-tables.ts";

/** The pairwise definition, as the engine computed it before Knight's algorithm. */
function kendallTauBPairwise(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  let conc = 0;
  let disc = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const dx = x[i] - x[j];
      const dy = y[i] - y[j];
      if (dx === 0) tx++;
      if (dy === 0) ty++;
      if (dx !== 0 && dy !== 0) {
        if (dx > 0 === dy > 0) conc++;
        else disc++;
      }
    }
  const n0 = (n * (n - 1)) / 2;
  const den = Math.sqrt((n0 - tx) * (n0 - ty));
  return den === 0 ? null : (conc - disc) / den;
}

/** The brute-force Condorcet winner: strictly beats every other system in the full matrix M. */
function condorcetBruteForce(table: Table): number {
  const { n } = table;
  const M = computePairwise(table.oriented, table.weights, n, table.m);
  for (let s = 0; s < n; s++) {
    let wins = true;
    for (let u = 0; u < n; u++) if (u !== s && (tied(M[s * n + u], M[u * n + s]) || M[s * n + u] < M[u * n + s])) wins = false;
    if (wins) return s;
  }
  return -1;
}

const validOrder = (order: readonly number[], n: number) => expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
const uncorrelated = (n: number, m: number, seed: number) => tableFromInput({ systems: uncorrelatedSystems(n, m, seed) }).table;

describe("Kendall tau-b (Knight's O(n log n))", () => {
  // ranks from a few values (many ties), some rankings a single tie, n from 0
  const ranking = (n: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: n, maxLength: n });
  const pair = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(ranking(n), ranking(n)));

  it("equals the pairwise definition bit for bit, null cases included", () => {
    let nulls = 0;
    fc.assert(
      fc.property(pair, ([x, y]) => {
        const want = kendallTauBPairwise(x, y);
        if (want === null) nulls++;
        expect(kendallTauB(x, y)).toBe(want);
        expect(kendallTauB(Int32Array.from(x), Int32Array.from(y))).toBe(want);
      }),
      { numRuns: 600 },
    );
    expect(nulls).toBeGreaterThan(0);
  });

  it("agrees on long rankings with non-integer ranks and few ties", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 400 }).chain((n) => fc.tuple(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: n, maxLength: n }))), ([x, y]) => {
        expect(kendallTauB(x, y)).toBe(kendallTauBPairwise(x, y));
      }),
      { numRuns: 40 },
    );
  });

  it("null for fewer than two systems or a single tie", () => {
    expect(kendallTauB([], [])).toBeNull();
    expect(kendallTauB([1], [1])).toBeNull();
    expect(kendallTauB([2, 2, 2], [1, 2, 3])).toBeNull();
    expect(kendallTauB([3, 2, 1], [1, 2, 3])).toBe(-1);
  });
});

describe("Condorcet winner by elimination", () => {
  // small tables, so that winners exist often; non-dyadic weights test the tolerance of `tied`
  const tableArb = fc
    .record({ n: fc.integer({ min: 1, max: 9 }), m: fc.integer({ min: 1, max: 6 }) })
    .chain(({ n, m }) =>
      fc.record({
        n: fc.constant(n),
        m: fc.constant(m),
        cells: fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 }), { minLength: n * m, maxLength: n * m }),
        higher: fc.array(fc.boolean(), { minLength: m, maxLength: m }),
        weights: fc.array(fc.constantFrom(1, 2, 0.5, 0.1, 0.3, 0.7), { minLength: m, maxLength: m }),
      }),
    );

  it("equals the brute force over the full matrix, with missing scores and weights", () => {
    let winners = 0;
    let none = 0;
    fc.assert(
      fc.property(tableArb, ({ n, m, cells, higher, weights }) => {
        const table = buildTable({
          systems: Array.from({ length: n }, (_, i) => `s${i}`),
          tasks: Array.from({ length: m }, (_, i) => `t${i}`),
          scores: Float64Array.from(cells, (v) => (v === null ? NaN : v)),
          higherIsBetter: higher,
          weights,
        });
        const want = condorcetBruteForce(table);
        if (want >= 0) winners++;
        else none++;
        expect(condorcetWinnerIndex(table)).toBe(want);
      }),
      { numRuns: 800 },
    );
    expect(winners).toBeGreaterThan(50);
    expect(none).toBeGreaterThan(50);
  });

  it("a winner placed last is found; a response never builds M for score methods", () => {
    const n = MAX_PAIRWISE_SYSTEMS + 1;
    // system i scores i on both tasks: the last one beats everyone
    const scores = new Float64Array(2 * n);
    for (let s = 0; s < n; s++) scores[2 * s] = scores[2 * s + 1] = s;
    const table = buildTable({ systems: Array.from({ length: n }, (_, i) => `s${i}`), tasks: ["a", "b"], scores });
    // (table.pairwise would throw for this many systems)
    const r = rankPreparedTable(table, ["mean", "mean-minmax", "mean-zscore", "winrate", "plurality", "dowdall", "borda"]);
    expect(r.agreement.condorcetWinner).toBe(`s${n - 1}`);
    expect(r.systems[0].slug).toBe(`s${n - 1}`);
    expect(r.agreement.kendallTau.mean.borda).toBe(1);
  });
});

describe("size limit of the pairwise methods", () => {
  const big = (): RankInput => ({ systems: Array.from({ length: MAX_PAIRWISE_SYSTEMS + 1 }, (_, i) => ({ slug: `s${i}`, scores: { t: i % 7 } })) });
  const issuesOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(RankingInputError);
      return (e as RankingInputError).details;
    }
    throw new Error("no RankingInputError");
  };

  it.each(["copeland", "minimax", "kemeny"] as TaskMethod[])("%s beyond MAX_PAIRWISE_SYSTEMS: RankingInputError naming methods", (method) => {
    const details = issuesOf(() => rankTable({ ...big(), methods: ["mean", method] }));
    expect(details).toHaveLength(1);
    expect(details[0].field).toBe("methods");
    expect(details[0].message).toContain(method);
    expect(details[0].message).toContain(String(MAX_PAIRWISE_SYSTEMS));
  });

  it("the default methods include them; score methods alone are fine; every entry point checks", () => {
    expect(issuesOf(() => tableFromInput(big()))[0].field).toBe("methods");
    const ok = rankTable({ ...big(), methods: ["mean", "borda", "winrate"] });
    expect(ok.systems).toHaveLength(MAX_PAIRWISE_SYSTEMS + 1);
    const { table } = tableFromInput({ ...big(), methods: ["mean"] });
    expect(issuesOf(() => rankPreparedTable(table, ["minimax"]))[0].field).toBe("methods");
    expect(issuesOf(() => robustnessReport(table, "copeland"))[0].field).toBe("method");
    expect(issuesOf(() => bootstrapTaskLevel(table, ["kemeny"], { samples: 1 }))[0].field).toBe("methods");
    // at the limit itself: accepted
    expect(() => tableFromInput({ systems: big().systems.slice(1), methods: ["copeland"] })).not.toThrow();
  });
});

describe("Kemeny budgets under a step clock", () => {
  /** A clock that reads 0 once, then jumps far past any budget. */
  const jumpingClock = () => {
    let reads = 0;
    return { now: () => (reads++ === 0 ? 0 : 1e12), reads: () => reads };
  };

  it("a clock past the budget after the first read: a valid order, exact false, a proven upper bound", () => {
    for (const [n, m] of [
      [100, 20],
      [400, 3],
      [1100, 2],
    ]) {
      const t = uncorrelated(n, m, n + m);
      const clock = jumpingClock();
      const r = solveKemeny(t.pairwise, n, { budgetMs: 500, now: clock.now });
      validOrder(r.order, n);
      expect(r.exact).toBe(false);
      expect(r.agreement).toBe(kemenyAgreement(t.pairwise, n, r.order));
      expect(r.upperBound).toBeGreaterThan(r.agreement);
      // a proven bound: at least the agreement of a better order found with more steps
      let steps = 0;
      const longer = solveKemeny(t.pairwise, n, { budgetMs: 40, now: () => steps++ });
      expect(r.upperBound).toBeGreaterThanOrEqual(longer.agreement - 1e-9);
      expect(clock.reads()).toBeLessThan(50);
    }
  });

  it("with an LP solver and the clock past the budget: the solver is never asked to solve", () => {
    let solves = 0;
    const solver: LinearSolver = {
      open: () => ({
        addRows: () => {},
        solve: () => {
          solves++;
          return { status: "error", objective: 0, bound: -Infinity };
        },
        close: () => {},
      }),
    };
    const t = uncorrelated(100, 20, 5);
    const r = solveKemeny(t.pairwise, 100, { budgetMs: 500, now: jumpingClock().now, lpSolver: solver });
    validOrder(r.order, 100);
    expect(r.exact).toBe(false);
    expect(solves).toBe(0);
  });

  it("large components read a step clock inside their loops: a step budget bounds the work, deterministically", () => {
    const n = 1100; // beyond KEMENY_BB_MAX_SYSTEMS, and a local-search pass (n^2) beyond WORK_PER_CLOCK_READ
    const t = uncorrelated(n, 2, 77);
    const run = (budgetMs: number) => {
      let steps = 0;
      const r = solveKemeny(t.pairwise, n, { budgetMs, now: () => steps++ });
      return { r, steps };
    };
    const a = run(20);
    const b = run(20);
    expect(b.r.order).toEqual(a.r.order);
    expect(a.r.exact).toBe(false);
    validOrder(a.r.order, n);
    // the budget is what stops it: a few reads past it at most
    expect(a.steps).toBeGreaterThanOrEqual(20);
    expect(a.steps).toBeLessThan(30);
  });

  it("robustness shares one total budget across the leave-one-out solves", () => {
    const t = uncorrelated(120, 12, 3);
    let steps = 0;
    const report = robustnessReport(t, "kemeny", { kemenyBudgetMs: 1e6, kemenyTotalBudgetMs: 60, now: () => steps++ });
    expect(report.leaveOneTaskOut).toHaveLength(12);
    expect(report.kemenyExact).toBe(false);
    // 13 solves: the shared 60 steps plus a few reads per solve past its share
    expect(steps).toBeLessThan(60 + 13 * 10);
    let again = 0;
    expect(robustnessReport(t, "kemeny", { kemenyBudgetMs: 1e6, kemenyTotalBudgetMs: 60, now: () => again++ })).toEqual(report);
  });
});
