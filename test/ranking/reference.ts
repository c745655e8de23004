/**
 * Naive reference implementation of the task-level methods of ranking/SEMANTICS.md.
 *
 * Written straight from the spec text, WITHOUT looking at ranking/*.ts, so that it can serve as an
 * independent oracle. Plain arrays and loops, no cleverness, no speed: every quantity is recomputed
 * from the raw table each time it is needed. Spec lines are quoted in the comments.
 *
 * Conventions (ranking/README.md): a score of `undefined` means the method cannot score that system;
 * it then ranks after every scored system. Kendall tau-b is `null` when undefined.
 */

/** A raw table: `x[s][t]` is the score of system s on task t, or null when missing. */
export interface RefTable {
  /** n x m, null = missing */
  x: (number | null)[][];
  /** per task: "a direction (`higherIsBetter`, default true)" */
  higher: boolean[];
  /** per task: "a weight `w_t > 0` (default 1)" */
  w: number[];
}

export const REF_SCORE_METHODS = [
  "mean",
  "mean-minmax",
  "mean-zscore",
  "winrate",
  "plurality",
  "dowdall",
  "borda",
  "copeland",
  "minimax",
] as const;
export type RefScoreMethod = (typeof REF_SCORE_METHODS)[number];

const nSys = (T: RefTable): number => T.x.length;
const nTask = (T: RefTable): number => T.w.length;
const scored = (T: RefTable, s: number, t: number): boolean => T.x[s][t] !== null;

// "sign -1 for lower-is-better tasks"
const sign = (T: RefTable, t: number): number => (T.higher[t] ? 1 : -1);

/**
 * "On task t, for two systems both scored: s **beats** u if s's score is better in t's direction;
 *  they **tie** if the scores are equal. Nothing is compared with a missing score."
 */
export function beats(T: RefTable, s: number, u: number, t: number): boolean {
  const a = T.x[s][t];
  const b = T.x[u][t];
  if (a === null || b === null) return false;
  return T.higher[t] ? a > b : a < b;
}
export function ties(T: RefTable, s: number, u: number, t: number): boolean {
  const a = T.x[s][t];
  const b = T.x[u][t];
  if (a === null || b === null) return false;
  return a === b;
}

/** Systems scored on task t. */
function scoredOn(T: RefTable, t: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < nSys(T); s++) if (scored(T, s, t)) out.push(s);
  return out;
}

/**
 * "r_t(s) its average rank among the scored systems (1 = best)", "ties averaged":
 * 1 + (number of scored systems that beat s) + (number of other scored systems tied with s) / 2.
 * (The tied block occupies positions better+1 .. better+tied+1; its average is better + 1 + tied/2.)
 */
export function averageRank(T: RefTable, s: number, t: number): number {
  let better = 0;
  let tied = 0;
  for (const u of scoredOn(T, t)) {
    if (u === s) continue;
    if (beats(T, u, s, t)) better++;
    else if (ties(T, u, s, t)) tied++;
  }
  return 1 + better + tied / 2;
}

/**
 * "weighted arithmetic mean over the tasks where s is scored of ..." — generic helper:
 * sum_t w_t v_t / sum_t w_t over the tasks where `value(t)` is defined; undefined if there are none.
 */
function weightedMean(T: RefTable, value: (t: number) => number | undefined): number | undefined {
  let num = 0;
  let den = 0;
  for (let t = 0; t < nTask(T); t++) {
    const v = value(t);
    if (v === undefined) continue;
    num += T.w[t] * v;
    den += T.w[t];
  }
  return den > 0 ? num / den : undefined;
}

/**
 * "`M(s,u) = sum_t w_t * ([s beats u on t] + 0.5 [tie on t])` over the tasks where both are scored"
 */
export function M(T: RefTable, s: number, u: number): number {
  let total = 0;
  for (let t = 0; t < nTask(T); t++) {
    if (!scored(T, s, t) || !scored(T, u, t)) continue;
    if (beats(T, s, u, t)) total += T.w[t];
    else if (ties(T, s, u, t)) total += 0.5 * T.w[t];
  }
  return total;
}

