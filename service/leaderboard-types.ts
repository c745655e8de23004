/**
 * The shapes of a computed leaderboard and of the normalized query it was computed for. Types
 * only: the leaderboard service, the pure compute modules and the compute worker all import
 * them from here, so those modules need not import each other.
 */
import type { InstanceMethod, KemenySummary, MethodCell, RankResponse, RankedSystem, TaskMethod } from "../ranking/index.ts";
import type { CoverageSummary, MinCoverage } from "./coverage.ts";
import type { PublicTask } from "./public-task.ts";

export type LeaderboardLevel = "task" | "instance";
/** A task-level method, or an instance-level one (`borda2` exists only at `level=instance`). */
export type LeaderboardMethod = TaskMethod | InstanceMethod;

/** Methods deduplicated in the given order (default: every method of the level), level defaulted. */
export interface NormalizedQuery {
  methods: LeaderboardMethod[];
  /**
   * The request named no methods: `methods` is every method of the level, less those the table
   * is too large for (the pairwise ones beyond MAX_PAIRWISE_SYSTEMS), decided when the scores are read.
   */
  defaultMethods?: true;
  level: LeaderboardLevel;
  kemenyBudgetMs?: number;
  /** Bootstrap (service/uncertainty.ts); absent without `uncertainty`, whatever samples/seed say. */
  uncertainty?: UncertaintyQuery;
  /** Coverage policy (service/coverage.ts); absent: every system is ranked. */
  minCoverage?: MinCoverage;
}

/** A leaderboard column: the benchmark's task as readers see it. */
export type LeaderboardTask = PublicTask;

/** A method's cell; `interval` and `pTop1` only with `uncertainty=bootstrap`. */
export type LeaderboardCell = MethodCell & Partial<UncertaintyCell>;

export interface LeaderboardSystem extends RankedSystem {
  results: Record<string, LeaderboardCell>;
  name: string;
  url: string | null;
  /** The system's metadata (given at submission or set by an admin); null when none. */
  metadata: unknown;
  submissionId: number;
  /** ISO time of the submission on the leaderboard (the system's newest). */
  submittedAt: string;
  /** task slug -> score (tasks the system did not score are absent). */
  scores: Record<string, number>;
}

/** The `/api/v1/rank` response plus the benchmark, the task columns and per-system details. */
export interface Leaderboard {
  benchmark: { slug: string; name: string; revision: number };
  level: LeaderboardLevel;
  tasks: LeaderboardTask[];
  methods: string[];
  /** In the first method's rank order. */
  systems: LeaderboardSystem[];
  kemeny?: KemenySummary;
  agreement: RankResponse["agreement"];
  /** With uncertainty: per method, the systems in rank order cut into groups the resamples cannot tell apart. */
  tieGroups?: Record<string, string[][]>;
  uncertainty?: UncertaintySummary;
  /** With minCoverage: the policy applied, and the systems below it (not ranked, in slug order). */
  coverage?: CoverageSummary;
  incomplete?: IncompleteSystem[];
}

/** A system left unranked by the coverage policy: a leaderboard row without results. */
export type IncompleteSystem = Omit<LeaderboardSystem, "results">;

// Bootstrap uncertainty (service/uncertainty.ts computes it)

export type UncertaintyMethod = "bootstrap";

/** Normalized: present only when uncertainty was asked for, with defaults applied. */
export interface UncertaintyQuery {
  method: UncertaintyMethod;
  samples: number;
  seed: number;
}

/** Per system and method: the bootstrap additions to `results[method]`. */
export interface UncertaintyCell {
  /** [lo, hi]: nearest-rank 2.5th and 97.5th percentiles of the resampled rank. */
  interval: [number, number];
  /** Share of resamples ranked first (a k-way tie for first counts 1/k). */
  pTop1: number;
}

/** The `uncertainty` metadata of a leaderboard computed with it. */
export interface UncertaintySummary {
  method: UncertaintyMethod;
  level: "task" | "instance";
  samples: number;
  seed: number;
  /** The interval's percentiles (0.025, 0.975), nearest-rank rule. */
  percentiles: [number, number];
  /** A tie group's leader ranks strictly above a system in at least this share of resamples, or the system joins its group. */
  separation: number;
  /** Present iff kemeny was ranked: its per-resample work budget and how many resamples were proven optimal. */
  kemeny?: { budgetSteps: number; exactResamples: number };
}
