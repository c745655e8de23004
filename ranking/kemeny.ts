/**
 * Exact Kemeny-Young consensus over a pairwise matrix M (SEMANTICS.md): maximise
 * A(pi) = sum over pairs with s above u of M(s,u).
 *
 * 1. Decompose: strongly connected components of the graph with an edge s -> u whenever
 *    M(s,u) >= M(u,s) (ties give edges both ways). Between two components every pair is a
 *    strict majority in the same direction, so stable-sorting any order by component never
 *    loses agreement and strictly gains if it moves a pair: every optimal order lists the
 *    components in condensation order, and each component can be solved alone.
 * 2. Solve each component: dynamic programming over subsets up to DP_MAX systems; beyond,
 *    a depth-first branch and bound over prefixes (memoised by prefix set) with the bound
 *    "loss so far + fractional 3-cycle packing of the systems left", seeded by an insertion
 *    local search. Past the time budget the best order found is returned with exact = false.
 * Work is done in terms of loss(pi) = T - A(pi) with T = sum over pairs of max(M(s,u), M(u,s)):
 * the sum of the margins of the majorities that pi reverses.
 */
import { solveComponentLp } from "./kemeny-lp.ts";
import type { LinearSolver } from "./lp.ts";
import { tied } from "./ranks.ts";

export interface KemenyResult {
  /** System indices, best first. */
  order: number[];
  /** A(order). */
  agreement: number;
  /** True when order is proven optimal. */
  exact: boolean;
  /** Proven upper bound on the optimum (equals agreement when exact). */
  upperBound: number;
}

/**
 * Adjacent pairs [a, b] of `order` with zero margin (M(a,b) = M(b,a), tolerance of `tied`):
 * swapping such a pair changes the agreement by M(b,a) - M(a,b) = 0, so the optimum is not unique.
 */
export function swappableNeighbours(M: Float64Array, n: number, order: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p + 1 < order.length; p++) {
    const a = order[p];
    const b = order[p + 1];
    if (tied(M[a * n + b], M[b * n + a])) out.push([a, b]);
  }
  return out;
}

export interface KemenyOptions {
  /** Time budget for proofs, default 2000 ms. */
  budgetMs?: number;
  /** Clock, default performance.now / Date.now. */
  now?: () => number;
  /** Largest component solved by subset DP (default 20). */
  dpMax?: number;
  /**
   * Optional LP/MIP solver (ranking/lp.ts; the server and CLI pass HiGHS, service/kemeny-solver.ts).
   * Components beyond dpMax that the branch and bound does not prove within a short slice
   * (1/20 of the budget) go to the linear ordering ILP with lazy 3-cycle cuts (kemeny-lp.ts).
   * The solver gets the remaining budget as a wall-clock limit. On solver failure: branch and bound.
   */
  lpSolver?: LinearSolver;
  /** With lpSolver: the branch-and-bound slice tried first, in clock units (default budgetMs / 20; 0: none). */
  bbSliceMs?: number;
  /**
   * The clock reading the budget counts from (default: now() when solveKemeny is called), so that
   * work done before the call (building the pairwise matrix) counts against the budget too.
   */
  startedAt?: number;
}

export const DEFAULT_KEMENY_BUDGET_MS = 2000;
/**
 * Largest component given to the LP/MIP solver: it has k(k-1)/2 columns and each cut round scans
 * the k^3/6 triangles, so beyond this the solver rarely proves anything within a budget and its
 * memory grows; larger components get the local search and the bound of the branch and bound.
 */
export const KEMENY_LP_MAX_SYSTEMS = 250;
/**
 * Largest component searched by branch and bound (its 3-cycle packing bound is O(k^3)). Beyond
 * it, the iterated local search uses the whole budget and the bound is the trivial one.
 */
export const KEMENY_BB_MAX_SYSTEMS = 300;
/**
 * Work units (inner-loop steps, a few nanoseconds each) between two clock reads inside a long
 * loop. The loops also read the clock at their usual points (a local-search pass, 1024 branch
 * and bound nodes) and the count restarts there, so these extra reads only happen on large
 * components: small ones consume a step clock exactly as before, and on large ones a step
 * stands for a bounded amount of work.
 */
export const WORK_PER_CLOCK_READ = 1 << 18;
/** Work units per position scanned by an insertion move (a row read and a column read, often a cache miss). */
const MOVE_COST = 4;
/** Branch-and-bound memo: about this many bytes at most (keys are k/16 UTF-16 units). */
const MEMO_BYTES = 160 * 2 ** 20;
/** Subset-DP work (k 2^k per component) between two clock reads: past the deadline, further DPs are skipped. */
const DP_WORK_PER_CLOCK_READ = 1 << 22;

