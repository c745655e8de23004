/**
 * Kemeny on one component with an injected LP/MIP solver (ranking/lp.ts): the linear ordering
 * integer program with lazily added 3-cycle (transitivity) constraints.
 *
 * Variables x_ij (i < j) in [0, 1], x_ij = 1 when i is above j. Loss (T - agreement) is
 * sum_{i<j} D(i,j) + (D(j,i) - D(i,j)) x_ij. An order is transitive iff every triple a < b < c has
 * 0 <= x_ab - x_ac + x_bc <= 1. Rounds: solve the LP with the triangle rows found so far, add
 * the violated ones, re-solve, until none is violated (the LP bound); every LP optimum (any row
 * subset) is a lower bound on the loss. Orders are read off x (sum of "above" weights, then the
 * insertion local search). If the best order does not meet the bound, the same model is solved as
 * a MIP (started from the best order), adding the triangles its solutions violate, until a
 * transitive optimum or the budget. The MIP dual bound is a lower bound too.
 *
 * Bounds are made safe for solver tolerances: subtract tol = 1e-7 * (cols + rows) + 1e-9 |L|
 * (the dual-feasibility tolerance times the box of x), then, when every margin is a multiple of a
 * grain g (1/2^e or 1/10^e, e.g. 0.5 for half-point ties), round up to a multiple of g: every
 * order's loss is such a multiple.
 */
import type { LinearProgramResult, LinearSession, LinearSolver } from "./lp.ts";

export interface LpComponentResult {
  order: number[];
  exact: boolean;
  /** Proven lower bound on the component's loss. */
  lossLB: number;
}

/** The grain g of D: all entries (near) integer multiples of g, or 0 if none of 1/2^e, 1/10^e fits. */
export function lossGrain(D: Float64Array): number {
  let max = 0;
  for (const v of D) max = Math.max(max, Math.abs(v));
  if (max === 0) return 1;
  const fits = (g: number) => {
    for (const v of D) {
      const q = v / g;
      if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) return false;
    }
    return true;
  };
  for (let e = 0; e <= 12; e++) if (fits(1 / 2 ** e)) return 1 / 2 ** e;
  for (let e = 1; e <= 6; e++) if (fits(1 / 10 ** e)) return 1 / 10 ** e;
  return 0;
}

/** An LP round slower than this (ms; degenerate warm re-solves) switches the later rounds to interior point. */
const SLOW_LP_MS = 150;
/** Triangles added per round that share one variable x_ij (spreads the cuts over the pairs). */
const CUTS_PER_PAIR = 3;

