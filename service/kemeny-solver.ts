/**
 * HiGHS (the `highs` npm package: HiGHS compiled to WebAssembly) as the LP/MIP solver of exact
 * Kemeny (ranking/lp.ts, `KemenyOptions.lpSolver`). `ranking/` stays pure and synchronous: this
 * module loads the WASM once (async) and hands a synchronous `LinearSolver` to it.
 *
 * One runtime is reused (WASM memory only grows); each Kemeny component opens one model (rows
 * added per cutting-plane round, re-solved warm) and disposes it. A HiGHS call that throws (a
 * WASM abort) retires the runtime: Kemeny falls back to its branch and bound, `open` returns null
 * until a fresh runtime has loaded in the background.
 */
import loadHighs, { type Highs } from "highs";

/** What the Emscripten loader takes (the Worker passes `instantiateWasm`: it has no file system to read the WASM from). */
export type HighsLoadSettings = Parameters<typeof loadHighs>[0];
import type { LinearModel, LinearProgramResult, LinearRows, LinearSession, LinearSolver, SolveOptions } from "../ranking/lp.ts";

let runtime: Highs | null = null;
let loading: Promise<Highs | null> | null = null;
/** The settings of the first load, reused when a failed runtime is reloaded. */
let loadSettings: HighsLoadSettings | undefined;

function load(): Promise<Highs | null> {
  loading ??= loadHighs(loadSettings)
    .then((h) => (runtime = h))
    .catch(() => null)
    .finally(() => {
      loading = null;
    });
  return loading;
}

type Model = ReturnType<Highs["createModel"]>;

/** A HiGHS model kept across cutting-plane rounds (rows added, re-solved warm). */
class HighsSession implements LinearSession {
  private integer = false;
  constructor(
    private readonly highs: Highs,
    private readonly model: Model,
    private readonly numCols: number,
  ) {}

  addRows(rows: LinearRows): void {
    const count = rows.lower.length;
    if (count === 0) return;
    guard(() =>
      this.model.addRows({
        lower: rows.lower,
        upper: rows.upper,
        matrix: { format: "csr", numRows: count, numCols: this.numCols, starts: rows.starts, indices: rows.index, values: rows.value },
      } as unknown as Parameters<Model["addRows"]>[0]),
    );
  }

  solve(options: SolveOptions): LinearProgramResult {
    return guard(() => {
      const { highs, model } = this;
      const codes = highs.constants.modelStatus;
      if (options.integer && !this.integer) {
        model.changeColsIntegrality({ kind: "range", from: 0, to: this.numCols - 1 }, new Int32Array(this.numCols).fill(highs.constants.variableType.integer));
        model.options.set({ mip_abs_gap: options.mipAbsGap ?? 0, mip_rel_gap: 0 });
        this.integer = true;
      }
      model.options.set({ solver: !options.integer && options.method === "ipm" ? "ipm" : "choose" });
      model.zeroAllClocks(); // time_limit counts the model's total run time otherwise
      model.options.set({ time_limit: Math.max(0.001, options.timeLimitSec) });
      if (options.integer && options.start) model.setSolution({ colValue: options.start });
      model.run();
      const status = model.getModelStatus();
      // Every model solved here has a bounded objective (Kemeny: a box; what-if: a bounded share),
      // so "unbounded or infeasible" (presolve cannot tell) means infeasible.
      if (status === codes.infeasible || status === codes.unboundedOrInfeasible) return { status: "infeasible", objective: NaN, bound: -Infinity };
      const optimal = status === codes.optimal;
      const limit = [codes.timeLimit, codes.iterationLimit, codes.objectiveBound, codes.objectiveTarget, codes.solutionLimit, codes.interrupted].includes(status as never);
      if (!optimal && !limit) return ERROR;
      if (this.integer) {
        const hasX = Number(model.info.get("primal_solution_status")) === 2;
        const dual = Number(model.info.get("mip_dual_bound"));
        return {
          status: optimal ? "optimal" : "limit",
          x: hasX ? model.getSolution().colValue : undefined,
          objective: hasX ? model.getObjectiveValue() : NaN,
          bound: Number.isFinite(dual) && Math.abs(dual) < 1e30 ? dual : -Infinity,
        };
      }
      if (!optimal) return { status: "limit", objective: NaN, bound: -Infinity };
      const objective = model.getObjectiveValue();
      const solution = model.getSolution();
      const hasDual = Number(model.info.get("dual_solution_status")) === 2;
      return { status: "optimal", x: solution.colValue, objective, bound: objective, ...(hasDual ? { rowDual: solution.rowDual } : {}) };
    });
  }

  close(): void {
    this.model.dispose();
  }
}

const ERROR: LinearProgramResult = { status: "error", objective: NaN, bound: -Infinity };

/** Run a HiGHS call; a throw (possibly a WASM abort) retires the runtime and reloads it in the background. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    runtime = null;
    void load();
    throw e;
  }
}

/** The shared solver: sessions on the one loaded runtime; unavailable (null) until loaded. */
export const highsLinearSolver: LinearSolver = {
  open(m: LinearModel): LinearSession | null {
    const highs = runtime;
    if (!highs) return null;
    const model = guard(() =>
      highs.createModel({
        numCols: m.numCols,
        numRows: 0,
        sense: highs.constants.objectiveSense.minimize,
        offset: m.offset,
        colCost: m.cost,
        colLower: m.colLower,
        colUpper: m.colUpper,
        rowLower: new Float64Array(0),
        rowUpper: new Float64Array(0),
        matrix: { format: "csr", numRows: 0, numCols: m.numCols, starts: new Int32Array(1), indices: new Int32Array(0), values: new Float64Array(0) },
      }),
    );
    try {
      model.options.set({ output_flag: false });
    } catch (e) {
      model.dispose();
      throw e;
    }
    return new HighsSession(highs, model, m.numCols);
  },
};

/**
 * Load HiGHS once (idempotent) and return the solver to pass as `lpSolver`, or undefined when the
 * WASM cannot be loaded (Kemeny then uses its branch and bound alone).
 */
export async function loadKemenySolver(settings?: HighsLoadSettings): Promise<LinearSolver | undefined> {
  loadSettings ??= settings;
  if (!runtime) await load();
  return runtime ? highsLinearSolver : undefined;
}