export const defaultNow = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** A(order) = sum over pairs s above u of M(s,u). */
export function kemenyAgreement(M: Float64Array, n: number, order: ArrayLike<number>): number {
  let a = 0;
  for (let i = 0; i < order.length; i++) {
    const row = order[i] * n;
    for (let j = i + 1; j < order.length; j++) a += M[row + order[j]];
  }
  return a;
}

/** Tile edge for the passes that read M(s,u) and M(u,s) together (keeps both tiles in cache). */
const TILE = 64;

/**
 * The margins of every pair, P[s*n+u] = max(0, d(s,u)): how much s beats u by (0 when tied
 * within tolerance or beaten), and the trivial bound T = sum over pairs of max(M(s,u), M(u,s)).
 * One tiled pass over M.
 */
export function marginMatrix(M: Float64Array, n: number): { P: Float64Array; trivial: number } {
  const P = new Float64Array(n * n);
  let trivial = 0;
  for (let s0 = 0; s0 < n; s0 += TILE)
    for (let u0 = s0; u0 < n; u0 += TILE) {
      const s1 = Math.min(n, s0 + TILE);
      const u1 = Math.min(n, u0 + TILE);
      for (let s = s0; s < s1; s++)
        for (let u = Math.max(u0, s + 1); u < u1; u++) {
          const a = M[s * n + u];
          const b = M[u * n + s];
          trivial += Math.max(a, b);
          if (tied(a, b)) continue;
          if (a > b) P[s * n + u] = a - b;
          else P[u * n + s] = b - a;
        }
    }
  return { P, trivial };
}

/** Components of the ">= majority" graph in condensation order (first component beats all later ones). */
export function majorityComponents(M: Float64Array, n: number): number[][] {
  return componentsOfMargins(marginMatrix(M, n).P, n);
}

/**
 * Strongly connected components of the graph with s -> u whenever u does not strictly beat s
 * (P[u][s] = 0), listed in condensation order. Tarjan runs on the reverse graph (v -> u when
 * P[v][u] = 0: rows of P are read in order), whose components are the same and come out
 * sinks-first, i.e. sources-first for the original graph. Every pair has an arc one way or the
 * other, so that order is total and unique. Each component is sorted.
 */
function componentsOfMargins(P: Float64Array, n: number): number[][] {
  // Iterative Tarjan over the dense graph.
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const comps: number[][] = [];
  const next = new Int32Array(n);
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    const call: number[] = [root];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    next[root] = 0;
    while (call.length) {
      const v = call[call.length - 1];
      if (next[v] < n) {
        const u = next[v]++;
        if (u === v || P[v * n + u] !== 0) continue;
        if (index[u] < 0) {
          index[u] = low[u] = counter++;
          stack.push(u);
          onStack[u] = 1;
          next[u] = 0;
          call.push(u);
        } else if (onStack[u] && index[u] < low[v]) low[v] = index[u];
        continue;
      }
      call.pop();
      if (call.length) {
        const p = call[call.length - 1];
        if (low[v] < low[p]) low[p] = low[v];
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        comp.sort((a, b) => a - b);
        comps.push(comp);
      }
    }
  }
  return comps;
}

/** Sub-problem over k systems: D[i*k+j] = max(0, d(i,j)), the loss when j is placed above i. */
export interface Sub {
  k: number;
  D: Float64Array;
}

export function subProblem(M: Float64Array, n: number, members: number[]): Sub {
  return marginsOf(marginMatrix(M, n).P, n, members);
}

/** The component's block of the margins P (members ascending). */
function marginsOf(P: Float64Array, n: number, members: number[]): Sub {
  const k = members.length;
  const D = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const row = members[i] * n;
    for (let j = 0; j < k; j++) D[i * k + j] = P[row + members[j]];
  }
  return { k, D };
}

/**
 * The same block built in P's own storage, which it overwrites (P is not read afterwards):
 * entry (i, j) moves from members[i] * n + members[j] to i * k + j, never forward, so a
 * forward pass reads every entry before it is overwritten.
 */
function marginsInPlace(P: Float64Array, n: number, members: number[]): Sub {
  const k = members.length;
  for (let i = 0; i < k; i++) {
    const row = members[i] * n;
    for (let j = 0; j < k; j++) P[i * k + j] = P[row + members[j]];
  }
  return { k, D: P.subarray(0, k * k) };
}

