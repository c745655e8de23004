/**
 * The compute job protocol, shared by every place rankings are computed: the piscina workers
 * (service/compute-worker.ts, service/compute-pool.ts) on Node and the inline runner
 * (`createInlineCompute`) used by the Cloudflare Worker, scripts and benches. A job is plain
 * data (structured-cloned into a worker thread); its kind decides the result type.
 *
 * Import graph: ranking/ and the pure compute modules only (no database driver, no hono, no
 * worker_threads, no HiGHS): the Worker bundle imports this module.
 */
import { rankTable, RankingInputError, type InputIssue, type LinearSolver, type RankInput, type RankResponse, type TaskMethod, type WhatIfMethod } from "../ranking/index.ts";
import type { CurrentScores, InstanceScores } from "../db/index.ts";
import { DomainError, type DomainErrorKind } from "./errors.ts";
import { computeInstanceLeaderboard, instanceBuffers } from "./instance-leaderboard.ts";
import { computeLeaderboard } from "./leaderboard-compute.ts";
import type { Leaderboard, NormalizedQuery } from "./leaderboard-types.ts";
import { computeRobustness, type Robustness } from "./robustness-compute.ts";
import { computeWhatIf, instancePairwise, taskPairwise, type BoardRows, type PairwiseReport, type WhatIfReport } from "./evidence-compute.ts";

/** What a leaderboard shows of its benchmark. */
export interface BenchmarkName {
  slug: string;
  name: string;
}

/** Every job kind, with its input. */
export type ComputeJob =
  | { kind: "leaderboard"; benchmark: BenchmarkName; current: CurrentScores; query: NormalizedQuery }
  | { kind: "instanceLeaderboard"; benchmark: BenchmarkName; data: InstanceScores; query: NormalizedQuery }
  | { kind: "robustness"; leaderboard: Leaderboard; method: TaskMethod }
  | { kind: "rank"; input: RankInput }
  | { kind: "pairwise"; board: BoardRows; delta: number }
  | { kind: "instancePairwise"; benchmark: Leaderboard["benchmark"]; data: InstanceScores; order: string[]; delta: number }
  | { kind: "whatif"; board: BoardRows; system: string; method: WhatIfMethod };

/** The result type of each job kind. */
export interface ComputeResults {
  leaderboard: Leaderboard;
  instanceLeaderboard: Leaderboard;
  robustness: Robustness;
  rank: RankResponse;
  pairwise: PairwiseReport;
  instancePairwise: PairwiseReport;
  whatif: WhatIfReport;
}

export type ComputeResult<J extends ComputeJob> = ComputeResults[J["kind"]];

/**
 * A job's answer as it crosses the thread boundary. Errors are carried as data because a
 * structured-cloned Error loses its class and fields: bad input (a DomainError, or the rank
 * endpoint's RankingInputError) is rebuilt on the other side by `unwrapReply`.
 */
export type JobReply =
  | { ok: true; value: unknown }
  | { ok: false; domain: { kind: DomainErrorKind; message: string; details?: unknown } }
  | { ok: false; rankingInput: InputIssue[] };

/** Run one job on this thread (the worker, or the inline runner where there is no pool). */
export function runJob(job: ComputeJob, lpSolver?: LinearSolver): ComputeResults[ComputeJob["kind"]] {
  switch (job.kind) {
    case "leaderboard":
      return computeLeaderboard(job.benchmark, job.current, job.query, lpSolver);
    case "instanceLeaderboard":
      return computeInstanceLeaderboard(job.benchmark, job.data, job.query);
    case "robustness":
      return computeRobustness(job.leaderboard, job.method);
    case "rank":
      return rankTable(job.input, { lpSolver });
    case "pairwise":
      return taskPairwise(job.board, job.delta);
    case "instancePairwise":
      return instancePairwise(job.benchmark, job.data, job.order, job.delta);
    case "whatif":
      return computeWhatIf(job.board, job.system, job.method, lpSolver);
  }
}

/**
 * Buffers a job hands over to a worker thread instead of copying them (the packed instance
 * vectors: 10M scores are 80 MB). They are unusable on the sending side afterwards, so jobs
 * carry freshly loaded scores, never cached ones.
 */
export function transferablesOf(job: ComputeJob): ArrayBuffer[] {
  return job.kind === "instanceLeaderboard" || job.kind === "instancePairwise" ? instanceBuffers(job.data) : [];
}

