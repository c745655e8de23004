/**
 * `GET /api/v1/benchmarks/{slug}/robustness?method=borda` (API.md "Uncertainty and
 * robustness"): leave-one-task-out and the Condorcet winner (ranking/robustness.ts) of the
 * task-level leaderboard of that one method. A view of the cached leaderboard
 * (LeaderboardService.serveView): computed once per benchmark revision, ETag/304 like it.
 */
import { isTaskMethod, robustnessReport, TASK_METHODS, type LeaveOneTaskOut, type TaskMethod } from "../ranking/index.ts";
import { invalid } from "./errors.ts";
import { scoreTable, type Leaderboard, type LeaderboardResult, type LeaderboardService, type ServeOptions } from "./leaderboard.ts";
import { stepClock } from "./uncertainty.ts";

export const DEFAULT_ROBUSTNESS_METHOD: TaskMethod = "borda";
/**
 * Kemeny work budget of each leave-one-out solve, in solver steps (see BOOTSTRAP_KEMENY_STEPS):
 * deterministic, and generous (GLUE's 14 solves take ~150 steps in all, all proven optimal).
 */
export const ROBUSTNESS_KEMENY_STEPS = 2000;

export interface Robustness {
  benchmark: Leaderboard["benchmark"];
  method: TaskMethod;
  /** The first system of the leaderboard (null without systems). */
  top1: string | null;
  /** One entry per task, in task order; empty with fewer than 2 tasks or no systems. */
  leaveOneTaskOut: LeaveOneTaskOut[];
  /** Tasks whose removal changes top1. */
  top1Changes: string[];
  /** Smallest leave-one-out kendallTau (null if none is defined). */
  minKendallTau: number | null;
  /** The strict pairwise-majority winner (whatever the method) and its rank under the method. */
  condorcet: { winner: string | null; rank: number | null };
  /** Kemeny only: whether every leave-one-out order was proven optimal within the budget (and the leaderboard's own). */
  kemenyExact?: boolean;
}

/** The report of a one-method task-level leaderboard (its ranks are reused as the full-data ranks). */
export function computeRobustness(lb: Leaderboard, method: TaskMethod): Robustness {
  const base = { benchmark: lb.benchmark, method };
  if (lb.systems.length === 0)
    return { ...base, top1: null, leaveOneTaskOut: [], top1Changes: [], minKendallTau: null, condorcet: { winner: null, rank: null } };
  // Rows are in the method's rank order (ties: input order), so "ties by input order" follows the leaderboard.
  const table = scoreTable(lb.tasks, lb.systems);
  const fullRanks = lb.systems.map((s) => s.results[method].rank);
  const report = robustnessReport(table, method, { fullRanks, kemenyBudgetMs: ROBUSTNESS_KEMENY_STEPS, now: stepClock() });
  const out: Robustness = { ...base, ...report };
  if (lb.tasks.length < 2) Object.assign(out, { leaveOneTaskOut: [], top1Changes: [], minKendallTau: null });
  if (method === "kemeny") out.kemenyExact = (report.kemenyExact ?? true) && (lb.kemeny?.exact ?? true);
  return out;
}

export function createRobustnessService(leaderboards: LeaderboardService) {
  return {
    /** The report's stored JSON with its ETag, or notModified; 404 unknown benchmark, 400 unknown method. */
    serve(slug: string, method: string = DEFAULT_ROBUSTNESS_METHOD, options: ServeOptions = {}): Promise<LeaderboardResult> {
      if (!isTaskMethod(method)) throw invalid(`unknown method "${method}"`, [{ field: "method", message: `known: ${TASK_METHODS.join(", ")}` }]);
      return leaderboards.serveView(slug, { methods: [method], level: "task" }, "robustness", (lb) => JSON.stringify(computeRobustness(lb, method)), options);
    },
  };
}

export type RobustnessService = ReturnType<typeof createRobustnessService>;
