/**
 * Podium ranking engine: pure TypeScript, no I/O (runs in Node and Cloudflare Workers).
 * Semantics: ranking/SEMANTICS.md. `rankTable` is synchronous.
 */
import { defaultNow, solveKemeny, swappableNeighbours } from "./kemeny.ts";
import type { LinearSolver } from "./lp.ts";
import { computeMethod, condorcetWinnerIndex, type ScoreMethod } from "./methods.ts";
import { ranksFromOrder } from "./ranks.ts";
import { buildResponse, outcomeFromScores, type MethodOutcome } from "./response.ts";
import { Table } from "./table.ts";
import { isTaskMethod, pairwiseLimitIssue, RankingInputError, TASK_METHODS, type InputIssue, type RankInput, type RankResponse, type TaskMethod } from "./types.ts";

export * from "./types.ts";
export { Table, buildTable, computeTaskRanks, computePairwise, type TableSpec, type TaskRanks } from "./table.ts";
export { computeMethod, condorcetWinnerIndex, SCORE_METHODS, type ScoreMethod } from "./methods.ts";
export { solveKemeny, swappableNeighbours, kemenyAgreement, majorityComponents, kemenyDp, DEFAULT_KEMENY_BUDGET_MS, KEMENY_LP_MAX_SYSTEMS, KEMENY_BB_MAX_SYSTEMS, type KemenyResult, type KemenyOptions } from "./kemeny.ts";
export type { LinearSolver, LinearSession, LinearModel, LinearRows, SolveOptions, LinearProgramResult } from "./lp.ts";
export { ranksFromScores, kendallTauB, tied } from "./ranks.ts";
export { rankInstances, type InstanceTable, type InstanceTask } from "./instance.ts";
export { createRng, xoshiro128StarStar, type Rng } from "./random.ts";
export {
  bootstrapTaskLevel,
  bootstrapInstanceLevel,
  nearestRankPercentile,
  DEFAULT_BOOTSTRAP_SAMPLES,
  MAX_BOOTSTRAP_SAMPLES,
  DEFAULT_BOOTSTRAP_KEMENY_BUDGET_MS,
  BOOTSTRAP_KEMENY_DP_MAX,
  BOOTSTRAP_INTERVAL,
  TIE_GROUP_SEPARATION,
  type BootstrapOptions,
  type BootstrapResult,
  type SystemUncertainty,
} from "./bootstrap.ts";
export { pairwiseTaskLevel, pairwiseInstanceLevel, pairwiseEvidenceWork, DEFAULT_PAIRWISE_DELTA, MAX_PAIRWISE_EVIDENCE_WORK, MAX_PAIRWISE_EVIDENCE_SYSTEMS, type PairwiseEvidence } from "./pairwise.ts";
export { whatIf, taskPoints, replayMargin, isWhatIfMethod, WHATIF_METHODS, type WhatIfMethod, type WhatIfResult } from "./whatif.ts";
export { leaveOneTaskOut, robustnessReport, ROBUSTNESS_KEMENY_TOTAL_BUDGETS, type LeaveOneTaskOut, type RobustnessOptions, type RobustnessReport } from "./robustness.ts";