/** W[i*k+j] = M(s_i, s_j) over the members (the subset DP's input; only built for small components). */
export function subWeights(M: Float64Array, n: number, members: number[]): Float64Array {
  const k = members.length;
  const W = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) W[i * k + j] = M[members[i] * n + members[j]];
  return W;
}

/** Loss of an order: the margins it reverses, D[later][earlier] summed row by row (one row of D per system). */
export function orderLoss(sub: Sub, order: ArrayLike<number>): number {
  const { k, D } = sub;
  let loss = 0;
  for (let j = 1; j < order.length; j++) {
    const row = order[j] * k;
    for (let i = 0; i < j; i++) loss += D[row + order[i]];
  }
  return loss;
}

/** Exact subset DP: O(k 2^k) time, 2^k doubles of memory. Returns local indices best first. */
export function kemenyDp(sub: { k: number; W: Float64Array }): number[] {
  const { k, W } = sub;
  const full = (1 << k) >>> 0;
  const f = new Float64Array(full);
  const last = new Uint8Array(full);
  // stack[d] = column sums over the top d set bits of the current subset
  const stack = new Float64Array((k + 1) * k);
  for (let S = 1; S < full; S++) {
    const p = 31 - Math.clz32(S & -S); // lowest set bit: bits above p are shared with S - 1's prefix
    let above = 0;
    for (let x = S >>> (p + 1); x; x &= x - 1) above++;
    const src = above * k;
    const dst = src + k;
    const row = p * k;
    for (let v = 0; v < k; v++) stack[dst + v] = stack[src + v] + W[row + v];
    // f(S) = max over v in S of f(S \ v) + sum_{s in S \ v} M(s, v)
    let best = -Infinity;
    let arg = 0;
    for (let x = S; x; x &= x - 1) {
      const v = 31 - Math.clz32(x & -x);
      const val = f[S ^ (1 << v)] + stack[dst + v];
      if (val > best) {
        best = val;
        arg = v;
      }
    }
    f[S] = best;
    last[S] = arg;
  }
  const order: number[] = [];
  for (let S = full - 1; S; S ^= 1 << last[S]) order.push(last[S]);
  return order.reverse();
}

/** Insertion local search: move single systems to their best position until no move helps (or the deadline). */
export function localSearch(sub: Sub, start: number[], deadline: number, now: () => number): number[] {
  const { k, D } = sub;
  const order = start.slice();
  let improved = true;
  while (improved && now() < deadline) {
    improved = false;
    let work = 0;
    for (let i = 0; i < k; i++) {
      if ((work += MOVE_COST * k) >= WORK_PER_CLOCK_READ) {
        work = 0;
        if (now() >= deadline) return order;
      }
      const v = order[i];
      // delta of moving v from position i to position j (loss change), scanning both ways
      let bestDelta = -1e-12;
      let bestJ = i;
      let delta = 0;
      for (let j = i - 1; j >= 0; j--) {
        const u = order[j];
        delta += D[u * k + v] - D[v * k + u]; // v jumps above u
        if (delta < bestDelta) {
          bestDelta = delta;
          bestJ = j;
        }
      }
      delta = 0;
      for (let j = i + 1; j < k; j++) {
        const u = order[j];
        delta += D[v * k + u] - D[u * k + v]; // v drops below u
        if (delta < bestDelta) {
          bestDelta = delta;
          bestJ = j;
        }
      }
      if (bestJ !== i) {
        order.splice(i, 1);
        order.splice(bestJ, 0, v);
        improved = true;
      }
    }
  }
  return order;
}

/**
 * Iterated local search (the LP path's primal heuristic): from the best order, perturb (a few
 * random single moves within a window), re-run the insertion local search, keep the result when
 * it is no worse (plateau moves allowed), return to the best order every so often. Deterministic
 * given the seed and the iteration count (xorshift); stops at `deadline`.
 */
