/**
 * Oracle tests: `rankTable` against the naive reference of ranking/SEMANTICS.md (./reference.ts).
 * Random small tables with many ties, missing cells, both directions and unequal weights.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rankTable, type RankInput, type RankResponse, type TaskMethod } from "../../ranking/index.ts";
import {
  REF_SCORE_METHODS,
  type RefScoreMethod,
  type RefTable,
  condorcetWinner,
  coverage,
  kemenyAgreement,
  kemenyOptimum,
  kendallTauB,
  ranksFromScores,
  refScores,
} from "./reference.ts";

const ALL_METHODS: TaskMethod[] = [...REF_SCORE_METHODS, "kemeny"];
const NUM_RUNS = Number(process.env.ORACLE_RUNS ?? 300);

interface Case {
  table: RefTable;
  input: RankInput;
}

/** Scores from a small set (integers 0..4 and some halves) so that ties are frequent. */
const cellArb = fc.option(fc.constantFrom(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0.5, 2.5), { freq: 4 }); // ~20% missing

const caseArb: fc.Arbitrary<Case> = fc
  .record({ n: fc.integer({ min: 2, max: 7 }), m: fc.integer({ min: 1, max: 5 }) })
  .chain(({ n, m }) =>
    fc.record({
      x: fc.array(fc.array(cellArb, { minLength: m, maxLength: m }), { minLength: n, maxLength: n }),
      // undefined = left to the default (higher is better, weight 1)
      higher: fc.array(fc.option(fc.boolean(), { nil: undefined, freq: 4 }), { minLength: m, maxLength: m }),
      w: fc.array(fc.option(fc.constantFrom(0.5, 1, 2, 3), { nil: undefined, freq: 4 }), { minLength: m, maxLength: m }),
      // how a missing cell is sent: `null` or an absent key
      absentKey: fc.array(fc.array(fc.boolean(), { minLength: m, maxLength: m }), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ x, higher, w, absentKey }) => {
    const table: RefTable = { x, higher: higher.map((h) => h ?? true), w: w.map((v) => v ?? 1) };
    const input: RankInput = {
      tasks: higher.map((h, t) => {
        const task: { slug: string; higherIsBetter?: boolean; weight?: number } = { slug: `t${t}` };
        if (h !== undefined) task.higherIsBetter = h;
        if (w[t] !== undefined) task.weight = w[t];
        return task;
      }),
      systems: x.map((row, s) => {
        const scores: Record<string, number | null> = {};
        row.forEach((v, t) => {
          if (v !== null || !absentKey[s][t]) scores[`t${t}`] = v;
        });
        return { slug: `s${s}`, scores };
      }),
      methods: ALL_METHODS,
    };
    return { table, input };
  });

/** A case built by hand from a plain matrix. */
function handCase(x: (number | null)[][], higher?: boolean[], w?: number[]): Case {
  const m = x[0].length;
  const table: RefTable = { x, higher: higher ?? Array(m).fill(true), w: w ?? Array(m).fill(1) };
  const input: RankInput = {
    tasks: table.higher.map((h, t) => ({ slug: `t${t}`, higherIsBetter: h, weight: table.w[t] })),
    systems: x.map((row, s) => ({ slug: `s${s}`, scores: Object.fromEntries(row.map((v, t) => [`t${t}`, v])) })),
    methods: ALL_METHODS,
  };
  return { table, input };
}

const sysIndex = (slug: string): number => Number(slug.slice(1));

/** The engine's result cell of system s for a method. */
function cell(res: RankResponse, s: number, method: string) {
  const row = res.systems.find((r) => r.slug === `s${s}`);
  if (!row) throw new Error(`system s${s} missing from the response`);
  return { row, cell: row.results[method] };
}

/** Reference ranks of every method; kemeny: the position in the engine's order (any optimal order is correct). */
function referenceRanks(c: Case, res: RankResponse): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const m of REF_SCORE_METHODS) out[m] = ranksFromScores(refScores(c.table, m));
  const n = c.table.x.length;
  const pos = Array<number>(n).fill(0);
  res.kemeny!.order.forEach((slug, i) => (pos[sysIndex(slug)] = i + 1));
  out.kemeny = pos;
  return out;
}

