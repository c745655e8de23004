/**
 * What-if weights (SEMANTICS.md "What-if weights", Vote'n'Rank's question): is there a choice of
 * non-negative task weights summing to 1 under which a system ranks first (ties allowed), and
 * which such weights give it the largest margin over the best other system?
 *
 * The methods answered are those whose score is a weighted sum of per-task points:
 * `score(s) = sum_k w_k p_k(s)` (borda, plurality, dowdall), or a weighted mean of them over the
 * tasks that count (mean, mean-minmax, mean-zscore, winrate), which is the same linear form when
 * every ranked system counts the same tasks. The points are derived from the method itself (the
 * score of a one-task table), so the answer replays exactly through the method with those
 * weights. The linear program
 *
 *   maximise t  s.t.  sum_k w_k (p_k(s) - p_k(o)) >= t  for every other system o,  w >= 0,  sum w = 1
 *
 * is solved with the injected LP solver (HiGHS in the service); the system can win iff t* >= 0
 * (within the ranking tolerance). Among optimal weights, a second LP picks ones that give every
 * task the largest possible common minimum weight (strictly positive where possible), so the
 * weights can be passed to `POST /api/v1/rank` as they are. Pure: no I/O.
 */
import type { LinearSolver } from "./lp.ts";
import { computeMethod, type ScoreMethod } from "./methods.ts";
import { ranksFromScores } from "./ranks.ts";
import { weightedColumns } from "./resample.ts";
import { Table } from "./table.ts";
import { RankingInputError } from "./types.ts";

/** Methods whose score is a weighted sum (or a weighted mean) of per-task points. */
export const WHATIF_METHODS = ["mean", "mean-minmax", "mean-zscore", "winrate", "plurality", "dowdall", "borda"] as const satisfies readonly ScoreMethod[];
export type WhatIfMethod = (typeof WHATIF_METHODS)[number];

export function isWhatIfMethod(method: string): method is WhatIfMethod {
  return (WHATIF_METHODS as readonly string[]).includes(method);
}

/** Methods that average over the tasks a system counts (the others sum over every task). */
const MEAN_METHODS: readonly WhatIfMethod[] = ["mean", "mean-minmax", "mean-zscore", "winrate"];

export interface WhatIfResult {
  method: WhatIfMethod;
  canWin: boolean;
  /** task slug -> weight (summing to 1), or null when the system cannot rank first. */
  weights: Record<string, number> | null;
  /** score(system) - max score(other) under `weights` (>= 0 up to the ranking tolerance), or null. */
  margin: number | null;
  /** The LP optimum t* (the largest margin over every weighting; negative when the system cannot win). */
  bestMargin: number;
}

/**
 * Per-task points p[s * m + k]: the method's score of s on the table reduced to task k alone
 * (weight 1). NaN where task k does not count for s (mean family: s not scored, or winrate with
 * fewer than two systems scored on k).
 */
export function taskPoints(table: Table, method: WhatIfMethod): Float64Array {
  const { n, m } = table;
  const points = new Float64Array(n * m);
  const mult = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    mult.fill(0);
    mult[k] = 1;
    const one = weightedColumns(withUnitWeights(table), mult);
    const p = computeMethod(one, method);
    for (let s = 0; s < n; s++) points[s * m + k] = p[s];
  }
  return points;
}

function withUnitWeights(table: Table): Table {
  if (table.weights.every((w) => w === 1)) return table;
  return new Table({ systems: table.systems, tasks: table.tasks, scores: table.scores, higherIsBetter: Array.from(table.sign, (x) => x > 0) });
}

/** The table with these task weights (directions and scores kept). */
export function reweighted(table: Table, weights: ArrayLike<number>): Table {
  return new Table({ systems: table.systems, tasks: table.tasks, scores: table.scores, higherIsBetter: Array.from(table.sign, (x) => x > 0), weights });
}

