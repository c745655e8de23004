/** Submission actions: all-or-nothing (bulk) submit and a system's history. */
import {
  noteRowsWritten,
  getSystemDetails,
  insertSubmissions,
  isTransientConflict,
  listSubmissionHistory,
  type Db,
  type HistoryEntry,
  type StoredSubmission,
  type SubmissionInput,
  type SystemInput,
  type SystemDetails,
} from "../db/index.ts";
import { requireBenchmarkWriter, type Principal } from "./auth.ts";
import { getBenchmark, requireBenchmark } from "./benchmarks.ts";
import { invalid, notFound, rejectingBadData, type FieldIssue } from "./errors.ts";

export interface SubmissionRequest {
  system: SystemInput;
  scores: Record<string, number>;
  metadata?: unknown;
}

export type { HistoryEntry, StoredSubmission };

/**
 * Store one or many submissions, all or nothing (one statement). Order of checks: benchmark exists (404),
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
  // One statement reads the benchmark and its tasks (which never change after creation), one
  // writes everything and bumps the revision (insertSubmissions): no transaction round trips.
  const benchmark = await getBenchmark(db, benchmarkSlug);
  requireBenchmarkWriter(principal, benchmark.id);
  if (requests.length === 0) throw invalid("no submissions", [{ field: "submissions", message: "at least one submission is required" }]);

  const taskIds = new Map(benchmark.tasks.map((t) => [t.slug, t.id]));
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
  const stored = await rejectingBadData(retryingConflicts(() => insertSubmissions(db, benchmark.id, entries)), bulk ? { submissions: requests } : requests[0]);
  noteRowsWritten(db, ["systems", "submissions"], entries.length);
  noteRowsWritten(db, ["submission_scores"], entries.reduce((n, e) => n + e.scores.length, 0));
  return stored;
}

/**
 * Run a single-statement write again when PostgreSQL chose it as a deadlock victim (possible
 * against an instance upload creating the same new system: it locks the benchmark first). The
 * statement was rolled back, so running it again is safe.
 */
async function retryingConflicts<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts || !isTransientConflict(err)) throw err;
    }
  }
}

/** A system (hidden ones too: their history stays readable) and its submissions, newest first (retracted ones included). */
export async function history(db: Db, benchmarkSlug: string, systemSlug: string): Promise<{ system: SystemDetails; submissions: HistoryEntry[] }> {
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  const system = await getSystemDetails(db, benchmark.id, systemSlug);
  if (!system) throw notFound(`no system "${systemSlug}" in benchmark "${benchmarkSlug}"`);
  return { system, submissions: await listSubmissionHistory(db, system.id) };
}
