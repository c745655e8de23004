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
 * order's loss is such a multiple. An LP round also gives the Lagrangian bound of its row duals
 * (`dualBound`: valid for any multipliers, so it needs no tolerance margin, only the rounding
 * error of its own sums): with fine weights (0.3333: g = 5e-5, below the margin) that is what
 * closes the gap. A MIP round whose optimum is transitive closes it when the solver's own bound
 * (its gap is g / 2) rounds up to the incumbent.
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
/** Triangle-scan work (triples looked at) between two clock reads. */
const SCAN_PER_CLOCK_READ = 1 << 20;

/** The component's heuristics and clock, as solveComponentLp's caller provides them. */
interface LpContext {
  /** Insertion local search from an order. */
  improve: (order: number[]) => number[];
  /** Iterated local search from an order until a clock reading. */
  search: (order: number[], until: number) => number[];
  lossOf: (order: ArrayLike<number>) => number;
  deadline: number;
  now: () => number;
}

/**
 * The linear ordering model: columns x_ij (i < j), the loss as offset + cost . x, and the
 * triangle rows found so far (a < b < c per row), of which `pushed` are in the solver session.
 */
export class OrderingModel {
  readonly nc: number;
  readonly cost: Float64Array;
  readonly offset: number;
  readonly grain: number;
  readonly triples: number[] = [];
  private readonly seen = new Set<number>();
  private readonly rowBase: Int32Array;
  private pushed = 0;

  constructor(
    readonly k: number,
    D: Float64Array,
  ) {
    this.nc = (k * (k - 1)) / 2;
    this.rowBase = new Int32Array(k);
    for (let i = 0; i < k; i++) this.rowBase[i] = i * k - (i * (i + 1)) / 2 - i - 1;
    this.cost = new Float64Array(this.nc);
    let offset = 0;
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        this.cost[this.col(i, j)] = D[j * k + i] - D[i * k + j];
        offset += D[i * k + j];
      }
    this.offset = offset;
    this.grain = lossGrain(D);
  }

  /** Column of x_ij, i < j. */
  col(i: number, j: number): number {
    return this.rowBase[i] + j;
  }

  /** A solver bound made safe for its tolerances, rounded up to the grain of the losses. */
  safeBound(bound: number): number {
    if (!Number.isFinite(bound)) return 0;
    const tol = 1e-7 * (this.nc + this.triples.length / 3) + 1e-9 * Math.abs(bound);
    const b = bound - tol;
    return this.grain > 0 ? Math.ceil(b / this.grain - 1e-9) * this.grain : b;
  }

  /**
   * A lower bound on the LP optimum (so on every order's loss) from ANY row multipliers y, exact
   * up to floating-point rounding, which is bounded and subtracted: for x in [0, 1]^nc with
   * 0 <= A x <= 1, c.x >= sum_j min(0, (c - A'y)_j) + sum_r min(0, y_r) (the Lagrangian
   * relaxation). With the solver's duals it is the LP optimum up to the duals' accuracy, without
   * the tolerance margin safeBound must keep. Tried with y and -y (either sign convention).
   */
  dualBound(y: Float64Array): number {
    const rows = this.triples.length / 3;
    if (y.length !== rows) return -Infinity;
    let best = -Infinity;
    const r = new Float64Array(this.nc);
    for (const sign of [1, -1]) {
      r.set(this.cost);
      let bound = this.offset;
      let size = Math.abs(this.offset);
      for (let q = 0; q < rows; q++) {
        const v = sign * y[q];
        if (v === 0) continue;
        const a = this.triples[3 * q], b = this.triples[3 * q + 1], c = this.triples[3 * q + 2];
        r[this.col(a, b)] -= v;
        r[this.col(a, c)] += v;
        r[this.col(b, c)] -= v;
        if (v < 0) bound += v;
        size += 4 * Math.abs(v);
      }
      for (let j = 0; j < this.nc; j++) {
        if (r[j] < 0) bound += r[j];
        size += Math.abs(this.cost[j]) + Math.abs(r[j]);
      }
      // each of the ~(nc + 4 rows) additions errs by at most an ulp of the running sums (<= size)
      const err = 2.3e-16 * (this.nc + 4 * rows + 8) * size;
      if (Number.isFinite(bound)) best = Math.max(best, bound - err);
    }
    return best;
  }

  /** A bound rounded up to the grain of the losses (every order's loss is a multiple of it). */
  roundUp(bound: number): number {
    if (!Number.isFinite(bound)) return 0;
    return this.grain > 0 ? Math.ceil(bound / this.grain - 1e-9) * this.grain : bound;
  }

  /** The 0/1 point of an order. */
  xOf(order: number[]): Float64Array {
    const { k } = this;
    const pos = new Int32Array(k);
    order.forEach((v, p) => (pos[v] = p));
    const x = new Float64Array(this.nc);
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) x[this.col(i, j)] = pos[i] < pos[j] ? 1 : 0;
    return x;
  }

  /** Systems by how much of the others each is above in a (fractional) x, best first. */
  orderOf(x: Float64Array): number[] {
    const { k } = this;
    const score = new Float64Array(k);
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        const v = x[this.col(i, j)];
        score[i] += v;
        score[j] += 1 - v;
      }
    return Array.from({ length: k }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  }

  /** Passes the rows added since the last call to the session. */
  pushRows(session: LinearSession): void {
    const { triples } = this;
    const rows = triples.length / 3 - this.pushed;
    if (rows <= 0) return;
    const starts = new Int32Array(rows + 1);
    const index = new Int32Array(3 * rows);
    const value = new Float64Array(3 * rows);
    for (let r = 0; r < rows; r++) {
      const a = triples[3 * (this.pushed + r)];
      const b = triples[3 * (this.pushed + r) + 1];
      const c = triples[3 * (this.pushed + r) + 2];
      starts[r + 1] = 3 * r + 3;
      index[3 * r] = this.col(a, b);
      value[3 * r] = 1;
      index[3 * r + 1] = this.col(a, c);
      value[3 * r + 1] = -1;
      index[3 * r + 2] = this.col(b, c);
      value[3 * r + 2] = 1;
    }
    session.addRows({ starts, index, value, lower: new Float64Array(rows), upper: new Float64Array(rows).fill(1) });
    this.pushed += rows;
  }

  /** Records triangle a < b < c as a row unless it already is one. */
  addTriangle(t: number): boolean {
    if (this.seen.has(t)) return false;
    const { k } = this;
    this.seen.add(t);
    this.triples.push(Math.floor(t / (k * k)), Math.floor(t / k) % k, t % k);
    return true;
  }
}

