/** Rank-from-score, ties with tolerance, Kendall tau-b. */

/** RANKING.md: two aggregate scores are equal when they differ by at most 1e-9 * max(1, |a|, |b|). */
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

/** Kendall tau-b between two rankings (lower = better; any consistent numeric ranks). null if undefined. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  let conc = 0;
  let disc = 0;
  let tx = 0; // pairs tied in x (including tied in both)
  let ty = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const yi = y[i];
    for (let j = i + 1; j < n; j++) {
      const dx = xi - x[j];
      const dy = yi - y[j];
      if (dx === 0) tx++;
      if (dy === 0) ty++;
      if (dx !== 0 && dy !== 0) {
        if (dx > 0 === dy > 0) conc++;
        else disc++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const den = Math.sqrt((n0 - tx) * (n0 - ty));
  if (den === 0) return null;
  return (conc - disc) / den;
}