export function solveComponentLp(
  k: number,
  D: Float64Array,
  incumbent: number[],
  improve: (order: number[]) => number[],
  search: (order: number[], until: number) => number[],
  lossOf: (order: ArrayLike<number>) => number,
  solver: LinearSolver,
  deadline: number,
  now: () => number,
): LpComponentResult | null {
  const nc = (k * (k - 1)) / 2;
  const rowBase = new Int32Array(k);
  for (let i = 0; i < k; i++) rowBase[i] = i * k - (i * (i + 1)) / 2 - i - 1;
  const col = (i: number, j: number) => rowBase[i] + j; // i < j
  const cost = new Float64Array(nc);
  let offset = 0;
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      cost[col(i, j)] = D[j * k + i] - D[i * k + j];
      offset += D[i * k + j];
    }
  const grain = lossGrain(D);
  const triples: number[] = []; // a < b < c per row
  const seen = new Set<number>();

  let bestOrder = incumbent.slice();
  let bestLoss = lossOf(bestOrder);
  let lossLB = 0;
  const eps = () => 1e-9 * Math.max(1, bestLoss);
  const safeBound = (bound: number): number => {
    if (!Number.isFinite(bound)) return 0;
    const tol = 1e-7 * (nc + triples.length / 3) + 1e-9 * Math.abs(bound);
    const b = bound - tol;
    return grain > 0 ? Math.ceil(b / grain - 1e-9) * grain : b;
  };
  /** Order from a (fractional) x: by the number of systems each is above, then local search. */
  const consider = (x: Float64Array) => {
    const score = new Float64Array(k);
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        const v = x[col(i, j)];
        score[i] += v;
        score[j] += 1 - v;
      }
    lastLpOrder = improve(Array.from({ length: k }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b));
    offer(lastLpOrder);
    // A short iterated local search from the LP's order (LP-guided, a different start each round).
    if (!proven()) offer(search(lastLpOrder, now() + Math.min(10, (deadline - now()) / 20)));
  };
  let lastLpOrder = bestOrder;
  const offer = (order: number[]) => {
    const loss = lossOf(order);
    if (loss < bestLoss - eps()) {
      bestLoss = loss;
      bestOrder = order;
    }
  };
  const proven = () => bestLoss <= lossLB + eps();
  /**
   * Violated triangles of x, most violated first, at most `cap`, at most CUTS_PER_PAIR per pair
   * (ties in violation would otherwise pile thousands of cuts on the lowest indices). Returns how
   * many were added; 0 only when x violates no new triangle.
   */
  const addViolated = (x: Float64Array, cap: number): number => {
    const found: { t: number; v: number }[] = [];
    for (let a = 0; a < k; a++)
      for (let b = a + 1; b < k; b++) {
        const xab = x[col(a, b)];
        for (let c = b + 1; c < k; c++) {
          const s = xab - x[col(a, c)] + x[col(b, c)];
          const v = s > 1 ? s - 1 : -s;
          if (v > 1e-6) found.push({ t: (a * k + b) * k + c, v });
        }
      }
    found.sort((p, q) => q.v - p.v || p.t - q.t);
    let added = 0;
    const uses = new Uint8Array(nc);
    for (const { t } of found) {
      if (added >= cap) break;
      if (seen.has(t)) continue;
      const a = Math.floor(t / (k * k)), b = Math.floor(t / k) % k, c = t % k;
      const p1 = col(a, b);
      const p2 = col(a, c);
      const p3 = col(b, c);
      if (uses[p1] >= CUTS_PER_PAIR || uses[p2] >= CUTS_PER_PAIR || uses[p3] >= CUTS_PER_PAIR) continue;
      uses[p1]++;
      uses[p2]++;
      uses[p3]++;
      seen.add(t);
      triples.push(a, b, c);
      added++;
    }
    return added;
  };
  let pushed = 0; // triples already passed to the session
  const pushRows = (session: LinearSession) => {
    const rows = triples.length / 3 - pushed;
    if (rows <= 0) return;
    const starts = new Int32Array(rows + 1);
    const index = new Int32Array(3 * rows);
    const value = new Float64Array(3 * rows);
    for (let r = 0; r < rows; r++) {
      const a = triples[3 * (pushed + r)];
      const b = triples[3 * (pushed + r) + 1];
      const c = triples[3 * (pushed + r) + 2];
      starts[r + 1] = 3 * r + 3;
      index[3 * r] = col(a, b);
      value[3 * r] = 1;
      index[3 * r + 1] = col(a, c);
      value[3 * r + 1] = -1;
      index[3 * r + 2] = col(b, c);
      value[3 * r + 2] = 1;
    }
    session.addRows({ starts, index, value, lower: new Float64Array(rows), upper: new Float64Array(rows).fill(1) });
    pushed += rows;
  };
  const xOf = (order: number[]): Float64Array => {
    const pos = new Int32Array(k);
    order.forEach((v, p) => (pos[v] = p));
    const x = new Float64Array(nc);
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) x[col(i, j)] = pos[i] < pos[j] ? 1 : 0;
    return x;
  };
  const cap = Math.max(500, 40 * k);

  let session: LinearSession | null = null;
  let useIpm = false;
  /** One solve with the rows so far; null on solver failure. */
  const solve = (integer: boolean): LinearProgramResult | null => {
    try {
      pushRows(session!);
      const t0 = now();
      const r = session!.solve({
        integer,
        method: !integer && useIpm ? "ipm" : undefined,
        start: integer ? xOf(bestOrder) : undefined,
        timeLimitSec: Math.max(0.001, (deadline - now()) / 1000),
        mipAbsGap: grain > 0 ? grain / 2 : 0,
      });
      if (!integer && now() - t0 > SLOW_LP_MS) useIpm = true;
      return r.status === "error" || r.status === "infeasible" ? null : r;
    } catch {
      return null;
    }
  };
  try {
    session = solver.open({ numCols: nc, cost, offset, colLower: new Float64Array(nc), colUpper: new Float64Array(nc).fill(1) });
  } catch {
    session = null;
  }
  if (!session) return null;
  try {
    // LP rounds.
    let lpDone = false;
    while (now() < deadline) {
      const r = solve(false);
      if (!r) return lossLB > 0 ? { order: bestOrder, exact: proven(), lossLB } : null;
      if (r.status !== "optimal" || !r.x) break;
      lossLB = Math.max(lossLB, safeBound(r.bound));
      consider(r.x);
      if (proven()) return { order: bestOrder, exact: true, lossLB };
      if (addViolated(r.x, cap) === 0) {
        lpDone = true;
        break;
      }
    }
    // The LP bound is as good as it gets: search harder for an order that meets it before the MIP.
    if (lpDone && !proven()) {
      const slice = Math.min(100, (deadline - now()) / 16);
      offer(search(lastLpOrder, now() + slice));
      if (!proven()) offer(search(bestOrder, now() + slice));
      if (proven()) return { order: bestOrder, exact: true, lossLB };
    }
    // MIP rounds on the same rows.
    while (lpDone && now() < deadline) {
      const r = solve(true);
      if (!r) break;
      lossLB = Math.max(lossLB, safeBound(r.bound));
      if (r.x) consider(r.x);
      if (proven()) return { order: bestOrder, exact: true, lossLB };
      if (r.status !== "optimal" || !r.x) break;
      if (addViolated(r.x, cap) === 0) break; // a transitive optimum that is not "proven": tolerance trouble; stop
    }
    return { order: bestOrder, exact: proven(), lossLB };
  } finally {
    try {
      session.close();
    } catch {
      // ignore: the solver host replaces a broken runtime
    }
  }
}