export function iteratedLocalSearch(sub: Sub, start: number[], deadline: number, now: () => number, seed = 1): number[] {
  const { k } = sub;
  let best = localSearch(sub, start, deadline, now);
  if (k < 4) return best;
  let bestLoss = orderLoss(sub, best);
  let cur = best;
  let curLoss = bestLoss;
  seed = (Math.imul(seed, 0x9e3779b9) ^ 0x5bd1e995) | 1;
  const rnd = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const eps = 1e-9 * Math.max(1, bestLoss);
  const window = Math.max(3, Math.min(k - 1, Math.ceil(k / 4)));
  let work = 0;
  for (let it = 0, sinceBest = 0; ; it++, sinceBest++) {
    // every 8 iterations, or sooner when an iteration (a local search, O(k^2) a pass) is large
    if ((it & 7) === 0 || (work += MOVE_COST * k * k) >= WORK_PER_CLOCK_READ) {
      work = 0;
      if (now() >= deadline) break;
    }
    const next = cur.slice();
    const moves = 2 + rnd(3);
    for (let m = 0; m < moves; m++) {
      const i = rnd(k);
      const j = Math.max(0, Math.min(k - 1, i - window + rnd(2 * window + 1)));
      const [v] = next.splice(i, 1);
      next.splice(j, 0, v);
    }
    const cand = localSearch(sub, next, deadline, now);
    // a large component: a local search is long, and one cut short by the deadline is not worth scoring
    if (MOVE_COST * k * k >= WORK_PER_CLOCK_READ && now() >= deadline) break;
    const loss = orderLoss(sub, cand);
    if (loss <= curLoss + eps) {
      cur = cand;
      curLoss = loss;
      if (loss < bestLoss - eps) {
        best = cand;
        bestLoss = loss;
        sinceBest = 0;
      }
    }
    if (sinceBest > 0 && sinceBest % 200 === 0) {
      cur = best;
      curLoss = bestLoss;
    }
  }
  return best;
}

/**
 * Fractional packing of directed 3-cycles of the strict majority: y_c <= residual margins.
 * Every order reverses at least one arc of each 3-cycle, so the loss within any set R is at
 * least the sum of y_c over the packed cycles inside R.
 */
function cyclePacking(sub: Sub, deadline: number, now: () => number): { cycles: Int32Array; y: Float64Array; total: number } {
  const { k, D } = sub;
  const cyc: number[] = [];
  const ys: number[] = [];
  let total = 0;
  if (k > KEMENY_BB_MAX_SYSTEMS) return { cycles: new Int32Array(0), y: new Float64Array(0), total: 0 };
  const R = Float64Array.from(D);
  /** Pack as much of the directed cycle p -> q -> r -> p as the residual margins allow. */
  const take = (p: number, q: number, r: number) => {
    const y = Math.min(R[p * k + q], R[q * k + r], R[r * k + p]);
    if (y <= 0) return;
    R[p * k + q] -= y;
    R[q * k + r] -= y;
    R[r * k + p] -= y;
    cyc.push(p, q, r);
    ys.push(y);
    total += y;
  };
  let work = 0;
  // past the deadline, the cycles packed so far are still a valid packing
  pack: for (let a = 0; a < k; a++)
    for (let b = a + 1; b < k; b++) {
      if ((work += k - b) >= WORK_PER_CLOCK_READ) {
        work = 0;
        if (now() > deadline) break pack;
      }
      for (let c = b + 1; c < k; c++) {
        take(a, b, c);
        take(a, c, b);
      }
    }
  return { cycles: Int32Array.from(cyc), y: Float64Array.from(ys), total };
}

class Timeout extends Error {}

