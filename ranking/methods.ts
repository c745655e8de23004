/** Score-producing task-level methods of SEMANTICS.md over the internal Table. Higher is better; NaN = no score. */
import { tied } from "./ranks.ts";
import { pairwiseOutcome, type Table } from "./table.ts";
import type { TaskMethod } from "./types.ts";

export type ScoreMethod = Exclude<TaskMethod, "kemeny">;

/** Weighted mean over scored tasks of a per-(task, system) value; value(t, s) gets oriented[t*n+s] (never NaN). */
function weightedMean(table: Table, value: (t: number, v: number, s: number) => number, include?: (t: number) => boolean): Float64Array {
  const { n, m, weights } = table;
  const o = table.oriented;
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  for (let t = 0; t < m; t++) {
    if (include && !include(t)) continue;
    const w = weights[t];
    const base = t * n;
    for (let s = 0; s < n; s++) {
      const v = o[base + s];
      if (v !== v) continue;
      num[s] += w * value(t, v, s);
      den[s] += w;
    }
  }
  for (let s = 0; s < n; s++) num[s] = den[s] > 0 ? num[s] / den[s] : NaN;
  return num;
}

/** Per task, a statistic over the scored oriented values. */
function perTask(table: Table, f: (vals: number[]) => [number, number]): Float64Array[] {
  const { n, m } = table;
  const o = table.oriented;
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const vals: number[] = [];
    for (let s = 0; s < n; s++) {
      const v = o[t * n + s];
      if (v === v) vals.push(v);
    }
    [a[t], b[t]] = f(vals);
  }
  return [a, b];
}

/**
 * Finite scores can be as large as 1.8e308, so sums, differences and squares of them overflow.
 * Above HUGE the arithmetic runs on values scaled by an exact power of two (see `downscale`),
 * which leaves every ordinary table bit-for-bit unchanged.
 */
const HUGE = 2 ** 500;

/** A power of two c with max|v| * c <= 1/2 when max|v| >= HUGE, else 1. */
function downscale(maxAbs: number): number {
  return maxAbs >= HUGE ? 2 ** -(Math.ceil(Math.log2(maxAbs)) + 1) : 1;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

function mean(table: Table): Float64Array {
  const c = downscale(maxAbs(table.oriented));
  if (c === 1) return weightedMean(table, (_t, v) => v);
  const out = weightedMean(table, (_t, v) => v * c);
  for (let s = 0; s < out.length; s++) out[s] /= c;
  return out;
}

function meanMinmax(table: Table): Float64Array {
  const [lo, hi] = perTask(table, (vals) => [Math.min(...vals), Math.max(...vals)]);
  return weightedMean(table, (t, v) => {
    if (hi[t] === lo[t]) return 1;
    const range = hi[t] - lo[t];
    // hi - lo overflows for scores of opposite sign beyond 9e307: halve everything (exact)
    return Number.isFinite(range) ? (v - lo[t]) / range : (v / 2 - lo[t] / 2) / (hi[t] / 2 - lo[t] / 2);
  });
}

function meanZscore(table: Table): Float64Array {
  const scale = new Float64Array(table.m);
  let t = 0;
  const [mu, sd] = perTask(table, (raw) => {
    const c = (scale[t++] = downscale(maxAbs(raw)));
    const vals = c === 1 ? raw : raw.map((v) => v * c);
    if (vals.length === 0) return [0, 0];
    let sum = 0;
    for (const v of vals) sum += v;
    const mu = sum / vals.length;
    let ss = 0;
    for (const v of vals) ss += (v - mu) * (v - mu);
    return [mu, Math.sqrt(ss / vals.length)];
  });
  return weightedMean(table, (t, v) => (sd[t] === 0 ? 0 : (v * scale[t] - mu[t]) / sd[t]));
}

function winrate(table: Table): Float64Array {
  const { avgRank, count } = table.ranks;
  const n = table.n;
  // share of the other scored systems beaten, ties half = (m - r) / (m - 1)
  return weightedMean(
    table,
    (t, _v, s) => (count[t] - avgRank[t * n + s]) / (count[t] - 1),
    (t) => count[t] >= 2,
  );
}

/**
 * Adds scale * b_t(s) to out[s] for every system: the expected Borda points on task t under a
 * uniformly random completion of its partial ranking (SEMANTICS.md `borda`).
 */
export function addBordaPoints(table: Table, t: number, scale: number, out: Float64Array): void {
  const n = table.n;
  const { avgRank, count } = table.ranks;
  const c = count[t];
  const k = n - c;
  const base = t * n;
  const unscored = (n - 1) / 2;
  for (let s = 0; s < n; s++) {
    const r = avgRank[base + s];
    out[s] += scale * (r === r ? c - r + (k * (c + 1 - r)) / (c + 1) : unscored);
  }
}

function borda(table: Table): Float64Array {
  const out = new Float64Array(table.n);
  for (let t = 0; t < table.m; t++) addBordaPoints(table, t, table.weights[t], out);
  return out;
}

function dowdall(table: Table): Float64Array {
  const { n, m, weights } = table;
  const { avgRank } = table.ranks;
  const out = new Float64Array(n);
  for (let t = 0; t < m; t++) {
    for (let s = 0; s < n; s++) {
      const r = avgRank[t * n + s];
      if (r === r) out[s] += weights[t] / r;
    }
  }
  return out;
}

function plurality(table: Table): Float64Array {
  const { n, m, weights } = table;
  const { avgRank, count } = table.ranks;
  const out = new Float64Array(n);
  for (let t = 0; t < m; t++) {
    // the systems tied for best all have average rank (c_best + 1) / 2; count them
    const base = t * n;
    let best = Infinity;
    for (let s = 0; s < n; s++) if (avgRank[base + s] < best) best = avgRank[base + s];
    if (count[t] === 0) continue;
    const winners = 2 * best - 1;
    for (let s = 0; s < n; s++) if (avgRank[base + s] === best) out[s] += weights[t] / winners;
  }
  return out;
}

function copeland(table: Table): Float64Array {
  const { n } = table;
  const M = table.pairwise;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    for (let u = s + 1; u < n; u++) {
      const r = pairwiseOutcome(M, n, s, u);
      if (r > 0) out[s] += 1;
      else if (r < 0) out[u] += 1;
      else {
        out[s] += 0.5;
        out[u] += 0.5;
      }
    }
  }
  return out;
}

