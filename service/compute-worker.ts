/**
 * The compute worker (a piscina worker thread, service/compute-pool.ts): every ranking
 * computation of the Node server runs here, off the event loop. The job protocol itself is in
 * service/compute-jobs.ts.
 *
 * Import graph: ranking/, HiGHS and the pure compute modules only (no database driver, no hono).
 */
import { parentPort } from "node:worker_threads";
import { runJobToReply, type ComputeJob, type JobReply } from "./compute-jobs.ts";
import { loadKemenySolver } from "./kemeny-solver.ts";

export { runJob, runJobToReply, unwrapReply, type BenchmarkName, type ComputeJob, type ComputeResult, type ComputeResults, type JobReply } from "./compute-jobs.ts";

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