/**
 * Cut separation: the triangles x violates, most violated first, at most `cap` new rows, at
 * most CUTS_PER_PAIR per pair (ties in violation would otherwise pile thousands of cuts on the
 * lowest indices). `complete` is false when the deadline cut the O(k^3) scan short (the rows
 * added are still valid cuts); otherwise added = 0 means x violates no new triangle.
 */
function separateTriangles(model: OrderingModel, x: Float64Array, cap: number, deadline: number, now: () => number): { added: number; complete: boolean } {
  const { k, nc } = model;
  const found: { t: number; v: number }[] = [];
  let work = 0;
  let complete = true;
  scan: for (let a = 0; a < k; a++)
    for (let b = a + 1; b < k; b++) {
      if ((work += k - b) >= SCAN_PER_CLOCK_READ) {
        work = 0;
        if (now() >= deadline) {
          complete = false;
          break scan;
        }
      }
      const xab = x[model.col(a, b)];
      for (let c = b + 1; c < k; c++) {
        const s = xab - x[model.col(a, c)] + x[model.col(b, c)];
        const v = s > 1 ? s - 1 : -s;
        if (v > 1e-6) found.push({ t: (a * k + b) * k + c, v });
      }
    }
  found.sort((p, q) => q.v - p.v || p.t - q.t);
  let added = 0;
  const uses = new Uint8Array(nc);
  for (const { t } of found) {
    if (added >= cap) break;
    const a = Math.floor(t / (k * k)), b = Math.floor(t / k) % k, c = t % k;
    const p1 = model.col(a, b);
    const p2 = model.col(a, c);
    const p3 = model.col(b, c);
    if (uses[p1] >= CUTS_PER_PAIR || uses[p2] >= CUTS_PER_PAIR || uses[p3] >= CUTS_PER_PAIR) continue;
    if (!model.addTriangle(t)) continue;
    uses[p1]++;
    uses[p2]++;
    uses[p3]++;
    added++;
  }
  return { added, complete };
}

/** The best order so far, the proven lower bound on the loss, and the last order read off an LP. */
class Incumbent {
  bestOrder: number[];
  bestLoss: number;
  lossLB = 0;
  lastLpOrder: number[];

  constructor(
    order: number[],
    private readonly ctx: LpContext,
  ) {
    this.bestOrder = order.slice();
    this.bestLoss = ctx.lossOf(this.bestOrder);
    this.lastLpOrder = this.bestOrder;
  }

  private eps(): number {
    return 1e-9 * Math.max(1, this.bestLoss);
  }

  offer(order: number[]): void {
    const loss = this.ctx.lossOf(order);
    if (loss < this.bestLoss - this.eps()) {
      this.bestLoss = loss;
      this.bestOrder = order;
    }
  }

  proven(): boolean {
    return this.bestLoss <= this.lossLB + this.eps();
  }

  /** An order from a (fractional) x: read off, improved, then a short iterated local search from it. */
  consider(model: OrderingModel, x: Float64Array): void {
    const { ctx } = this;
    this.lastLpOrder = ctx.improve(model.orderOf(x));
    this.offer(this.lastLpOrder);
    // LP-guided: a different start each round
    if (!this.proven()) this.offer(ctx.search(this.lastLpOrder, ctx.now() + Math.min(10, (ctx.deadline - ctx.now()) / 20)));
  }

  result(exact = this.proven()): LpComponentResult {
    return { order: this.bestOrder, exact, lossLB: this.lossLB };
  }
}

/** One warm-started solver session over the model: LP rounds (simplex, then interior point once slow) and MIP rounds. */
class LpSession {
  private useIpm = false;