function minimax(table: Table): Float64Array {
  const { n } = table;
  const M = table.pairwise;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let worst = 0;
    for (let u = 0; u < n; u++) {
      const d = M[u * n + s] - M[s * n + u];
      if (d > worst) worst = d;
    }
    out[s] = 0 - worst; // never -0
  }
  return out;
}

export const SCORE_METHODS: Record<ScoreMethod, (table: Table) => Float64Array> = {
  mean,
  "mean-minmax": meanMinmax,
  "mean-zscore": meanZscore,
  winrate,
  plurality,
  dowdall,
  borda,
  copeland,
  minimax,
};

/** Scores of one non-kemeny method (higher is better; NaN where the method gives no score). */
export function computeMethod(table: Table, method: ScoreMethod): Float64Array {
  const f = SCORE_METHODS[method];
  if (!f) throw new Error(`unknown method ${method}`);
  return f(table);
}

/**
 * M(s,u) and M(u,s) of SEMANTICS.md for one pair, from the scores alone in O(m): the same sums in
 * the same task order as `computePairwise`, so the values are bit-identical to the matrix's.
 */
function pairMajority(table: Table, s: number, u: number): number {
  const { m, weights, sign } = table;
  // the two systems' rows of the row-major scores: two sequential streams (the task-major
  // oriented copy would cost two cache misses per task on a wide table)
  const x = table.scores;
  const bs = s * m;
  const bu = u * m;
  let su = 0;
  let us = 0;
  for (let t = 0; t < m; t++) {
    const a = sign[t] * x[bs + t];
    const b = sign[t] * x[bu + t];
    if (a !== a || b !== b) continue;
    const w = weights[t];
    if (a > b) su += w;
    else if (a < b) us += w;
    else {
      su += w / 2;
      us += w / 2;
    }
  }
  return tied(su, us) ? 0 : su > us ? 1 : -1;
}

/**
 * The system (index) that strictly beats every other by weighted pairwise majority (M, with the
 * tolerance of `tied`), or -1. By elimination in O(n m), without the n x n matrix: a candidate
 * that does not strictly beat the next system cannot be the winner, so the next one takes its
 * place; a winner, once met, stays. The survivor is then checked against every system.
 */
export function condorcetWinnerIndex(table: Table): number {
  const { n } = table;
  if (n === 0) return -1;
  let candidate = 0;
  for (let s = 1; s < n; s++) if (pairMajority(table, candidate, s) <= 0) candidate = s;
  for (let u = 0; u < n; u++) if (u !== candidate && pairMajority(table, candidate, u) <= 0) return -1;
  return candidate;
}