/** Validate a RankInput and turn it into the internal Table. Throws RankingInputError. */
export function tableFromInput(input: RankInput): { table: Table; methods: TaskMethod[] } {
  const issues: InputIssue[] = [];
  const systems = input.systems ?? [];
  if (!Array.isArray(systems) || systems.length === 0) issues.push({ field: "systems", message: "at least one system is required" });

  const seenSys = new Set<string>();
  systems.forEach((s, i) => {
    if (seenSys.has(s.slug)) issues.push({ field: `systems[${i}].slug`, message: `duplicate system slug "${s.slug}"` });
    seenSys.add(s.slug);
  });

  let taskSlugs: string[];
  let higher: boolean[];
  let weights: number[];
  if (input.tasks) {
    taskSlugs = input.tasks.map((t) => t.slug);
    higher = input.tasks.map((t) => t.higherIsBetter ?? true);
    weights = input.tasks.map((t) => t.weight ?? 1);
    const seen = new Set<string>();
    input.tasks.forEach((t, i) => {
      if (seen.has(t.slug)) issues.push({ field: `tasks[${i}].slug`, message: `duplicate task slug "${t.slug}"` });
      seen.add(t.slug);
      const w = t.weight ?? 1;
      if (typeof w !== "number" || !Number.isFinite(w) || w <= 0) issues.push({ field: `tasks[${i}].weight`, message: "weight must be a finite number > 0" });
    });
    systems.forEach((s, i) => {
      for (const key of Object.keys(s.scores ?? {}))
        if (!seen.has(key)) issues.push({ field: `systems[${i}].scores.${key}`, message: `unknown task "${key}"` });
    });
  } else {
    const seen = new Set<string>();
    taskSlugs = [];
    for (const s of systems) for (const key of Object.keys(s.scores ?? {})) if (!seen.has(key)) (seen.add(key), taskSlugs.push(key));
    higher = taskSlugs.map(() => true);
    weights = taskSlugs.map(() => 1);
  }

  const m = taskSlugs.length;
  const col = new Map(taskSlugs.map((t, i) => [t, i]));
  const scores = new Float64Array(systems.length * m).fill(NaN);
  systems.forEach((s, i) => {
    for (const [key, v] of Object.entries(s.scores ?? {})) {
      if (v === null || v === undefined) continue;
      if (typeof v !== "number" || !Number.isFinite(v)) {
        issues.push({ field: `systems[${i}].scores.${key}`, message: "score must be a finite number or null" });
        continue;
      }
      const t = col.get(key);
      if (t !== undefined) scores[i * m + t] = v;
    }
  });

  const methods: TaskMethod[] = [];
  if (input.methods !== undefined) {
    if (!Array.isArray(input.methods) || input.methods.length === 0) issues.push({ field: "methods", message: "at least one method is required" });
    else
      input.methods.forEach((meth, i) => {
        if (!isTaskMethod(meth))
          issues.push({ field: `methods[${i}]`, message: `unknown method "${meth}" (known: ${TASK_METHODS.join(", ")})` });
        else if (!methods.includes(meth)) methods.push(meth);
      });
  } else methods.push(...TASK_METHODS);

  if (input.kemenyBudgetMs !== undefined && !(typeof input.kemenyBudgetMs === "number" && input.kemenyBudgetMs >= 0))
    issues.push({ field: "kemenyBudgetMs", message: "must be a number >= 0" });
  const tooLarge = pairwiseLimitIssue(systems.length, methods);
  if (tooLarge) issues.push(tooLarge);

  if (issues.length) throw new RankingInputError(issues);
  const table = new Table({ systems: systems.map((s) => s.slug), tasks: taskSlugs, scores, higherIsBetter: higher, weights });
  return { table, methods };
}

/**
 * Rank a prepared Table by the given task-level methods. Throws RankingInputError (field
 * `methods`) when a pairwise method is asked of more than MAX_PAIRWISE_SYSTEMS systems. The
 * Kemeny budget counts from the start of its work, building the pairwise matrix included.
 */
export function rankPreparedTable(table: Table, methods: readonly TaskMethod[], options: { kemenyBudgetMs?: number; lpSolver?: LinearSolver } = {}): RankResponse {
  const tooLarge = pairwiseLimitIssue(table.n, methods);
  if (tooLarge) throw new RankingInputError([tooLarge]);
  const outcomes: MethodOutcome[] = [];
  let kemeny: RankResponse["kemeny"];
  for (const method of methods) {
    if (method === "kemeny") {
      const startedAt = defaultNow();
      const r = solveKemeny(table.pairwise, table.n, { budgetMs: options.kemenyBudgetMs, lpSolver: options.lpSolver, startedAt });
      outcomes.push({ method, ranks: ranksFromOrder(r.order, table.n) });
      const swappable = swappableNeighbours(table.pairwise, table.n, r.order).map(([a, b]): [string, string] => [table.systems[a], table.systems[b]]);
      kemeny = { order: r.order.map((s) => table.systems[s]), agreement: r.agreement, exact: r.exact, upperBound: r.upperBound, ambiguous: swappable.length > 0, swappable };
    } else outcomes.push(outcomeFromScores(method, computeMethod(table, method as ScoreMethod)));
  }
  return buildResponse(table.systems, table.coverage, outcomes, condorcetWinnerIndex(table), kemeny);
}

/** The stateless ranking of the HTTP API (`POST /api/v1/rank`). Synchronous. `lpSolver`: see KemenyOptions. */
export function rankTable(input: RankInput, options: { lpSolver?: LinearSolver } = {}): RankResponse {
  const { table, methods } = tableFromInput(input);
  return rankPreparedTable(table, methods, { kemenyBudgetMs: input.kemenyBudgetMs, lpSolver: options.lpSolver });
}
