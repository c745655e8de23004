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
 * weights can be passed to `POST /api/v1/rank` as they are. When a mean-family method's
 * systems count different tasks (missing scores) the score is a ratio of weighted sums and
 * `whatIfRatio` answers instead (a branch and bound over the best rival's level, one LP per
 * level). Every answer is replayed through the method before it is returned. Pure: no I/O.
 */
import type { LinearSolver } from "./lp.ts";
import { computeMethod, type ScoreMethod } from "./methods.ts";
import { ranksFromScores } from "./ranks.ts";
import { weightedColumns } from "./resample.ts";
import { Table } from "./table.ts";

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
 * Solve the what-if problem for system index `s` (a plain Error when the solver fails).
 */
export function whatIf(table: Table, method: WhatIfMethod, s: number, solver: LinearSolver): WhatIfResult {
  const { n, m } = table;
  const points = taskPoints(table, method);
  const isMean = MEAN_METHODS.includes(method);
  // the tasks the LP weighs: every task, or (mean family) those the system counts
  let cols: number[] = [];
  for (let k = 0; k < m; k++) if (!isMean || points[s * m + k] === points[s * m + k]) cols.push(k);
  const rivals: number[] = [];
  let sameTasks = true;
  for (let o = 0; o < n; o++) {
    if (o === s) continue;
    if (isMean) {
      let any = false;
      for (let k = 0; k < m; k++) {
        const counts = points[o * m + k] === points[o * m + k];
        any ||= counts;
        if (counts !== (points[s * m + k] === points[s * m + k])) sameTasks = false;
      }
      if (!any) continue; // no score at all: ranks last whatever the weights
    }
    rivals.push(o);
  }
  if (isMean && cols.length === 0) return { method, canWin: false, weights: null, margin: null, bestMargin: -Infinity };
  // a weighted mean over different task sets: a ratio of weighted sums, searched over its level
  if (isMean && !sameTasks) return whatIfRatio(table, method, s, points, rivals, solver);
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

/** Most LPs the ratio search (whatIfRatio) solves before it answers with what it has. */
const MAX_RATIO_LPS = 300;

/**
 * What-if for a mean-family method whose systems count different tasks (missing scores): the
 * score r_u(w) = N_u(w) / D_u(w) (weighted sum of u's points over the tasks u counts, over
 * their weight) is not linear in w. Fixing s's denominator D_s(w) = 1 (the ratios do not
 * change when w is scaled), for a level lambda
 *
 *   G(lambda) = max N_s(w)  s.t.  w >= 0, D_s(w) = 1, N_o(w) - lambda D_o(w) <= 0 for every rival o
 *
 * is an LP, and the best margin is max over lambda of F(lambda) = G(lambda) - lambda (at the
 * optimum lambda is the best rival's score). G never decreases as lambda grows (each rival's
 * row only loosens), so on [L, U] F <= G(U) - L: a branch and bound over lambda in
 * [min points, max points] with that bound finds the best margin within 1e-9 of the points'
 * scale, or proves that it is negative. (A rival with D_o(w) = 0 counts nothing and ranks last.)
 */
function whatIfRatio(table: Table, method: WhatIfMethod, s: number, points: Float64Array, rivals: number[], solver: LinearSolver): WhatIfResult {
  const { m } = table;
  const counts = (u: number, k: number) => points[u * m + k] === points[u * m + k];
  // tasks some system counts (the others cannot change any score: weight 0)
  const cols: number[] = [];
  for (let k = 0; k < m; k++) if (counts(s, k) || rivals.some((o) => counts(o, k))) cols.push(k);
  let lo = Infinity;
  let hi = -Infinity;
  for (const u of [s, ...rivals]) for (const k of cols) if (counts(u, k)) (lo = Math.min(lo, points[u * m + k])), (hi = Math.max(hi, points[u * m + k]));
  const scale = Math.max(1, Math.abs(lo), Math.abs(hi));
  const eps = 1e-9 * scale;
  let lps = 0;
  const G = (lambda: number): { value: number; w: Float64Array | null } => {
    lps++;
    return ratioLp(solver, cols, s, rivals, points, m, lambda);
  };
  let best = { margin: -Infinity, w: null as Float64Array | null };
  const offer = (lambda: number, g: { value: number; w: Float64Array | null }) => {
    if (g.w && g.value - lambda > best.margin) best = { margin: g.value - lambda, w: g.w };
  };
  offer(lo, G(lo));
  const gHi = G(hi);
  offer(hi, gHi);
  // open intervals [L, U] with G(U); bound G(U) - L
  const open: { L: number; U: number; gU: number }[] = [{ L: lo, U: hi, gU: gHi.value }];
  while (open.length) {
    open.sort((a, b) => b.gU - b.L - (a.gU - a.L));
    const top = open[0];
    if (top.gU - top.L <= best.margin + eps || lps >= MAX_RATIO_LPS) break;
    open.shift();
    const mid = (top.L + top.U) / 2;
    const gMid = G(mid);
    offer(mid, gMid);
    if (gMid.value - top.L > best.margin + eps) open.push({ L: top.L, U: mid, gU: gMid.value });
    if (top.gU - mid > best.margin + eps) open.push({ L: mid, U: top.U, gU: top.gU });
  }
  const tol = 1e-7 * scale;
  const bestMargin = best.margin;
  if (!best.w || bestMargin < -tol) return { method, canWin: false, weights: null, margin: null, bestMargin };
  const w = best.w;
  const c = w.length;
  let sum = 0;
  for (const x of w) sum += x;
  const normal = w.map((x) => x / sum);
  // positive weights where a small blend with the uniform ones keeps the system first (replayed)
  for (const l of [1e-6, 1e-9, 1e-12, 0]) {
    const r = finish(table, method, s, Array.from(normal, (x) => (1 - l) * x + l / c), cols, bestMargin);
    if (r.canWin) return r;
  }
  return { method, canWin: false, weights: null, margin: null, bestMargin };
}

/**
 * G(lambda) of whatIfRatio and its maximiser (weights over `cols`; value -Infinity and no
 * weights when infeasible). The weights are unbounded above (only ratios matter); should the
 * solver not settle that model, it is solved again with every weight at most 10^6 times s's.
 */
function ratioLp(solver: LinearSolver, cols: number[], s: number, rivals: number[], points: Float64Array, m: number, lambda: number): { value: number; w: Float64Array | null } {
  return ratioLpWithin(solver, cols, s, rivals, points, m, lambda, Infinity) ?? ratioLpWithin(solver, cols, s, rivals, points, m, lambda, 1e6) ?? fail();
}

function fail(): never {
  throw new Error("what-if: the LP solver did not settle the model");
}

function ratioLpWithin(
  solver: LinearSolver,
  cols: number[],
  s: number,
  rivals: number[],
  points: Float64Array,
  m: number,
  lambda: number,
  cap: number,
): { value: number; w: Float64Array | null } | null {
  const c = cols.length;
  const cost = new Float64Array(c);
  const counted = (u: number, j: number) => points[u * m + cols[j]] === points[u * m + cols[j]];
  for (let j = 0; j < c; j++) if (counted(s, j)) cost[j] = -points[s * m + cols[j]];
  const session = solver.open({ numCols: c, cost, offset: 0, colLower: new Float64Array(c), colUpper: new Float64Array(c).fill(cap) });
  if (!session) throw new Error("what-if: the LP solver is not available");
  try {
    const starts: number[] = [0];
    const index: number[] = [];
    const value: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    for (let j = 0; j < c; j++) if (counted(s, j)) (index.push(j), value.push(1));
    starts.push(index.length);
    lower.push(1);
    upper.push(1);
    for (const o of rivals) {
      for (let j = 0; j < c; j++)
        if (counted(o, j)) {
          const d = points[o * m + cols[j]] - lambda;
          if (d !== 0) (index.push(j), value.push(d));
        }
      starts.push(index.length);
      lower.push(-Infinity);
      upper.push(0);
    }
    session.addRows({ starts: Int32Array.from(starts), index: Int32Array.from(index), value: Float64Array.from(value), lower: Float64Array.from(lower), upper: Float64Array.from(upper) });
    const r = session.solve({ integer: false, timeLimitSec: 10 });
    if (r.status === "infeasible") return { value: -Infinity, w: null };
    if (r.status !== "optimal" || !r.x) return null;
    return { value: -r.objective, w: Float64Array.from(r.x, (x) => Math.max(0, x)) };
  } finally {
    session.close();
  }
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