/** The method's margin of `s` under `weights`: score(s) - max over others (NaN scores ignored); NaN if s has none. */
export function replayMargin(table: Table, method: WhatIfMethod, s: number, weights: ArrayLike<number>): { margin: number; rank: number } {
  const scores = computeMethod(reweighted(table, weights), method);
  let best = -Infinity;
  for (let o = 0; o < table.n; o++) if (o !== s && scores[o] === scores[o] && scores[o] > best) best = scores[o];
  const rank = ranksFromScores(scores)[s];
  return { margin: scores[s] - (best === -Infinity ? scores[s] : best), rank };
}

/** Relative slack kept on the margin when the second LP looks for positive weights. */
const MARGIN_SLACK = 1e-6;

/**
 * Solve the what-if LP for system index `s`. Throws RankingInputError (field `method`) when a
 * mean-family method averages different systems over different task sets (its score is then a
 * ratio of weighted sums, not linear in the weights), and a plain Error when the solver fails.
 */
export function whatIf(table: Table, method: WhatIfMethod, s: number, solver: LinearSolver): WhatIfResult {
  const { n, m } = table;
  const points = taskPoints(table, method);
  const isMean = MEAN_METHODS.includes(method);
  // the tasks the LP weighs: every task, or (mean family) those the system counts
  let cols: number[] = [];
  for (let k = 0; k < m; k++) if (!isMean || points[s * m + k] === points[s * m + k]) cols.push(k);
  const rivals: number[] = [];
  for (let o = 0; o < n; o++) {
    if (o === s) continue;
    if (isMean) {
      let any = false;
      let same = true;
      for (let k = 0; k < m; k++) {
        const counts = points[o * m + k] === points[o * m + k];
        any ||= counts;
        if (counts !== (points[s * m + k] === points[s * m + k])) same = false;
      }
      if (!any) continue; // no score at all: ranks last whatever the weights
      if (!same)
        throw new RankingInputError([
          {
            field: "method",
            message: `${method} averages each system over the tasks it counts, and "${table.systems[s]}" and "${table.systems[o]}" count different tasks (missing scores): its score is not linear in the task weights; use borda, plurality or dowdall, which score missing results (RANKING.md)`,
          },
        ]);
    }
    rivals.push(o);
  }
  if (isMean && cols.length === 0) return { method, canWin: false, weights: null, margin: null, bestMargin: -Infinity };
  if (!isMean) cols = Array.from({ length: m }, (_, k) => k);
  const c = cols.length;
  let scale = 1;
  for (const v of points) if (v === v && Math.abs(v) > scale) scale = Math.abs(v);
  // a lone system (or one with no rival scored) wins with any weights
  if (rivals.length === 0) return finish(table, method, s, cols.map(() => 1 / c), cols, 0);

  // columns: w_0..w_{c-1}, t (free); minimise -t
  const diff = (o: number, j: number) => points[s * m + cols[j]] - points[o * m + cols[j]];
  const t = solveLp(solver, c, rivals, diff, "margin");
  if (t === null) throw new Error("what-if: the LP solver failed");
  const tol = 1e-7 * scale;
  if (t.value < -tol) return { method, canWin: false, weights: null, margin: null, bestMargin: t.value };
  // among (near-)optimal weights, the largest common minimum weight
  const floor = Math.min(t.value - MARGIN_SLACK * Math.abs(t.value), t.value);
  const spread = solveLp(solver, c, rivals, diff, "spread", floor);
  // positive weights first (POST /api/v1/rank takes only those), then the LP's own
  const optimal = [spread?.w, t.w].filter((w): w is Float64Array => w !== undefined);
  const candidates = [...optimal.map((w) => positive(w, t.value, tol, rivals, diff)), ...optimal];
  for (const w of candidates) {
    const r = finish(table, method, s, Array.from(w), cols, t.value);
    if (r.canWin) return r;
  }
  return { method, canWin: false, weights: null, margin: null, bestMargin: t.value };
}

/**
 * Weights with no zero where that costs (almost) no margin: w blended with the uniform weights,
 * (1 - l) w + l / c, where l keeps the margin (concave in w) at least t (1 - MARGIN_SLACK); for
 * a margin of 0 (the system can only tie for first), at least -5e-10, half the smallest tie
 * tolerance of the ranking (so the replay still ties). The caller replays every candidate.
 */
