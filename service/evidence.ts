/**
 * Evidence behind every rank (README "Evidence"):
 * - `GET .../pairwise?level=task|instance&delta=0.05[&format=csv]`: pairwise win shares with
 *   Hoeffding half-widths (ranking/pairwise.ts), in the mean leaderboard's order;
 * - `GET .../systems/{system}/whatif?method=borda`: task weights under which the system ranks
 *   first with the largest margin (ranking/whatif.ts, an LP solved with HiGHS).
 * Both are views of the cached leaderboard (LeaderboardService.serveView): computed in the
 * compute pool once per benchmark revision and query, stored with the leaderboard entry (so the
 * cache's byte bound covers them), ETag/304 like it.
 */
import { DEFAULT_PAIRWISE_DELTA, isWhatIfMethod, WHATIF_METHODS, type WhatIfMethod } from "../ranking/index.ts";
import type { ComputePool } from "./compute-jobs.ts";
import { invalid, notFound } from "./errors.ts";
import type { BoardRows, PairwiseReport } from "./evidence-compute.ts";
import { csvText, type LeaderboardResult, type LeaderboardService, type LeaderboardSource, type ServeOptions } from "./leaderboard.ts";
import type { Leaderboard, LeaderboardLevel } from "./leaderboard-types.ts";

export type { PairwiseReport, WhatIfReport } from "./evidence-compute.ts";
export type EvidenceFormat = "json" | "csv";

export const DEFAULT_WHATIF_METHOD: WhatIfMethod = "borda";
/** The order of the pairwise matrices: the mean leaderboard's. */
const ORDER_METHOD = "mean";

export interface PairwiseQuery {
  level?: LeaderboardLevel;
  delta?: number;
  format?: EvidenceFormat;
}

/** What a job needs of a leaderboard: its rows (in order) with their scores, and the tasks. */
function boardRows(lb: Leaderboard): BoardRows {
  return { benchmark: lb.benchmark, tasks: lb.tasks, systems: lb.systems.map((s) => ({ slug: s.slug, scores: s.scores })) };
}

/**
 * JSON (the report), or CSV: one row per ordered pair of distinct systems in matrix order,
 * `system,opponent,wins,n,half_width,separated` (wins and half_width empty when n = 0).
 */
export function serializePairwise(report: PairwiseReport, format: EvidenceFormat): string {
  if (format === "json") return JSON.stringify(report);
  const lines = ["system,opponent,wins,n,half_width,separated"];
  const { systems } = report;
  for (let i = 0; i < systems.length; i++)
    for (let j = 0; j < systems.length; j++) {
      if (i === j) continue;
      const w = report.wins[i][j];
      const h = report.halfWidth[i][j];
      lines.push([csvText(systems[i]), csvText(systems[j]), w === null ? "" : String(w), String(report.n[i][j]), h === null ? "" : String(h), String(report.separated[i][j])].join(","));
    }
  return lines.join("\r\n") + "\r\n";
}

/** 400 naming `delta` unless it is in (0, 0.5]. */
export function checkDelta(delta: number): number {
  if (!(Number.isFinite(delta) && delta > 0 && delta <= 0.5)) throw invalid("invalid delta", [{ field: "delta", message: "must be a number in (0, 0.5]" }]);
  return delta;
}

export function createEvidenceService(leaderboards: LeaderboardService, compute: ComputePool, source: LeaderboardSource) {
  /** The one read of instance scores for evidence (null: none stored). */
  async function instanceScores(slug: string) {
    const benchmark = await source.getBenchmarkBySlug(slug);
    if (!benchmark) throw notFound(`benchmark "${slug}" not found`);
    return (await source.loadInstanceScores?.(benchmark.id)) ?? null;
  }

  /** The pairwise matrices of a leaderboard's systems, in its row order, at its level (computed in the pool). */
  async function pairwiseReport(lb: Leaderboard, delta: number = DEFAULT_PAIRWISE_DELTA): Promise<PairwiseReport> {
    if (lb.level === "task") return compute.run({ kind: "pairwise", board: boardRows(lb), delta });
    const data = await instanceScores(lb.benchmark.slug);
    if (!data) throw notFound(`benchmark "${lb.benchmark.slug}" not found`);
    return compute.run({ kind: "instancePairwise", benchmark: lb.benchmark, data, order: lb.systems.map((s) => s.slug), delta });
  }

  return {
    pairwiseReport,
    /** The pairwise matrices (stored JSON or CSV) with their ETag, or notModified. 404 unknown benchmark; 400 bad delta or no instance scores. */
    pairwise(slug: string, query: PairwiseQuery = {}, options: ServeOptions = {}): Promise<LeaderboardResult> {
      const level = query.level ?? "task";
      const delta = checkDelta(query.delta ?? DEFAULT_PAIRWISE_DELTA);
      const format = query.format ?? "json";
      return leaderboards.serveView(
        slug,
        { methods: [ORDER_METHOD], level },
        `pairwise:${level}:${delta}:${format}`,
        async (lb) => {
          const report = await pairwiseReport(lb, delta);
          return serializePairwise(report, format);
        },
        options,
      );
    },

    /** What-if weights of `system` under `method` (stored JSON, ETag). 400 unsupported method; 404 unknown benchmark or system. */
    whatIf(slug: string, system: string, method: string = DEFAULT_WHATIF_METHOD, options: ServeOptions = {}): Promise<LeaderboardResult> {
      if (!isWhatIfMethod(method))
        throw invalid(`method "${method}" has no what-if weights`, [
          { field: "method", message: `supported: ${WHATIF_METHODS.join(", ")} (methods whose score is a weighted sum of per-task points)` },
        ]);
      return leaderboards.serveView(
        slug,
        { methods: [method], level: "task" },
        `whatif:${system}`,
        async (lb) => JSON.stringify(await compute.run({ kind: "whatif", board: boardRows(lb), system, method })),
        options,
      );
    },
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
