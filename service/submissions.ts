/** Submission actions: all-or-nothing (bulk) submit and a system's history. */
import {
  getSystemBySlug,
  insertSubmissions,
  listSubmissionHistory,
  listTasks,
  transaction,
  type Db,
  type HistoryEntry,
  type StoredSubmission,
  type SubmissionInput,
  type SystemInput,
} from "../db/index.ts";
import { requireBenchmarkWriter, type Principal } from "./auth.ts";
import { requireBenchmark } from "./benchmarks.ts";
import { invalid, notFound, rejectingBadData, type FieldIssue } from "./errors.ts";

export interface SubmissionRequest {
  system: SystemInput;
  scores: Record<string, number>;
  metadata?: unknown;
}

export type { HistoryEntry, StoredSubmission };

/**
 * Store one or many submissions in one transaction. Order of checks: benchmark exists (404),
 * the principal may write to it (403), then every task slug and score is valid (400) — with
 * `details` naming `submissions[i].scores.<task>` (or `scores.<task>` when `bulk` is false).
 */
export async function submit(
  db: Db,
  principal: Principal,
  benchmarkSlug: string,
  requests: SubmissionRequest[],
  bulk = true,
): Promise<{ revision: number; submissions: StoredSubmission[] }> {
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  requireBenchmarkWriter(principal, benchmark.id);
  if (requests.length === 0) throw invalid("no submissions", [{ field: "submissions", message: "at least one submission is required" }]);

  // Tasks never change after creation: validate before the transaction, which then holds its
  // connection for two statements and the benchmark row lock only for the last (insertSubmissions).
  const taskIds = new Map((await listTasks(db, benchmark.id)).map((t) => [t.slug, t.id]));
  const issues: FieldIssue[] = [];
  const entries: SubmissionInput[] = requests.map((req, i) => {
    const prefix = bulk ? `submissions[${i}].` : "";
    const scores: SubmissionInput["scores"] = [];
    const keys = Object.keys(req.scores);
    if (keys.length === 0) issues.push({ field: `${prefix}scores`, message: "at least one score is required" });
    for (const key of keys) {
      const taskId = taskIds.get(key);
      const score = req.scores[key];
      if (taskId === undefined) issues.push({ field: `${prefix}scores.${key}`, message: `unknown task "${key}"` });
      else if (typeof score !== "number" || !Number.isFinite(score)) issues.push({ field: `${prefix}scores.${key}`, message: "score must be a finite number" });
      else scores.push({ taskId, score });
    }
    return { system: req.system, metadata: req.metadata, scores };
  });
  if (issues.length) throw invalid("invalid submission", issues);
  return rejectingBadData(transaction(db, (tx) => insertSubmissions(tx, benchmark.id, entries)));
}

/** A system's submissions, newest first. */
export async function history(db: Db, benchmarkSlug: string, systemSlug: string): Promise<HistoryEntry[]> {
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  const system = await getSystemBySlug(db, benchmark.id, systemSlug);
  if (!system) throw notFound(`no system "${systemSlug}" in benchmark "${benchmarkSlug}"`);
  return listSubmissionHistory(db, system.id);
}
