/** Rank-from-score, ties with tolerance, Kendall tau-b. */

/** SEMANTICS.md: two aggregate scores are equal when they differ by at most 1e-9 * max(1, |a|, |b|). */
export function tied(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Competition ranks (1, 2, 2, 4) from scores, higher is better. NaN (no score) ranks after
 * every scored system, all NaNs tied. Ties are decided against the first (highest) score of
 * the current group, so a chain of tiny differences cannot grow a group without bound.
 */
export function ranksFromScores(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const key = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  idx.sort((a, b) => {
    const x = scores[a];
    const y = scores[b];
    const xn = Number.isNaN(x);
    const yn = Number.isNaN(y);
    if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
    return y - x || a - b;
  });
  const rank = new Int32Array(n);
  let lead = 0;
  for (let p = 0; p < n; p++) {
    const i = idx[p];
    if (p === 0) {
      rank[i] = 1;
      lead = i;
      continue;
    }
    const a = scores[i];
    const b = scores[lead];
    const same = Number.isNaN(a) ? Number.isNaN(b) : !Number.isNaN(b) && tied(key(i), key(lead));
    if (same) rank[i] = rank[lead];
    else {
      rank[i] = p + 1;
      lead = i;
    }
  }
  return rank;
}

/** Ranks of a strict order (system indices, best first): position + 1, no ties (Kemeny). */
export function ranksFromOrder(order: readonly number[], n: number): Int32Array {
  const ranks = new Int32Array(n);
  order.forEach((s, pos) => (ranks[s] = pos + 1));
  return ranks;
}

/**
 * Kendall tau-b between two rankings (lower = better; any consistent finite numeric ranks), null
 * if undefined. Knight's O(n log n) algorithm: sort by (x, y), count the pairs tied in x and in
 * both, then count the discordant pairs as the inversions of y while merge-sorting it. The
 * counts are the exact integers of the pairwise definition, so the result is bit-identical to it.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const tx = tiedPairs(idx, x); // pairs tied in x (including tied in both)
  let txy = 0;
  for (let i = 0, run = 1; i < n; i++, run++)
    if (i + 1 === n || x[idx[i + 1]] !== x[idx[i]] || y[idx[i + 1]] !== y[idx[i]]) (txy += (run * (run - 1)) / 2), (run = 0);
  const disc = sortCountingInversions(idx, y);
  const ty = tiedPairs(idx, y); // idx is now sorted by y
  const n0 = (n * (n - 1)) / 2;
  const conc = n0 - tx - ty + txy - disc;
  const den = Math.sqrt((n0 - tx) * (n0 - ty));
  if (den === 0) return null;
  return (conc - disc) / den;
}

/** Pairs with equal values among idx, which lists indices sorted by `values`. */
function tiedPairs(idx: Int32Array, values: ArrayLike<number>): number {
  let pairs = 0;
  for (let i = 0, run = 1; i < idx.length; i++, run++)
    if (i + 1 === idx.length || values[idx[i + 1]] !== values[idx[i]]) (pairs += (run * (run - 1)) / 2), (run = 0);
  return pairs;
}

/** Stable bottom-up merge sort of idx by values; returns the number of strict inversions (pairs out of order). */
function sortCountingInversions(idx: Int32Array, values: ArrayLike<number>): number {
  const n = idx.length;
  let src: Int32Array = idx;
  let dst: Int32Array = new Int32Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (values[src[j]] < values[src[i]]) {
          inversions += mid - i; // src[j] is below every element left in the first run
          dst[k++] = src[j++];
        } else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  if (src !== idx) idx.set(src);
  return inversions;
}
