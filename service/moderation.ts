/**
 * Moderation and editing (admin only): hide, unhide and edit systems, retract submissions, edit a
 * benchmark and its tasks, delete a benchmark. Each change is one transaction that writes an
 * audit entry and bumps the benchmark's revision (so cached leaderboards, pages, badges and
 * their ETags move on). Hidden systems are left out of what the leaderboards read
 * (db loadCurrentScores; `visibleInstanceScores` for the instance level).
 */
import {
  bumpRevision,
  deleteBenchmarkRow,
  getBenchmarkWithTasks,
  insertAuditEntry,
  listAuditEntries,
  retractSubmission,
  systemFlags,
  transaction,
  updateBenchmarkFields,
  updateSystem,
  upsertTasks,
  type AuditEntry,
  type BenchmarkWithTasks,
  type Db,
  type InstanceScores,
  type RetractedSubmission,
  type SystemDetails,
  type TaskPatch,
} from "../db/index.ts";
import { requireAdmin, type Principal } from "./auth.ts";
import { requireBenchmark } from "./benchmarks.ts";
import { invalid, notFound, rejectingBadData, type FieldIssue } from "./errors.ts";

export type { AuditEntry, RetractedSubmission, SystemDetails, TaskPatch };

export interface SystemEdit {
  hidden?: boolean;
  reason?: string;
  name?: string;
  url?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface BenchmarkEdit {
  name?: string;
  description?: string | null;
  tasks?: TaskPatch[];
}

const tokenIdOf = (principal: Principal) => principal.tokenId ?? null;

/** Hide/unhide (with a reason) or edit a system's name, url and metadata. */
export async function editSystem(db: Db, principal: Principal, benchmarkSlug: string, systemSlug: string, edit: SystemEdit): Promise<SystemDetails> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  const { reason, ...fields } = edit;
  if (Object.values(fields).every((v) => v === undefined))
    throw invalid("nothing to change", [{ field: "body", message: "give at least one of hidden, name, url, metadata" }]);
  const action = edit.hidden === true ? "system.hide" : edit.hidden === false ? "system.unhide" : "system.edit";
  return rejectingBadData(
    transaction(db, async (tx) => {
      const system = await updateSystem(tx, benchmark.id, systemSlug, { ...fields, hiddenReason: edit.hidden ? (reason ?? null) : undefined });
      if (!system) throw notFound(`no system "${systemSlug}" in benchmark "${benchmarkSlug}"`);
      await insertAuditEntry(tx, { benchmarkId: benchmark.id, benchmarkSlug, tokenId: tokenIdOf(principal), action, target: `system:${systemSlug}`, reason: reason ?? null, details: fields });
      await bumpRevision(tx, benchmark.id);
      return system;
    }),
    edit,
  );
}

/** Retract a submission (soft: kept in the history); the system's newest remaining submission counts. */
export async function retract(db: Db, principal: Principal, benchmarkSlug: string, submissionId: number, reason?: string): Promise<RetractedSubmission> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  return rejectingBadData(
    transaction(db, async (tx) => {
      const retracted = await retractSubmission(tx, benchmark.id, submissionId, reason ?? null);
      if (!retracted) throw notFound(`no submission ${submissionId} in benchmark "${benchmarkSlug}"`);
      await insertAuditEntry(tx, {
        benchmarkId: benchmark.id,
        benchmarkSlug,
        tokenId: tokenIdOf(principal),
        action: "submission.retract",
        target: `submission:${submissionId}`,
        reason: reason ?? null,
        details: { system: retracted.system },
      });
      await bumpRevision(tx, benchmark.id);
      return retracted;
    }),
    { reason },
  );
}

/** Edit the name and description, edit tasks by slug, add new tasks. */
export async function editBenchmark(db: Db, principal: Principal, benchmarkSlug: string, edit: BenchmarkEdit): Promise<BenchmarkWithTasks> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  const tasks = edit.tasks ?? [];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  tasks.forEach((t, i) => {
    if (seen.has(t.slug)) issues.push({ field: `tasks[${i}].slug`, message: `duplicate task slug "${t.slug}"` });
    seen.add(t.slug);
  });
  if (issues.length) throw invalid("invalid benchmark edit", issues);
  if (edit.name === undefined && edit.description === undefined && tasks.length === 0)
    throw invalid("nothing to change", [{ field: "body", message: "give at least one of name, description, tasks" }]);
  return rejectingBadData(
    transaction(db, async (tx) => {
      await updateBenchmarkFields(tx, benchmark.id, { name: edit.name, description: edit.description });
      const added = await upsertTasks(tx, benchmark.id, tasks);
      await insertAuditEntry(tx, {
        benchmarkId: benchmark.id,
        benchmarkSlug,
        tokenId: tokenIdOf(principal),
        action: "benchmark.edit",
        target: `benchmark:${benchmarkSlug}`,
        details: { ...edit, addedTasks: added },
      });
      await bumpRevision(tx, benchmark.id);
      const updated = await getBenchmarkWithTasks(tx, benchmarkSlug);
      if (!updated) throw notFound(`no benchmark "${benchmarkSlug}"`);
      return updated;
    }),
    edit,
  );
}

/** Delete a benchmark with everything in it; `confirm` must repeat its slug. */
export async function deleteBenchmark(db: Db, principal: Principal, benchmarkSlug: string, confirm: string | undefined): Promise<void> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  if (confirm !== benchmarkSlug)
    throw invalid("deleting a benchmark needs ?confirm=<its slug>", [{ field: "confirm", message: `must be "${benchmarkSlug}"` }]);
  await transaction(db, async (tx) => {
    await insertAuditEntry(tx, { benchmarkId: null, benchmarkSlug, tokenId: tokenIdOf(principal), action: "benchmark.delete", target: `benchmark:${benchmarkSlug}` });
    if (!(await deleteBenchmarkRow(tx, benchmark.id))) throw notFound(`no benchmark "${benchmarkSlug}"`);
  });
}

/** The benchmark's audit log, newest first. */
export async function audit(db: Db, principal: Principal, benchmarkSlug: string): Promise<AuditEntry[]> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  return listAuditEntries(db, benchmark.id);
}

/**
 * An instance-level snapshot without hidden systems, each system carrying its metadata (the
 * instance leaderboard shows it). Hidden ones are dropped with their cells.
 */
export async function visibleInstanceScores(db: Db, benchmarkId: number, data: InstanceScores | null): Promise<InstanceScores | null> {
  if (!data || data.systems.length === 0) return data;
  const flags = await systemFlags(db, benchmarkId);
  const visible = (id: number) => flags.get(id)?.hidden !== true;
  return {
    ...data,
    systems: data.systems.filter((s) => visible(s.id)).map((s) => ({ ...s, metadata: flags.get(s.id)?.metadata ?? null })),
    cells: data.cells.filter((c) => visible(c.systemId)),
  };
}
