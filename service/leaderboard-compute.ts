/**
 * Task-level leaderboards computed from one snapshot of current scores (pure: no I/O). Runs in
 * the compute worker (service/compute-worker.ts); the leaderboard service only caches results.
 */
import { Table, bootstrapTaskLevel, rankPreparedTable, type LinearSolver, type TaskMethod } from "../ranking/index.ts";
import type { BenchmarkRecord, CurrentScores } from "../db/index.ts";
import type { Leaderboard, LeaderboardSystem, LeaderboardTask, NormalizedQuery } from "./leaderboard-types.ts";
import { requiredTasks, splitByCoverage } from "./coverage.ts";
import { publicTask } from "./public-task.ts";
import { attachUncertainty } from "./uncertainty.ts";

/** The task-level score Table of `systems` (in that order) over `tasks` (a current snapshot or a leaderboard). */
export function scoreTable(
  tasks: readonly Pick<LeaderboardTask, "slug" | "higherIsBetter" | "weight">[],
  systems: readonly { slug: string; scores: Record<string, number> }[],
): Table {
  const m = tasks.length;
  const scores = new Float64Array(systems.length * m).fill(NaN);
  const col = new Map(tasks.map((t, i) => [t.slug, i]));
  systems.forEach((s, i) => {
    for (const [task, v] of Object.entries(s.scores)) {
      const t = col.get(task);
      if (t !== undefined && typeof v === "number" && Number.isFinite(v)) scores[i * m + t] = v;
    }
  });
  return new Table({
    systems: systems.map((s) => s.slug),
    tasks: tasks.map((t) => t.slug),
    scores,
    higherIsBetter: tasks.map((t) => t.higherIsBetter),
    weights: tasks.map((t) => t.weight),
  });
}

/** Rank the current scores of a benchmark (pure; `current` is one snapshot). */
export function computeLeaderboard(benchmark: Pick<BenchmarkRecord, "slug" | "name">, current: CurrentScores, query: NormalizedQuery, lpSolver?: LinearSolver): Leaderboard {
  if (query.level !== "task") throw new Error(`computeLeaderboard: level ${query.level} needs instance scores`);
  const tasks = current.tasks;
  const taskSlugs = new Set(tasks.map((t) => t.slug));
  const coverageOf = (s: { scores: Record<string, number> }) => Object.keys(s.scores).filter((t) => taskSlugs.has(t) && Number.isFinite(s.scores[t])).length;
  const need = query.minCoverage ? requiredTasks(query.minCoverage, tasks.length) : 0;
  const { kept: systems, below } = splitByCoverage(current.systems, coverageOf, need);
  const table = scoreTable(tasks, systems);
  const ranked = rankPreparedTable(table, query.methods as TaskMethod[], { kemenyBudgetMs: query.kemenyBudgetMs, lpSolver });
  const bySlug = new Map(systems.map((s) => [s.slug, s]));
  const rows: LeaderboardSystem[] = ranked.systems.map((r) => {
    const s = bySlug.get(r.slug)!;
    return { slug: r.slug, name: s.name, url: s.url, metadata: s.metadata ?? null, submissionId: s.submissionId, submittedAt: s.createdAt, coverage: r.coverage, scores: s.scores, results: r.results };
  });
  const lb: Leaderboard = {
    benchmark: { slug: benchmark.slug, name: benchmark.name, revision: current.revision },
    level: "task",
    tasks: tasks.map(publicTask),
    methods: ranked.methods,
    systems: rows,
    ...(ranked.kemeny ? { kemeny: ranked.kemeny } : {}),
    agreement: ranked.agreement,
  };
  if (query.minCoverage) {
    lb.coverage = { minCoverage: query.minCoverage, requiredTasks: need };
    lb.incomplete = below.map((s) => ({ slug: s.slug, name: s.name, url: s.url, metadata: s.metadata ?? null, submissionId: s.submissionId, submittedAt: s.createdAt, coverage: coverageOf(s), scores: s.scores }));
  }
  const u = query.uncertainty;
  if (!u) return lb;
  // resampled in the snapshot's order (by slug), not the rows' (the first method's): each
  // method's intervals and groups then depend on its own resamples only, whatever methods are listed
  return attachUncertainty(lb, table.systems, u, (opts) => bootstrapTaskLevel(table, query.methods as TaskMethod[], opts));
}
