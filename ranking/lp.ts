/**
 * The linear-programming solver interface the Kemeny solver can use (ranking/kemeny-lp.ts).
 * `ranking/` never loads a solver itself (it stays pure and synchronous): a host that has one
 * (the Node server and CLI load HiGHS compiled to WebAssembly, service/kemeny-solver.ts) passes
 * it in as `KemenyOptions.lpSolver`. Without one, Kemeny uses its own branch and bound.
 */

/** minimise offset + cost . x over colLower <= x <= colUpper; rows are added to the session. */
export interface LinearModel {
  numCols: number;
  cost: Float64Array;
  offset: number;
  colLower: Float64Array;
  colUpper: Float64Array;
}

/** Rows lower[r] <= sum_p value[p] x[index[p]] <= upper[r], p in starts[r]..starts[r+1] (CSR, indices ascending). */
export interface LinearRows {
  starts: Int32Array;
  index: Int32Array;
  value: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export interface SolveOptions {
  /** Every column integer (MIP) from now on. */
  integer: boolean;
  /** A feasible integer point to start the MIP from. */
  start?: Float64Array;
  /** Wall-clock limit for this solve, in seconds. */
  timeLimitSec: number;
  /** LP algorithm: dual simplex (default, warm-started) or interior point (then crossover). */
  method?: "simplex" | "ipm";
  /** MIP: stop once incumbent - bound <= this (absolute). */
  mipAbsGap?: number;
}

export interface LinearProgramResult {
  /** "optimal": x is optimal (to the solver's tolerances); "limit": stopped early (time, gap, ...). */
  status: "optimal" | "limit" | "infeasible" | "error";
  /** The LP optimum, or the MIP incumbent; absent when the solver has none. */
  x?: Float64Array;
  /** Objective value at x (including offset). */
  objective: number;
  /** A proven lower bound on the optimum (LP: the optimal objective; MIP: the dual bound), or -Infinity. */
  bound: number;
  /**
   * LP only: the row duals (one per row, in the order added), from which the caller can compute a
   * bound that holds whatever the solver's tolerances (a Lagrangian bound, ranking/kemeny-lp.ts).
   */
  rowDual?: Float64Array;
}

/**
 * One model kept in the solver between solves, so that adding rows and re-solving warm-starts
 * (cutting-plane rounds). Methods may throw on solver failure; the caller falls back.
 */
export interface LinearSession {
  addRows(rows: LinearRows): void;
  solve(options: SolveOptions): LinearProgramResult;
  /** Release the model (always called, also after a throw). */
  close(): void;
}

/** Synchronous LP/MIP solver. `open` returns null when the solver is unavailable. */
export interface LinearSolver {
  open(model: LinearModel): LinearSession | null;
}