/** runJob with its input errors turned into data (see JobReply); anything else propagates. */
export function runJobToReply(job: ComputeJob, lpSolver?: LinearSolver): JobReply {
  try {
    return { ok: true, value: runJob(job, lpSolver) };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, domain: { kind: err.kind, message: err.message, details: err.details } };
    if (err instanceof RankingInputError) return { ok: false, rankingInput: err.details };
    throw err;
  }
}

/** The result of a reply, or its input error rethrown as the class the callers catch. */
export function unwrapReply<J extends ComputeJob>(reply: JobReply): ComputeResult<J> {
  if (reply.ok) return reply.value as ComputeResult<J>;
  if ("rankingInput" in reply) throw new RankingInputError(reply.rankingInput);
  throw new DomainError(reply.domain.kind, reply.domain.message, reply.domain.details);
}

export interface ComputePoolStats {
  /** Jobs submitted and not yet settled (running or queued). */
  pending: number;
  completed: number;
  /** Refused because the queue was full (503 overloaded). */
  rejected: number;
  /** Aborted at the wall-clock cap (running) or after waiting as long for a worker (queued). */
  timedOut: number;
  /** Lost with their worker (out of memory, crash). */
  workerDeaths: number;
}

export interface ComputePool {
  /** Run a job; its result, its input error (400), or 503 `overloaded` (queue full, time cap, worker died). */
  run<J extends ComputeJob>(job: J): Promise<ComputeResult<J>>;
  readonly stats: ComputePoolStats;
  /** Terminate the workers (pending jobs are rejected). */
  close(): Promise<void>;
}

/**
 * The same protocol on the calling thread, for callers without a pool (the Cloudflare Worker,
 * benchmarks, scripts, services created without one). It blocks the event loop while a job runs:
 * Node servers use createComputePool (service/compute-pool.ts).
 *
 * `lpSolver` may be a function: it is awaited before each job that may need it (see
 * `jobMayUseLp`), so a solver that loads lazily (HiGHS on the Worker) costs nothing until a
 * Kemeny ranking asks for it; when it resolves to undefined, Kemeny uses its branch and bound.
 */
export function createInlineCompute(lpSolver?: LinearSolver | (() => Promise<LinearSolver | undefined>)): ComputePool {
  const stats: ComputePoolStats = { pending: 0, completed: 0, rejected: 0, timedOut: 0, workerDeaths: 0 };
  return {
    stats,
    async run<J extends ComputeJob>(job: J): Promise<ComputeResult<J>> {
      const solver = typeof lpSolver === "function" ? (jobMayUseLp(job) ? await lpSolver() : undefined) : lpSolver;
      stats.pending++;
      try {
        const result = unwrapReply<J>(runJobToReply(job, solver));
        stats.completed++;
        return result;
      } finally {
        stats.pending--;
      }
    },
    close: async () => {},
  };
}

/** Whether a job may call the LP solver (only exact Kemeny does). */
export function jobMayUseLp(job: ComputeJob): boolean {
  switch (job.kind) {
    case "leaderboard":
      return job.query.methods.includes("kemeny");
    case "rank":
      // No methods: every method, Kemeny included.
      return !Array.isArray(job.input.methods) || job.input.methods.includes("kemeny");
    case "whatif":
      return true;
    default:
      return false;
  }
}

/**
 * `pool` with every Kemeny proof budget capped at `maxMs` (rank requests and leaderboards): the
 * Worker runs jobs inline within the platform's CPU limit, where the API's 60 s would not fit.
 * Past the budget Kemeny answers its best order with `exact: false`, as anywhere.
 */
export function withKemenyBudgetCap(pool: ComputePool, maxMs: number): ComputePool {
  const cap = <T extends { kemenyBudgetMs?: number }>(o: T): T => (typeof o.kemenyBudgetMs === "number" && o.kemenyBudgetMs > maxMs ? { ...o, kemenyBudgetMs: maxMs } : o);
  const capped = (job: ComputeJob): ComputeJob => {
    if (job.kind === "rank") return { ...job, input: cap(job.input) };
    if (job.kind === "leaderboard") return { ...job, query: cap(job.query) };
    return job;
  };
  return { stats: pool.stats, run: (job) => pool.run(capped(job)) as never, close: () => pool.close() };
}
