/**
 * The compute pool: every ranking computation (leaderboards, bootstrap, robustness, `POST
 * /api/v1/rank`) runs on worker threads (piscina, service/compute-worker.ts), so the event loop
 * only parses, reads the database and serves bytes.
 *
 * Admission and hard bounds, so that no input can stall or kill the process:
 * - at most `workers` jobs run and `maxQueue` wait; beyond that a job is refused at once with
 *   503 `overloaded` and Retry-After;
 * - each job has a wall-clock cap (`timeoutMs`, counted from the moment a worker starts it, so
 *   neither queueing nor a worker's start-up counts): past it the job is aborted, which
 *   terminates its worker (piscina starts a fresh one), and the client gets 503; a job still
 *   waiting for a worker after the longest legitimate wait (every job ahead of it running to
 *   the cap) is dropped with 503 too, so nothing waits forever (e.g. workers failing to start);
 * - each worker's JS heap is capped (`memoryMb`): a job that exhausts it kills only its worker
 *   (503 for that client); piscina replaces the worker.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { overloaded } from "./errors.ts";
import { transferablesOf, unwrapReply, type ComputeJob, type ComputePool, type ComputePoolStats, type ComputeResult, type JobReply } from "./compute-jobs.ts";
import type { JobEnvelope, JobStarted } from "./compute-worker.ts";

export { createInlineCompute, type ComputeJob, type ComputePool, type ComputePoolStats, type ComputeResult } from "./compute-jobs.ts";

export interface ComputePoolOptions {
  /** Worker threads (default: `os.availableParallelism()`). */
  workers?: number;
  /** Jobs that may wait for a worker beyond the running ones (default: 4 per worker, at least 8). */
  maxQueue?: number;
  /** Old-generation heap cap of each worker in MB (default 1024). Typed arrays are not counted. */
  memoryMb?: number;
  /** Wall-clock cap of a running job in ms (default 30000). */
  timeoutMs?: number;
}

export const DEFAULT_WORKER_MEMORY_MB = 1024;
export const DEFAULT_COMPUTE_TIMEOUT_MS = 30_000;
export const defaultWorkers = (): number => Math.max(1, availableParallelism());
export const defaultMaxQueue = (workers: number): number => Math.max(8, 4 * workers);

/** The pool options of a parsed Config (api/config.ts); unset fields take the defaults above. */
export function computePoolOptions(config: { computeWorkers?: number; computeQueue?: number; workerMemoryMb?: number; computeTimeoutMs?: number }): ComputePoolOptions {
  return { workers: config.computeWorkers, maxQueue: config.computeQueue, memoryMb: config.workerMemoryMb, timeoutMs: config.computeTimeoutMs };
}

export function createComputePool(options: ComputePoolOptions = {}): ComputePool {
  const workers = Math.max(1, options.workers ?? defaultWorkers());
  const maxQueue = Math.max(0, options.maxQueue ?? defaultMaxQueue(workers));
  const memoryMb = options.memoryMb ?? DEFAULT_WORKER_MEMORY_MB;
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMPUTE_TIMEOUT_MS;
  const queueWaitMs = timeoutMs * (1 + Math.ceil(maxQueue / workers));
  const piscina = new Piscina<JobEnvelope, JobReply>({
    // A JS entry that loads the TypeScript worker with tsx (see the entry for why).
    filename: new URL("./compute-worker-entry.mjs", import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: Infinity,
    // Not the parent's flags: test runners add some that worker threads reject.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: memoryMb },
  });
  // A worker that dies while idle is reported here (an unheard 'error' event would end the process).
  piscina.on("error", (err: unknown) => console.error("Podium: a compute worker failed:", err instanceof Error ? err.message : err));
  const stats: ComputePoolStats = { pending: 0, completed: 0, rejected: 0, timedOut: 0, workerDeaths: 0 };
  // Job id -> starts its clock (the worker posts JobStarted as it takes the job).
  const onStart = new Map<number, () => void>();
  let lastId = 0;
  piscina.on("message", (message: Partial<JobStarted>) => {
    if (typeof message?.computeJobStarted === "number") onStart.get(message.computeJobStarted)?.();
  });

  /** The 503 of a job the pool could not finish, or undefined for an ordinary error (a bug: 500). */
  function poolFailure(err: unknown, signal: AbortSignal, started: boolean): Error | undefined {
    if (signal.aborted) {
      stats.timedOut++;
      return started
        ? overloaded(`the computation exceeded its time limit (${timeoutMs / 1000} s); try a smaller request`)
        : overloaded("the server is busy computing other rankings; try again shortly");
    }
    const code = (err as { code?: unknown })?.code;
    const message = err instanceof Error ? err.message : "";
    if (code === "ERR_WORKER_OUT_OF_MEMORY") {
      stats.workerDeaths++;
      return overloaded(`the computation exceeded the worker memory limit (${memoryMb} MB); try a smaller request`);
    }
    if (message.startsWith("worker exited with code") || message === "Terminating worker thread") {
      stats.workerDeaths++;
      return overloaded("the computation's worker stopped; try again");
    }
    return undefined;
  }

  return {
    stats,
    async run<J extends ComputeJob>(job: J): Promise<ComputeResult<J>> {
      if (stats.pending >= workers + maxQueue) {
        stats.rejected++;
        throw overloaded("the server is busy computing other rankings; try again shortly");
      }
      stats.pending++;
      const id = ++lastId;
      const abort = new AbortController();
      // First the wait for a worker (up to queueWaitMs), then the run (up to timeoutMs).
      let started = false;
      let clock = setTimeout(() => abort.abort(), queueWaitMs);
      onStart.set(id, () => {
        started = true;
        clearTimeout(clock);
        clock = setTimeout(() => abort.abort(), timeoutMs);
      });
      try {
        const reply = await piscina.run({ id, job }, { signal: abort.signal, transferList: transferablesOf(job) });
        stats.completed++;
        return unwrapReply<J>(reply);
      } catch (err) {
        throw poolFailure(err, abort.signal, started) ?? err;
      } finally {
        clearTimeout(clock);
        onStart.delete(id);
        stats.pending--;
      }
    },
    close: () => piscina.destroy(),
  };
}