function positive(w: Float64Array, t: number, tol: number, rivals: number[], diff: (o: number, j: number) => number): Float64Array {
  const c = w.length;
  if (w.every((x) => x > 0)) return w;
  let uniform = Infinity;
  for (const o of rivals) {
    let sum = 0;
    for (let j = 0; j < c; j++) sum += diff(o, j) / c;
    uniform = Math.min(uniform, sum);
  }
  const loss = t > tol ? MARGIN_SLACK * t : 5e-10 + Math.min(0, t);
  const l = uniform >= t ? 0.5 : loss > 0 ? loss / (t - uniform) : 0;
  return l > 0 ? w.map((x) => (1 - l) * x + l / c) : w;
}

interface LpAnswer {
  value: number;
  w: Float64Array;
}

/**
 * "margin": maximise t s.t. sum_j w_j diff(o, j) - t >= 0, sum w = 1, w >= 0.
 * "spread": maximise u s.t. sum_j w_j diff(o, j) >= floor, w_j - u >= 0, sum w = 1.
 */
function solveLp(solver: LinearSolver, c: number, rivals: number[], diff: (o: number, j: number) => number, kind: "margin" | "spread", floor = 0): LpAnswer | null {
  const cols = c + 1; // the last column is t (margin) or u (spread)
  const cost = new Float64Array(cols);
  cost[c] = -1;
  const colLower = new Float64Array(cols);
  const colUpper = new Float64Array(cols).fill(1);
  colLower[c] = kind === "margin" ? -Infinity : 0;
  colUpper[c] = Infinity;
  const session = solver.open({ numCols: cols, cost, offset: 0, colLower, colUpper });
  if (!session) return null;
  try {
    const starts: number[] = [0];
    const index: number[] = [];
    const value: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    for (const o of rivals) {
      for (let j = 0; j < c; j++) {
        const d = diff(o, j);
        if (d !== 0) (index.push(j), value.push(d));
      }
      if (kind === "margin") (index.push(c), value.push(-1));
      starts.push(index.length);
      lower.push(kind === "margin" ? 0 : floor);
      upper.push(Infinity);
    }
    if (kind === "spread")
      for (let j = 0; j < c; j++) {
        index.push(j, c);
        value.push(1, -1);
        starts.push(index.length);
        lower.push(0);
        upper.push(Infinity);
      }
    for (let j = 0; j < c; j++) (index.push(j), value.push(1));
    starts.push(index.length);
    lower.push(1);
    upper.push(1);
    session.addRows({
      starts: Int32Array.from(starts),
      index: Int32Array.from(index),
      value: Float64Array.from(value),
      lower: Float64Array.from(lower),
      upper: Float64Array.from(upper),
    });
    const r = session.solve({ integer: false, timeLimitSec: 10 });
    if (r.status === "infeasible" || r.status !== "optimal" || !r.x) return null;
    const w = new Float64Array(c);
    let sum = 0;
    for (let j = 0; j < c; j++) sum += w[j] = Math.max(0, r.x[j]);
    for (let j = 0; j < c; j++) w[j] /= sum;
    return { value: r.x[c], w };
  } finally {
    session.close();
  }
}

/** Weights over every task (0 off `cols`), replayed through the method: canWin iff it ranks first. */
function finish(table: Table, method: WhatIfMethod, s: number, w: number[], cols: number[], bestMargin: number): WhatIfResult {
  const full = new Float64Array(table.m);
  cols.forEach((k, j) => (full[k] = w[j]));
  const { margin, rank } = replayMargin(table, method, s, full);
  if (rank !== 1) return { method, canWin: false, weights: null, margin: null, bestMargin };
  const weights: Record<string, number> = {};
  table.tasks.forEach((slug, k) => (weights[slug] = full[k]));
  // ranked first: a margin below 0 is a tie within the ranking tolerance
  return { method, canWin: true, weights, margin: Math.max(0, margin), bestMargin };
}
