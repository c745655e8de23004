/**
 * `GET /api/v1/benchmarks/{slug}/robustness?method=borda` (README "Uncertainty and
 * robustness"): leave-one-task-out and the Condorcet winner (ranking/robustness.ts) of the
 * task-level leaderboard of that one method. A view of the cached leaderboard
 * (LeaderboardService.serveView): computed once per benchmark revision, ETag/304 like it.
 */
import { isTaskMethod, TASK_METHODS, type TaskMethod } from "../ranking/index.ts";
import type { ComputePool } from "./compute-jobs.ts";
import { invalid } from "./errors.ts";
import type { LeaderboardResult, LeaderboardService, ServeOptions } from "./leaderboard.ts";

export { computeRobustness, ROBUSTNESS_KEMENY_STEPS, type Robustness } from "./robustness-compute.ts";

export const DEFAULT_ROBUSTNESS_METHOD: TaskMethod = "borda";

export function createRobustnessService(leaderboards: LeaderboardService, compute: ComputePool) {
  return {
    /** The report's stored JSON with its ETag, or notModified; 404 unknown benchmark, 400 unknown method. */
    serve(slug: string, method: string = DEFAULT_ROBUSTNESS_METHOD, options: ServeOptions = {}): Promise<LeaderboardResult> {
      if (!isTaskMethod(method)) throw invalid(`unknown method "${method}"`, [{ field: "method", message: `known: ${TASK_METHODS.join(", ")}` }]);
      return leaderboards.serveView(
        slug,
        { methods: [method], level: "task" },
        "robustness",
        async (leaderboard) => JSON.stringify(await compute.run({ kind: "robustness", leaderboard, method })),
        options,
      );
    },
  };
}

export type RobustnessService = ReturnType<typeof createRobustnessService>;