/** Branch and bound over prefixes. Returns the best order and whether the search finished. */
function branchAndBound(sub: Sub, incumbent: number[], deadline: number, now: () => number): { order: number[]; exact: boolean; lowerBoundLoss: number } {
  const { k, D } = sub;
  const pack = cyclePacking(sub, deadline, now);
  const vcycles: number[][] = Array.from({ length: k }, () => []);
  for (let c = 0; c < pack.y.length; c++) for (let j = 0; j < 3; j++) vcycles[pack.cycles[3 * c + j]].push(c);

  let bestOrder = incumbent.slice();
  let bestLoss = orderLoss(sub, bestOrder);
  const eps = 1e-9 * Math.max(1, bestLoss);
  if (bestLoss - pack.total <= eps) return { order: bestOrder, exact: true, lowerBoundLoss: pack.total };

  const inR = new Uint8Array(k).fill(1);
  // inLoss[v] = sum over u still unplaced of D[u][v]: the loss of placing v above all of them
  const inLoss = new Float64Array(k);
  for (let v = 0; v < k; v++) for (let u = 0; u < k; u++) inLoss[v] += D[u * k + v];
  let cycLB = pack.total;
  const prefix: number[] = [];
  const words = Math.ceil(k / 16);
  const bits = new Uint16Array(words);
  const memo = new Map<string, number>();
  // (an entry: the key string, the Map slot and a boxed double)
  const MEMO_MAX = Math.min(2_000_000, Math.floor(MEMO_BYTES / (2 * words + 72)));
  let nodes = 0;
  let work = 0;
  const rank = new Int32Array(k);
  incumbent.forEach((v, i) => (rank[v] = i));

  const removeCycles = (v: number): number => {
    work += vcycles[v].length;
    let sub = 0;
    for (const c of vcycles[v]) {
      const a = pack.cycles[3 * c];
      const b = pack.cycles[3 * c + 1];
      const d = pack.cycles[3 * c + 2];
      if (inR[a] && inR[b] && inR[d]) sub += pack.y[c];
    }
    return sub;
  };

  const dfs = (loss: number, depth: number, lastV: number): void => {
    // every 1024 nodes, or sooner when nodes are large (O(k) each, plus the packed cycles of each candidate)
    if ((++nodes & 1023) === 0 || (work += k) >= WORK_PER_CLOCK_READ) {
      work = 0;
      if (now() > deadline) throw new Timeout();
    }
    if (depth === k) {
      if (loss < bestLoss - eps) {
        bestLoss = loss;
        bestOrder = prefix.slice();
      }
      return;
    }
    // candidates: unplaced v, not strictly beaten by the previous system (else swapping them helps)
    const cand: number[] = [];
    for (let v = 0; v < k; v++) if (inR[v] && (lastV < 0 || D[v * k + lastV] === 0)) cand.push(v);
    cand.sort((a, b) => inLoss[a] - inLoss[b] || rank[a] - rank[b]);
    for (const v of cand) {
      const inc = inLoss[v];
      const cycV = removeCycles(v);
      if (loss + inc + cycLB - cycV >= bestLoss - eps) continue;
      inR[v] = 0;
      bits[v >> 4] |= 1 << (v & 15);
      const key = String.fromCharCode(...bits);
      const seen = memo.get(key);
      const newLoss = loss + inc;
      if (seen === undefined || newLoss < seen - eps) {
        if (seen !== undefined || memo.size < MEMO_MAX) memo.set(key, newLoss);
        for (let u = 0; u < k; u++) if (inR[u]) inLoss[u] -= D[v * k + u];
        cycLB -= cycV;
        prefix.push(v);
        try {
          dfs(newLoss, depth + 1, v);
        } finally {
          prefix.pop();
          cycLB += cycV;
          for (let u = 0; u < k; u++) if (inR[u]) inLoss[u] += D[v * k + u];
        }
      }
      inR[v] = 1;
      bits[v >> 4] &= ~(1 << (v & 15));
    }
  };
  try {
    dfs(0, 0, -1);
    return { order: bestOrder, exact: true, lowerBoundLoss: bestLoss };
  } catch (e) {
    if (!(e instanceof Timeout)) throw e;
    return { order: bestOrder, exact: false, lowerBoundLoss: pack.total };
  }
}

/** Seed order: by net pairwise margin (Borda over M), best first. */
export function seedOrder(sub: Sub): number[] {
  const { k, D } = sub;
  const net = new Float64Array(k);
  // tiled so that D[j][i] is read from cache; each net[i] still sums over j in increasing order
  for (let i0 = 0; i0 < k; i0 += TILE)
    for (let j0 = 0; j0 < k; j0 += TILE) {
      const i1 = Math.min(k, i0 + TILE);
      const j1 = Math.min(k, j0 + TILE);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) net[i] += D[i * k + j] - D[j * k + i];
    }
  return Array.from({ length: k }, (_, i) => i).sort((a, b) => net[b] - net[a] || a - b);
}

/** The clock, the deadline and the per-solve settings shared by every component. */
interface SolveContext {
  deadline: number;
  now: () => number;
  dpMax: number;
  lpSolver: LinearSolver | undefined;
  /** Branch-and-bound slice before the LP (lpSolver only). */
  slice: number;
  /** True while the subset DP may run: reads the clock once per DP_WORK_PER_CLOCK_READ of DP work. */
  dpAllowed: (k: number) => boolean;
}

interface ComponentResult {
  order: number[];
  exact: boolean;
  lossLB: number;
}

