/**
 * Internal form built for speed: systems x tasks scores as a row-major Float64Array (NaN for
 * missing), directions and weights as arrays. Per-task orderings (average ranks) and the
 * pairwise matrix M are computed lazily, once, and shared by every method that needs them.
 */
import { tied } from "./ranks.ts";
import { PAIRWISE_METHODS, pairwiseLimitIssue, RankingInputError } from "./types.ts";

export interface TableSpec {
  systems: string[];
  tasks: string[];
  /** n x m row-major: scores[s * m + t]; NaN = missing. */
  scores: Float64Array;
  /** 1 = higher is better (default), 0 = lower is better. */
  higherIsBetter?: ArrayLike<number | boolean>;
  /** Positive weights (default 1). */
  weights?: ArrayLike<number>;
}

export class Table {
  readonly systems: string[];
  readonly tasks: string[];
  readonly n: number;
  readonly m: number;
  readonly scores: Float64Array;
  readonly sign: Float64Array;
  readonly weights: Float64Array;
  private _oriented?: Float64Array;
  private _ranks?: TaskRanks;
  private _pairwise?: Float64Array;
  private _coverage?: Int32Array;

  constructor(spec: TableSpec) {
    this.systems = spec.systems;
    this.tasks = spec.tasks;
    this.n = spec.systems.length;
    this.m = spec.tasks.length;
    if (spec.scores.length !== this.n * this.m) throw new Error("scores must have systems.length * tasks.length entries");
    this.scores = spec.scores;
    this.sign = new Float64Array(this.m).fill(1);
    this.weights = new Float64Array(this.m).fill(1);
    for (let t = 0; t < this.m; t++) {
      if (spec.higherIsBetter && !spec.higherIsBetter[t]) this.sign[t] = -1;
      if (spec.weights) this.weights[t] = spec.weights[t];
    }
  }

  /** Task-major oriented scores: oriented[t * n + s] = sign_t * x[s][t] (+0), higher is better; NaN missing. */
  get oriented(): Float64Array {
    if (!this._oriented) {
      const { n, m, scores, sign } = this;
      const o = new Float64Array(n * m);
      for (let s = 0; s < n; s++) for (let t = 0; t < m; t++) o[t * n + s] = sign[t] * scores[s * m + t] + 0;
      this._oriented = o;
    }
    return this._oriented;
  }

  /** Per-task average ranks among the scored systems (1 = best, ties averaged). */
  get ranks(): TaskRanks {
    return (this._ranks ??= computeTaskRanks(this.oriented, this.n, this.m));
  }

  /** Number of scored tasks per system. */
  get coverage(): Int32Array {
    if (!this._coverage) {
      const c = new Int32Array(this.n);
      for (let s = 0; s < this.n; s++) for (let t = 0; t < this.m; t++) if (!Number.isNaN(this.scores[s * this.m + t])) c[s]++;
      this._coverage = c;
    }
    return this._coverage;
  }

  /**
   * Pairwise matrix M (n x n row-major): M[s * n + u] = sum over tasks where both are scored of
   * w_t * ([s beats u] + 0.5 [tie]). O(n^2 * m), computed once, and only for the pairwise
   * methods (copeland, minimax, kemeny): RankingInputError beyond MAX_PAIRWISE_SYSTEMS.
   */
  get pairwise(): Float64Array {
    if (!this._pairwise) {
      const issue = pairwiseLimitIssue(this.n, PAIRWISE_METHODS);
      if (issue) throw new RankingInputError([issue]);
      this._pairwise = computePairwise(this.oriented, this.weights, this.n, this.m);
    }
    return this._pairwise;
  }
}

export function buildTable(spec: TableSpec): Table {
  return new Table(spec);
}

export interface TaskRanks {
  /** avgRank[t * n + s]; NaN when s is not scored on t. */
  avgRank: Float64Array;
  /** Number of scored systems per task. */
  count: Int32Array;
}

// Order-preserving unsigned keys of doubles, read through a 32-bit view (either endianness).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/**
 * Ascending LSD radix sort (8-bit digits, passes where every key shares the digit skipped) of
 * the systems scored on one task column; returns the count, sorted indices in `out`.
 * Faster than Float64Array.prototype.sort and yields the indices, not just the values.
 */