// ---- checks (each throws with a readable message on a discrepancy) ----

function checkScoreMethod(c: Case, res: RankResponse, method: RefScoreMethod): void {
  const scores = refScores(c.table, method);
  const ranks = ranksFromScores(scores);
  for (let s = 0; s < scores.length; s++) {
    const { cell: got } = cell(res, s, method);
    const want = scores[s];
    if (want === undefined) expect(got.score, `${method} score of s${s} (no score expected)`).toBeUndefined();
    else {
      expect(got.score, `${method} score of s${s}`).toBeTypeOf("number");
      expect(Math.abs(got.score! - want), `${method} score of s${s}: got ${got.score}, want ${want}`).toBeLessThanOrEqual(1e-6);
    }
    expect(got.rank, `${method} rank of s${s} (scores ${JSON.stringify(scores)})`).toBe(ranks[s]);
  }
}

function checkCoverage(c: Case, res: RankResponse): void {
  expect(res.systems.length).toBe(c.table.x.length);
  for (let s = 0; s < c.table.x.length; s++) expect(cell(res, s, "mean").row.coverage, `coverage of s${s}`).toBe(coverage(c.table, s));
}

function checkKemeny(c: Case, res: RankResponse): void {
  const n = c.table.x.length;
  const k = res.kemeny!;
  expect(k, "kemeny summary").toBeDefined();
  // a strict order of all systems
  expect([...k.order].sort(), "kemeny order is a permutation").toEqual([...Array(n).keys()].map((i) => `s${i}`).sort());
  const order = k.order.map(sysIndex);
  const { best } = kemenyOptimum(c.table);
  const recomputed = kemenyAgreement(c.table, order);
  expect(Math.abs(recomputed - k.agreement), `kemeny.agreement ${k.agreement} vs A(order) recomputed ${recomputed}`).toBeLessThanOrEqual(1e-9);
  expect(Math.abs(k.agreement - best), `kemeny.agreement ${k.agreement} vs brute-force optimum ${best}`).toBeLessThanOrEqual(1e-9);
  expect(k.exact, "kemeny.exact").toBe(true);
  expect(k.upperBound, `kemeny.upperBound ${k.upperBound} >= optimum ${best}`).toBeGreaterThanOrEqual(best - 1e-9);
  // "For `kemeny` the rank is the position in the order." No score.
  order.forEach((s, i) => {
    const { cell: got } = cell(res, s, "kemeny");
    expect(got.rank, `kemeny rank of s${s}`).toBe(i + 1);
    expect(got.score, `kemeny has no score`).toBeUndefined();
  });
}