export function refScore(T: RefTable, method: RefScoreMethod, s: number): number | undefined {
  const n = nSys(T);
  const m = nTask(T);
  switch (method) {
    case "mean":
      // "weighted arithmetic mean over the tasks where s is scored of `sign_t * x[s][t]`
      //  (sign -1 for lower-is-better tasks)"
      return weightedMean(T, (t) => (scored(T, s, t) ? sign(T, t) * T.x[s][t]! : undefined));

    case "mean-minmax":
      // "per task, rescale the present scores to [0, 1] with the best at 1 (a task where all present
      //  scores are equal gives 1 to all), then the weighted mean as above."
      return weightedMean(T, (t) => {
        if (!scored(T, s, t)) return undefined;
        const present = scoredOn(T, t).map((u) => T.x[u][t]!);
        const lo = Math.min(...present);
        const hi = Math.max(...present);
        if (hi === lo) return 1;
        const v = T.x[s][t]!;
        return T.higher[t] ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
      });

    case "mean-zscore":
      // "per task, `sign_t * (x - mean_t) / sd_t` over the present scores (population sd; 0 where sd
      //  is 0), then the weighted mean."
      return weightedMean(T, (t) => {
        if (!scored(T, s, t)) return undefined;
        const present = scoredOn(T, t).map((u) => T.x[u][t]!);
        let sum = 0;
        for (const v of present) sum += v;
        const mu = sum / present.length;
        let ss = 0;
        for (const v of present) ss += (v - mu) * (v - mu);
        const sd = Math.sqrt(ss / present.length); // population sd
        if (sd === 0) return 0;
        return (sign(T, t) * (T.x[s][t]! - mu)) / sd;
      });

    case "winrate":
      // "per task where s and at least one other system are scored, the share of the other scored
      //  systems that s beats, ties counting half; then the weighted mean over those tasks"
      return weightedMean(T, (t) => {
        if (!scored(T, s, t)) return undefined;
        const others = scoredOn(T, t).filter((u) => u !== s);
        if (others.length === 0) return undefined;
        let wins = 0;
        for (const u of others) {
          if (beats(T, s, u, t)) wins += 1;
          else if (ties(T, s, u, t)) wins += 0.5;
        }
        return wins / others.length;
      });

    case "plurality": {
      // "per task, the weight `w_t` goes to the best scored system, split evenly among systems tied
      //  for best." (a sum: a system that is never best gets 0)
      let total = 0;
      for (let t = 0; t < m; t++) {
        const sc = scoredOn(T, t);
        if (!scored(T, s, t)) continue;
        // best = no scored system beats it
        const isBest = (v: number) => sc.every((u) => !beats(T, u, v, t));
        if (!isBest(s)) continue;
        const nBest = sc.filter(isBest).length;
        total += T.w[t] / nBest;
      }
      return total;
    }

    case "dowdall": {
      // "`sum_t w_t / r_t(s)` over the tasks where s is scored, with `r_t(s)` its average rank among
      //  the scored systems (1 = best)." (empty sum = 0)
      let total = 0;
      for (let t = 0; t < m; t++) if (scored(T, s, t)) total += T.w[t] / averageRank(T, s, t);
      return total;
    }

    case "borda": {
      // "`B(s) = sum_t w_t * b_t(s)` ... If m systems are scored on t and k = n - m are not: a scored
      //  system with average rank r among the scored ones (1 = best, ties averaged) gets
      //  `b_t = (m - r) + k * (m + 1 - r) / (m + 1)`; an unscored system gets `(n - 1) / 2`."
      let total = 0;
      for (let t = 0; t < m; t++) {
        const mt = scoredOn(T, t).length;
        const k = n - mt;
        let b: number;
        if (scored(T, s, t)) {
          const r = averageRank(T, s, t);
          b = mt - r + (k * (mt + 1 - r)) / (mt + 1);
        } else {
          b = (n - 1) / 2;
        }
        total += T.w[t] * b;
      }
      return total;
    }

    case "copeland": {
      // "s scores 1 for every u with `M(s,u) > M(u,s)` and 0.5 for every u with `M(s,u) = M(u,s)`."
      let total = 0;
      for (let u = 0; u < n; u++) {
        if (u === s) continue;
        const a = M(T, s, u);
        const b = M(T, u, s);
        if (a > b) total += 1;
        else if (a === b) total += 0.5;
      }
      return total;
    }

    case "minimax": {
      // "`-max(0, max_u (M(u,s) - M(s,u)))`: minus the size of s's worst pairwise defeat"
      let worst = 0;
      for (let u = 0; u < n; u++) {
        if (u === s) continue;
        worst = Math.max(worst, M(T, u, s) - M(T, s, u));
      }
      return -worst;
    }
  }
}

