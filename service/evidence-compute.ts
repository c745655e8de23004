/**
 * Evidence behind the ranks (README "Evidence"): the pairwise evidence matrices and the what-if
 * weights, serialized. Pure: runs in the compute worker (service/compute-worker.ts).
 */
import {
  MAX_PAIRWISE_EVIDENCE_SYSTEMS,
  MAX_PAIRWISE_EVIDENCE_WORK,
  pairwiseEvidenceWork,
  pairwiseInstanceLevel,
  pairwiseTaskLevel,
  RankingInputError,
  whatIf,
  type LinearSolver,
  type PairwiseEvidence,
  type WhatIfMethod,
} from "../ranking/index.ts";
import type { InstanceScores } from "../db/index.ts";
import { notFound, unavailable, invalid } from "./errors.ts";
import { instanceTableOf } from "./instance-leaderboard.ts";
import { scoreTable } from "./leaderboard-compute.ts";
import type { Leaderboard, LeaderboardLevel } from "./leaderboard-types.ts";
import { reorderInstanceTable } from "./uncertainty.ts";

/** The pairwise report: the matrices in leaderboard (mean) order. */
export interface PairwiseReport extends PairwiseEvidence {
  benchmark: Leaderboard["benchmark"];
  level: LeaderboardLevel;
  delta: number;
}

/** What a pairwise job needs of a leaderboard (its rows in order, their scores, the tasks). */
export type BoardRows = Pick<Leaderboard, "benchmark" | "tasks"> & { systems: { slug: string; scores: Record<string, number> }[] };

function tooMuchWork(systems: number, columns: number): void {
  if (systems > MAX_PAIRWISE_EVIDENCE_SYSTEMS)
    throw invalid("too many systems for pairwise evidence", [
      { field: "slug", message: `pairwise evidence lists at most ${MAX_PAIRWISE_EVIDENCE_SYSTEMS} systems (this benchmark has ${systems})` },
    ]);
  if (pairwiseEvidenceWork(systems, columns) <= MAX_PAIRWISE_EVIDENCE_WORK) return;
  throw invalid("too many pairwise comparisons", [
    { field: "level", message: `${systems} systems over ${columns} columns is more than ${MAX_PAIRWISE_EVIDENCE_WORK} pairwise comparisons; use level=task` },
  ]);
}

/** Task level, over the leaderboard's rows in their order. */
export function taskPairwise(board: BoardRows, delta: number): PairwiseReport {
  tooMuchWork(board.systems.length, board.tasks.length);
  return { benchmark: board.benchmark, level: "task", delta, ...pairwiseTaskLevel(scoreTable(board.tasks, board.systems), delta) };
}

/**
 * Instance level, over the stored instance scores of one snapshot, with the systems in `order`
 * (the instance-level leaderboard's rows; systems without instance scores are left out).
 */
export function instancePairwise(benchmark: Leaderboard["benchmark"], data: InstanceScores, order: readonly string[], delta: number): PairwiseReport {
  const { table } = instanceTableOf(data);
  const present = new Set(table.systems);
  const shown = reorderInstanceTable(table, order.filter((s) => present.has(s)));
  tooMuchWork(shown.systems.length, shown.tasks.reduce((sum, t) => sum + t.instances.length, 0));
  return { benchmark: { ...benchmark, revision: data.revision }, level: "instance", delta, ...pairwiseInstanceLevel(shown, delta) };
}

/** The what-if answer of `system` (404 when not on the board). */
export interface WhatIfReport {
  benchmark: Leaderboard["benchmark"];
  system: string;
  method: WhatIfMethod;
  canWin: boolean;
  weights: Record<string, number> | null;
  margin: number | null;
  /** The LP optimum: the largest margin any weighting gives (negative: by how much the system falls short at best); null when no weighting scores the system. */
  bestMargin: number | null;
}

export function computeWhatIf(board: BoardRows, system: string, method: WhatIfMethod, lpSolver: LinearSolver | undefined): WhatIfReport {
  const s = board.systems.findIndex((r) => r.slug === system);
  if (s < 0) throw notFound(`system "${system}" not found on benchmark "${board.benchmark.slug}"`);
  if (!lpSolver) throw unavailable("the linear-programming solver is not available; try again shortly");
  const table = scoreTable(board.tasks, board.systems);
  if (table.m === 0) throw new RankingInputError([{ field: "method", message: "the benchmark has no tasks to weigh" }]);
  let r;
  try {
    r = whatIf(table, method, s, lpSolver);
  } catch (err) {
    if (err instanceof RankingInputError) throw err;
    // a solver failure (a WASM abort, a model it could not settle) is the server's, and passing
    throw unavailable("the linear-programming solver failed on this question; try again shortly");
  }
  return { benchmark: board.benchmark, system, method, canWin: r.canWin, weights: r.weights, margin: r.margin, bestMargin: Number.isFinite(r.bestMargin) ? r.bestMargin : null };
}