/** One component: `sub` holds its margins, `members` its systems in M (for the subset DP's weights). */
function solveComponent(sub: Sub, M: Float64Array, n: number, members: number[], ctx: SolveContext): ComponentResult {
  const { k } = sub;
  if (k === 1) return { order: [0], exact: true, lossLB: 0 };
  if (k <= ctx.dpMax && ctx.dpAllowed(k)) {
    const order = kemenyDp({ k, W: subWeights(M, n, members) });
    return { order, exact: true, lossLB: orderLoss(sub, order) };
  }
  const { deadline, now, lpSolver, slice } = ctx;
  let seeded = localSearch(sub, seedOrder(sub), deadline, now);
  if (k > KEMENY_BB_MAX_SYSTEMS) return largeComponent(sub, seeded, ctx);
  if (lpSolver) {
    // A good incumbent first (iterated local search, a quarter of the slice, at most 50 ms), then a
    // short branch and bound (it proves easy components fastest), then the ILP.
    seeded = iteratedLocalSearch(sub, seeded, Math.min(deadline, now() + Math.min(50, slice / 4)), now);
    const bb = slice > 0 ? branchAndBound(sub, seeded, Math.min(deadline, now() + slice), now) : { order: seeded, exact: false, lowerBoundLoss: 0 };
    if (bb.exact) return { order: bb.order, exact: true, lossLB: bb.lowerBoundLoss };
    if (k <= KEMENY_LP_MAX_SYSTEMS) {
      const lp = solveWithLp(sub, bb.order, lpSolver, deadline, now);
      if (lp) return { order: lp.order, exact: lp.exact, lossLB: Math.max(lp.lossLB, bb.lowerBoundLoss) };
    }
    // Solver failure, or a component too large for it: the branch and bound with what is left of the budget.
  }
  const bb = branchAndBound(sub, seeded, deadline, now);
  return { order: bb.order, exact: bb.exact, lossLB: bb.lowerBoundLoss };
}

/** The LP/MIP path (kemeny-lp.ts) with this component's heuristics; null on solver failure. */
function solveWithLp(sub: Sub, incumbent: number[], lpSolver: LinearSolver, deadline: number, now: () => number): ComponentResult | null {
  let searches = 1;
  return solveComponentLp(
    sub.k,
    sub.D,
    incumbent,
    (order) => localSearch(sub, order, deadline, now),
    (order, until) => iteratedLocalSearch(sub, order, Math.min(until, deadline), now, ++searches),
    (order) => orderLoss(sub, order),
    lpSolver,
    deadline,
    now,
  );
}

/**
 * A component beyond KEMENY_BB_MAX_SYSTEMS: no bound beyond the trivial one is affordable, so the
 * whole budget goes to the iterated local search. Exact only when the order reverses no majority.
 */
function largeComponent(sub: Sub, seeded: number[], ctx: SolveContext): ComponentResult {
  const order = iteratedLocalSearch(sub, seeded, ctx.deadline, ctx.now);
  const loss = orderLoss(sub, order);
  return { order, exact: loss === 0, lossLB: 0 };
}

export function solveKemeny(M: Float64Array, n: number, options: KemenyOptions = {}): KemenyResult {
  const now = options.now ?? defaultNow;
  const budgetMs = options.budgetMs ?? DEFAULT_KEMENY_BUDGET_MS;
  const deadline = (options.startedAt ?? now()) + budgetMs;
  let dpWork = 0;
  const ctx: SolveContext = {
    deadline,
    now,
    dpMax: Math.min(options.dpMax ?? 20, 24),
    lpSolver: options.lpSolver,
    slice: options.bbSliceMs ?? budgetMs / 20,
    dpAllowed: (k) => {
      if ((dpWork += k * 2 ** k) < DP_WORK_PER_CLOCK_READ) return true;
      dpWork = 0;
      return now() < deadline;
    },
  };
  const { P, trivial } = marginMatrix(M, n);
  const comps = componentsOfMargins(P, n);
  // every component's margins are copied out of P, except the largest one's, built in P itself
  let largest = 0;
  comps.forEach((c, i) => c.length > comps[largest].length && (largest = i));
  const subs = comps.map((c, i) => (i === largest ? null : marginsOf(P, n, c)));
  if (comps.length) subs[largest] = marginsInPlace(P, n, comps[largest]);
  const order: number[] = [];
  let exact = true;
  let lossLB = 0;
  for (const [i, comp] of comps.entries()) {
    const r = solveComponent(subs[i]!, M, n, comp, ctx);
    subs[i] = null;
    exact &&= r.exact;
    lossLB += r.lossLB;
    for (const i of r.order) order.push(comp[i]);
  }
  const agreement = kemenyAgreement(M, n, order);
  return { order, agreement, exact, upperBound: exact ? agreement : Math.max(agreement, trivial - lossLB) };
}