export function refScores(T: RefTable, method: RefScoreMethod): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (let s = 0; s < nSys(T); s++) out.push(refScore(T, method, s));
  return out;
}

/**
 * "Two aggregate scores are equal when they differ by at most `1e-9 * max(1, |a|, |b|)`"
 */
export function aggEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * "Rank from score: higher score is better for every method above; equal scores share the smallest
 *  rank (1, 2, 2, 4)." Competition rank = 1 + number of systems with a strictly better score.
 * README: a system without a score "ranks after every scored system" (all such systems share the
 * rank 1 + number of scored systems).
 */
export function ranksFromScores(scores: (number | undefined)[]): number[] {
  const nScored = scores.filter((v) => v !== undefined).length;
  return scores.map((a) => {
    if (a === undefined) return nScored + 1;
    let better = 0;
    for (const b of scores) if (b !== undefined && b > a && !aggEqual(a, b)) better++;
    return 1 + better;
  });
}

/**
 * "Kemeny ... agreement `A(pi) = sum over pairs with s above u in pi of M(s,u)`"
 * `order` lists system indices from best to worst.
 */
export function kemenyAgreement(T: RefTable, order: number[]): number {
  let total = 0;
  for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) total += M(T, order[i], order[j]);
  return total;
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items.slice()];
  const out: number[][] = [];
  for (let i = 0; i < items.length; i++) {
    const rest = items.slice(0, i).concat(items.slice(i + 1));
    for (const p of permutations(rest)) out.push([items[i], ...p]);
  }
  return out;
}

/** Brute force over all n! strict orders (n <= 7): the optimum of A(pi). */
export function kemenyOptimum(T: RefTable): { best: number; orders: number[][] } {
  const n = nSys(T);
  if (n > 7) throw new Error("brute-force kemeny only for n <= 7");
  let best = -Infinity;
  let orders: number[][] = [];
  for (const p of permutations([...Array(n).keys()])) {
    const a = kemenyAgreement(T, p);
    if (a > best + 1e-12) {
      best = a;
      orders = [p];
    } else if (Math.abs(a - best) <= 1e-12) orders.push(p);
  }
  return { best, orders };
}

/**
 * "Kendall tau-b between two methods' ranks over all systems (ties handled as in tau-b)."
 * tau_b = (n_c - n_d) / sqrt((n_0 - n_1)(n_0 - n_2)), counted over all unordered pairs;
 * undefined (null) when a factor under the root is 0 (a ranking that is one single tie, or n < 2).
 */
export function kendallTauB(a: number[], b: number[]): number | null {
  const n = a.length;
  let conc = 0;
  let disc = 0;
  let tiesA = 0; // pairs tied in a (n_1)
  let tiesB = 0; // pairs tied in b (n_2)
  let pairs = 0; // n_0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      pairs++;
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      if (da * db > 0) conc++;
      else if (da * db < 0) disc++;
    }
  }
  const den = (pairs - tiesA) * (pairs - tiesB);
  if (den === 0) return null;
  return (conc - disc) / Math.sqrt(den);
}

/** Condorcet winner: the system s with M(s,u) > M(u,s) for every other u (strict), else null. */
export function condorcetWinner(T: RefTable): number | null {
  const n = nSys(T);
  for (let s = 0; s < n; s++) {
    let ok = true;
    for (let u = 0; u < n; u++) if (u !== s && !(M(T, s, u) > M(T, u, s) && !aggEqual(M(T, s, u), M(T, u, s)))) ok = false;
    if (ok) return s;
  }
  return null;
}

/** "`coverage`: the number of tasks with a score for that system." */
export function coverage(T: RefTable, s: number): number {
  let c = 0;
  for (let t = 0; t < nTask(T); t++) if (scored(T, s, t)) c++;
  return c;
}
