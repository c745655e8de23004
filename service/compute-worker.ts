/**
 * The compute worker (a piscina worker thread, service/compute-pool.ts): every ranking
 * computation of the service runs here, off the event loop. It also defines the job protocol:
 * a job is plain data (structured-cloned into the worker), its kind decides the result type.
 *
 * Import graph: ranking/, HiGHS and the pure compute modules only (no database driver, no hono).
 */
import { rankTable, RankingInputError, type InputIssue, type LinearSolver, type RankInput, type RankResponse, type TaskMethod } from "../ranking/index.ts";
import { parentPort } from "node:worker_threads";
import type { CurrentScores, InstanceScores } from "../db/index.ts";
import { DomainError, type DomainErrorKind } from "./errors.ts";
import { computeInstanceLeaderboard, instanceBuffers } from "./instance-leaderboard.ts";
import { loadKemenySolver } from "./kemeny-solver.ts";
import { computeLeaderboard } from "./leaderboard-compute.ts";
import type { Leaderboard, NormalizedQuery } from "./leaderboard-types.ts";
import { computeRobustness, type Robustness } from "./robustness-compute.ts";

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
  | { kind: "rank"; input: RankInput };

/** The result type of each job kind. */
export interface ComputeResults {
  leaderboard: Leaderboard;
  instanceLeaderboard: Leaderboard;
  robustness: Robustness;
  rank: RankResponse;
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
  }
}

/**
 * Buffers a job hands over to the worker instead of copying them (the packed instance vectors:
 * 10M scores are 80 MB). They are unusable on the sending side afterwards.
 */
export function transferablesOf(job: ComputeJob): ArrayBuffer[] {
  return job.kind === "instanceLeaderboard" ? instanceBuffers(job.data) : [];
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

// HiGHS loads once per worker, before the worker takes its first job (top-level await).
const lpSolver = await loadKemenySolver();

/** What the pool sends: the job and its id. */
export interface JobEnvelope {
  id: number;
  job: ComputeJob;
}

/** Posted to the pool when a job starts running: its time limit counts from here, not from submission. */
export interface JobStarted {
  computeJobStarted: number;
}

/** The piscina entry point. */
export default function computeJob({ id, job }: JobEnvelope): JobReply {
  parentPort?.postMessage({ computeJobStarted: id } satisfies JobStarted);
  return runJobToReply(job, lpSolver);
}