function radixSortColumn(oriented: Float64Array, base: number, n: number, ws: RadixWorkspace): number {
  const { keyHi, keyLo, hist } = ws;
  let src = ws.a;
  let dst = ws.b;
  let c = 0;
  for (let s = 0; s < n; s++) {
    const v = oriented[base + s];
    if (v !== v) continue;
    f64[0] = v;
    let hi = u32[HI];
    let lo = u32[LO];
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    keyHi[s] = hi;
    keyLo[s] = lo;
    src[c++] = s;
  }
  for (let pass = 0; pass < 8; pass++) {
    const keys = pass < 4 ? keyLo : keyHi;
    const shift = (pass & 3) * 8;
    hist.fill(0);
    for (let i = 0; i < c; i++) hist[(keys[src[i]] >>> shift) & 255]++;
    let d = 0;
    while (hist[d] === 0) d++;
    if (hist[d] === c) continue;
    let sum = 0;
    for (d = 0; d < 256; d++) {
      const h = hist[d];
      hist[d] = sum;
      sum += h;
    }
    for (let i = 0; i < c; i++) {
      const x = src[i];
      dst[hist[(keys[x] >>> shift) & 255]++] = x;
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  ws.sorted = src;
  return c;
}

interface RadixWorkspace {
  keyHi: Uint32Array;
  keyLo: Uint32Array;
  hist: Int32Array;
  a: Int32Array;
  b: Int32Array;
  sorted: Int32Array;
}

/**
 * Up to this many systems a column is ranked by sorting its values (native sort) and locating
 * each system's value by binary search; beyond it, by the radix sort of indices. The 8 radix
 * passes over 256 buckets cost ~57 operations per value at n = 100, the sort about 10: an
 * instance-level table has ~10^5 such short columns.
 */
const SORTED_VALUES_MAX_N = 512;

/** Average ranks of one column by sorting its values: `sorted` is scratch of length n. */
function ranksBySortedValues(oriented: Float64Array, base: number, n: number, sorted: Float64Array, avgRank: Float64Array): number {
  let c = 0;
  for (let s = 0; s < n; s++) {
    const v = oriented[base + s];
    if (v === v) sorted[c++] = v;
  }
  const values = sorted.subarray(0, c);
  values.sort();
  for (let s = 0; s < n; s++) {
    const v = oriented[base + s];
    if (v !== v) continue;
    avgRank[base + s] = averageRankInSorted(values, v);
  }
  return c;
}

/**
 * The average rank (1 = best, ties share the mean of their positions) of `v` among `values`,
 * sorted ascending with higher better; `v` must be one of them. Binary search, then the run of
 * equal values.
 */
export function averageRankInSorted(values: Float64Array, v: number): number {
  const c = values.length;
  // [lo, end): the positions of v in the ascending values; c - end values are above it
  let lo = 0;
  let hi = c;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  let end = lo + 1;
  while (end < c && values[end] === v) end++;
  return c - end + (end - lo + 1) / 2;
}

/** Per task: radix-sort the scored systems once, then one pass over tie groups gives average ranks. */
export function computeTaskRanks(oriented: Float64Array, n: number, m: number): TaskRanks {
  const avgRank = new Float64Array(n * m).fill(NaN);
  if (n <= SORTED_VALUES_MAX_N) {
    const count = new Int32Array(m);
    const sorted = new Float64Array(n);
    for (let t = 0; t < m; t++) count[t] = ranksBySortedValues(oriented, t * n, n, sorted, avgRank);
    return { avgRank, count };
  }
  const count = new Int32Array(m);
  const a = new Int32Array(n);
  const ws: RadixWorkspace = { keyHi: new Uint32Array(n), keyLo: new Uint32Array(n), hist: new Int32Array(256), a, b: new Int32Array(n), sorted: a };
  for (let t = 0; t < m; t++) {
    const base = t * n;
    const c = radixSortColumn(oriented, base, n, ws);
    count[t] = c;
    const idx = ws.sorted;
    // ascending: the group [lo, hi) of equal values has c - hi systems above it
    for (let hi = c; hi > 0; ) {
      let lo = hi - 1;
      const v = oriented[base + idx[lo]];
      while (lo > 0 && oriented[base + idx[lo - 1]] === v) lo--;
      const r = c - hi + (hi - lo + 1) / 2;
      for (let p = lo; p < hi; p++) avgRank[base + idx[p]] = r;
      hi = lo;
    }
  }
  return { avgRank, count };
}

export function computePairwise(oriented: Float64Array, weights: Float64Array, n: number, m: number): Float64Array {
  const M = new Float64Array(n * n);
  for (let t = 0; t < m; t++) {
    const base = t * n;
    const w = weights[t];
    const half = w / 2;
    for (let s = 0; s < n; s++) {
      const a = oriented[base + s];
      if (a !== a) continue;
      const row = s * n;
      for (let u = s + 1; u < n; u++) {
        const b = oriented[base + u];
        if (b !== b) continue;
        if (a > b) M[row + u] += w;
        else if (a < b) M[u * n + s] += w;
        else {
          M[row + u] += half;
          M[u * n + s] += half;
        }
      }
    }
  }
  return M;
}

/** Margin relation with the aggregate tolerance: 1 if M(s,u) > M(u,s), 0 if tied, -1 otherwise. */
export function pairwiseOutcome(M: Float64Array, n: number, s: number, u: number): number {
  const a = M[s * n + u];
  const b = M[u * n + s];
  if (tied(a, b)) return 0;
  return a > b ? 1 : -1;
}