  constructor(
    private readonly session: LinearSession,
    private readonly model: OrderingModel,
    private readonly ctx: LpContext,
  ) {}

  /** One solve with the rows so far; null on solver failure. */
  solve(integer: boolean, start: () => number[]): LinearProgramResult | null {
    const { ctx, model } = this;
    try {
      model.pushRows(this.session);
      const t0 = ctx.now();
      const r = this.session.solve({
        integer,
        method: !integer && this.useIpm ? "ipm" : undefined,
        start: integer ? model.xOf(start()) : undefined,
        timeLimitSec: Math.max(0.001, (ctx.deadline - ctx.now()) / 1000),
        mipAbsGap: model.grain > 0 ? model.grain / 2 : 0,
      });
      if (!integer && ctx.now() - t0 > SLOW_LP_MS) this.useIpm = true;
      return r.status === "error" || r.status === "infeasible" ? null : r;
    } catch {
      return null;
    }
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // ignore: the solver host replaces a broken runtime
    }
  }
}

type LpRoundsOutcome = "proven" | "lpDone" | "stopped" | "failed";

/** LP rounds: solve, read an order off x, add the violated triangles, until none is violated (lpDone). */
function lpRounds(lp: LpSession, model: OrderingModel, inc: Incumbent, cap: number, ctx: LpContext): LpRoundsOutcome {
  while (ctx.now() < ctx.deadline) {
    const r = lp.solve(false, () => inc.bestOrder);
    if (!r) return "failed";
    if (r.status !== "optimal" || !r.x) return "stopped";
    inc.lossLB = Math.max(inc.lossLB, model.safeBound(r.bound), r.rowDual ? model.roundUp(model.dualBound(r.rowDual)) : 0);
    inc.consider(model, r.x);
    if (inc.proven()) return "proven";
    const cuts = separateTriangles(model, r.x, cap, ctx.deadline, ctx.now);
    if (!cuts.complete) return "stopped";
    if (cuts.added === 0) return "lpDone";
  }
  return "stopped";
}

/** The LP bound is as good as it gets: search harder for an order that meets it (from the last LP order, then the best). */
function searchToLpBound(inc: Incumbent, ctx: LpContext): void {
  const slice = Math.min(100, (ctx.deadline - ctx.now()) / 16);
  inc.offer(ctx.search(inc.lastLpOrder, ctx.now() + slice));
  if (!inc.proven()) inc.offer(ctx.search(inc.bestOrder, ctx.now() + slice));
}

/** MIP rounds on the same rows, started from the best order, adding the triangles its solutions violate. */
function mipRounds(lp: LpSession, model: OrderingModel, inc: Incumbent, cap: number, ctx: LpContext): void {
  while (ctx.now() < ctx.deadline) {
    const r = lp.solve(true, () => inc.bestOrder);
    if (!r) return;
    inc.lossLB = Math.max(inc.lossLB, model.safeBound(r.bound));
    if (r.x) inc.consider(model, r.x);
    if (inc.proven()) return;
    if (r.status !== "optimal" || !r.x) return;
    const cuts = separateTriangles(model, r.x, cap, ctx.deadline, ctx.now);
    if (cuts.complete && cuts.added === 0) {
      // A transitive MIP optimum, within the solver's gap (grain / 2) of its dual bound, left
      // unproven only by safeBound's tolerance margin (fine weights such as 0.3333 make the
      // grain smaller than that margin): accept the solver's own bound when it rounds up to the
      // incumbent at the grain of the losses.
      if (model.grain > 0) inc.lossLB = Math.max(inc.lossLB, Math.min(inc.bestLoss, model.roundUp(r.bound - 1e-9 * Math.max(1, Math.abs(r.bound)))));
      return;
    }
    if (!cuts.complete) return;
  }
}

/**
 * Kemeny on one component through the solver: LP rounds with lazy triangle cuts, a harder
 * search once the LP bound is final, then MIP rounds. Null when the solver fails before any
 * bound was found (the caller falls back to its branch and bound).
 */
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
  const ctx: LpContext = { improve, search, lossOf, deadline, now };
  const model = new OrderingModel(k, D);
  const inc = new Incumbent(incumbent, ctx);
  const cap = Math.max(500, 40 * k);
  let session: LinearSession | null;
  try {
    session = solver.open({ numCols: model.nc, cost: model.cost, offset: model.offset, colLower: new Float64Array(model.nc), colUpper: new Float64Array(model.nc).fill(1) });
  } catch {
    session = null;
  }
  if (!session) return null;
  const lp = new LpSession(session, model, ctx);
  try {
    const rounds = lpRounds(lp, model, inc, cap, ctx);
    if (rounds === "failed") return inc.lossLB > 0 ? inc.result() : null;
    if (rounds === "proven") return inc.result(true);
    if (rounds === "lpDone") {
      if (!inc.proven()) searchToLpBound(inc, ctx);
      if (inc.proven()) return inc.result(true);
      mipRounds(lp, model, inc, cap, ctx);
      if (inc.proven()) return inc.result(true);
    }
    return inc.result();
  } finally {
    lp.close();
  }
}