function checkKendall(c: Case, res: RankResponse): void {
  const ranks = referenceRanks(c, res);
  for (const a of ALL_METHODS)
    for (const b of ALL_METHODS) {
      if (a === b) continue;
      const want = kendallTauB(ranks[a], ranks[b]);
      const got = res.agreement.kendallTau[a]?.[b];
      if (want === null) expect(got, `kendallTau[${a}][${b}] (undefined: ${JSON.stringify(ranks[a])} vs ${JSON.stringify(ranks[b])})`).toBeNull();
      else {
        expect(got, `kendallTau[${a}][${b}]`).toBeTypeOf("number");
        expect(Math.abs(got! - want), `kendallTau[${a}][${b}]: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-9);
      }
    }
}

function checkCondorcet(c: Case, res: RankResponse): void {
  const w = condorcetWinner(c.table);
  expect(res.agreement.condorcetWinner, "condorcetWinner").toBe(w === null ? null : `s${w}`);
}

function checkAll(c: Case): void {
  const res = rankTable(c.input);
  for (const m of REF_SCORE_METHODS) checkScoreMethod(c, res, m);
  checkCoverage(c, res);
  checkKemeny(c, res);
  checkKendall(c, res);
  checkCondorcet(c, res);
}

/** Property with a counterexample printed as the input JSON (easy to paste into a bug report). */
function property(check: (c: Case, res: RankResponse) => void): void {
  fc.assert(
    fc.property(caseArb, (c) => {
      check(c, rankTable(c.input));
    }),
    { numRuns: NUM_RUNS, seed: Number(process.env.ORACLE_SEED ?? 20240611), reporter: (r) => {
      if (r.failed) throw new Error(`${r.counterexample ? JSON.stringify(r.counterexample[0].input) : ""}\n${fc.defaultReportMessage(r)}`);
    } },
  );
}

describe("rankTable agrees with the naive reference of SEMANTICS.md (random tables)", () => {
  for (const method of REF_SCORE_METHODS) {
    it(`${method}: score and rank of every system`, () => property((c, res) => checkScoreMethod(c, res, method)));
  }
  it("coverage", () => property(checkCoverage));
  it("kemeny: brute-force optimum, A(order) recomputed, exact, upperBound, ranks", () => property(checkKemeny));
  it("Kendall tau-b for every pair of methods", () => property(checkKendall));
  it("Condorcet winner", () => property(checkCondorcet));
});

describe("rankTable agrees with the reference on hand-written edge cases", () => {
  it("a task where only one system is scored", () => {
    const c = handCase([
      [3, 1],
      [2, null],
      [1, null],
    ]);
    checkAll(c);
    const res = rankTable(c.input);
    // t1: only s0 scored: m=1, k=2, r=1: b = 0 + 2*(2-1)/2 = 1; unscored get (3-1)/2 = 1
    // t0: plain Borda 2,1,0. B = 3, 2, 1.
    expect([0, 1, 2].map((s) => cell(res, s, "borda").cell.score)).toEqual([3, 2, 1]);
    // winrate ignores t1 (no other scored system): 1, 0.5, 0
    expect([0, 1, 2].map((s) => cell(res, s, "winrate").cell.score)).toEqual([1, 0.5, 0]);
    // plurality: s0 is best on both tasks
    expect([0, 1, 2].map((s) => cell(res, s, "plurality").cell.score)).toEqual([2, 0, 0]);
  });

  it("a system with no scores at all", () => {
    const c = handCase([
      [3, 1],
      [null, null],
      [1, 2],
    ]);
    checkAll(c);
    const res = rankTable(c.input);
    for (const m of ["mean", "mean-minmax", "mean-zscore", "winrate"]) {
      expect(cell(res, 1, m).cell.score, m).toBeUndefined();
      expect(cell(res, 1, m).cell.rank, m).toBe(3);
    }
    // unscored everywhere: (n-1)/2 = 1 per task
    expect(cell(res, 1, "borda").cell.score).toBe(2);
  });

  it("all systems tied", () => {
    const c = handCase([
      [2, 1],
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    checkAll(c);
    const res = rankTable(c.input);
    for (const m of REF_SCORE_METHODS) for (let s = 0; s < 4; s++) expect(cell(res, s, m).cell.rank, m).toBe(1);
    expect(res.agreement.kendallTau.mean.borda).toBeNull();
    expect(res.agreement.condorcetWinner).toBeNull();
  });

  it("a lower-is-better task with weight 3", () => {
    const c = handCase(
      [
        [1, 5],
        [2, 1],
        [3, 3],
      ],
      [true, false],
      [1, 3],
    );
    checkAll(c);
    const res = rankTable(c.input);
    // mean: (1*x0 - 3*x1)/4
    expect([0, 1, 2].map((s) => cell(res, s, "mean").cell.score)).toEqual([(1 - 15) / 4, (2 - 3) / 4, (3 - 9) / 4]);
    // borda: t0 gives 0,1,2; t1 (lower better) gives 0,2,1 times 3 -> 0, 7, 5
    expect([0, 1, 2].map((s) => cell(res, s, "borda").cell.score)).toEqual([0, 7, 5]);
    // s1 beats s0 on both (M=4 vs 0), s1 beats s2 on t1 (3 vs 1): Condorcet winner
    expect(res.agreement.condorcetWinner).toBe("s1");
    expect(res.kemeny!.order).toEqual(["s1", "s2", "s0"]);
  });
});
