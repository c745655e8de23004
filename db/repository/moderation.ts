/**
 * Moderation and editing (admin): hide/unhide and edit systems, retract submissions, edit a
 * benchmark and its tasks, delete a benchmark, and the audit log of all of it. Call the writes
 * inside one transaction with `insertAuditEntry` and `bumpRevision` (last: it locks the row).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { query, type Db } from "../client.ts";
import { auditLog, benchmarks, systems } from "../schema.ts";
import type { NewTask } from "./benchmarks.ts";
import { fromJson, toIso } from "./util.ts";

export interface SystemDetails {
  id: number;
  slug: string;
  name: string;
  url: string | null;
  metadata: unknown;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: string;
}

export interface SystemPatch {
  name?: string;
  /** null clears it. */
  url?: string | null;
  metadata?: unknown;
  hidden?: boolean;
  /** Stored with `hidden: true`; cleared on unhide. */
  hiddenReason?: string | null;
}

const systemColumns = {
  id: systems.id,
  slug: systems.slug,
  name: systems.name,
  url: systems.url,
  metadata: systems.metadata,
  hidden: systems.hidden,
  hiddenReason: systems.hiddenReason,
  createdAt: systems.createdAt,
};

function toSystem(row: Omit<SystemDetails, "createdAt"> & { createdAt: Date | string }): SystemDetails {
  return { ...row, metadata: row.metadata ?? null, createdAt: toIso(row.createdAt) };
}

export async function getSystemDetails(db: Db, benchmarkId: number, slug: string): Promise<SystemDetails | null> {
  const [row] = await db
    .select(systemColumns)
    .from(systems)
    .where(and(eq(systems.benchmarkId, benchmarkId), eq(systems.slug, slug)))
    .limit(1);
  return row ? toSystem(row) : null;
}

/** Apply `patch` to a system; null when there is no such system. */
export async function updateSystem(db: Db, benchmarkId: number, slug: string, patch: SystemPatch): Promise<SystemDetails | null> {
  const set: Partial<typeof systems.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.metadata !== undefined) set.metadata = patch.metadata;
  if (patch.hidden !== undefined) {
    set.hidden = patch.hidden;
    set.hiddenReason = patch.hidden ? (patch.hiddenReason ?? null) : null;
  }
  if (Object.keys(set).length === 0) return getSystemDetails(db, benchmarkId, slug);
  const [row] = await db
    .update(systems)
    .set(set)
    .where(and(eq(systems.benchmarkId, benchmarkId), eq(systems.slug, slug)))
    .returning(systemColumns);
  return row ? toSystem(row) : null;
}

export interface RetractedSubmission {
  id: number;
  system: string;
  retractedAt: string;
  reason: string | null;
}

/**
 * Retract a submission of the benchmark (idempotent: an already retracted one keeps its time and
 * reason). null when the id is no submission of this benchmark.
 */
export async function retractSubmission(db: Db, benchmarkId: number, submissionId: number, reason: string | null): Promise<RetractedSubmission | null> {
  const rows = await query<{ id: number; slug: string; retracted_at: unknown; retraction_reason: string | null }>(
    db,
    sql`
      update submissions su set
        retracted_at = coalesce(su.retracted_at, now()),
        retraction_reason = case when su.retracted_at is null then ${reason} else su.retraction_reason end
      from systems sy
      where su.id = ${submissionId} and sy.id = su.system_id and sy.benchmark_id = ${benchmarkId}
      returning su.id, sy.slug, su.retracted_at, su.retraction_reason`,
  );
  const row = rows[0];
  return row ? { id: Number(row.id), system: row.slug, retractedAt: toIso(row.retracted_at), reason: row.retraction_reason } : null;
}

/** Edit a benchmark's name/description (absent: kept). */
export async function updateBenchmarkFields(db: Db, benchmarkId: number, patch: { name?: string; description?: string | null }): Promise<void> {
  const set: Partial<typeof benchmarks.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (Object.keys(set).length) await db.update(benchmarks).set(set).where(eq(benchmarks.id, benchmarkId));
}

/** A task edit: the slug names it; absent fields are kept (a new task takes the defaults). */
export type TaskPatch = Partial<Omit<NewTask, "slug">> & { slug: string };

/**
 * Edit tasks by slug and append the new ones (after the last position), in one statement.
 * Returns the slugs added.
 */
export async function upsertTasks(db: Db, benchmarkId: number, patches: TaskPatch[]): Promise<string[]> {
  if (patches.length === 0) return [];
  const json = JSON.stringify(patches.map((p, ord) => ({ ord, ...p })));
  const rows = await query<{ slug: string; inserted: boolean }>(
    db,
    sql`
      with input as (
        select * from jsonb_to_recordset(${json}::jsonb)
          as r(ord int, slug text, name text, metric text, "higherIsBetter" boolean, weight float8, "group" text)
      ), base as (
        select coalesce(max(position), -1) as top from tasks where benchmark_id = ${benchmarkId}
      )
      insert into tasks as t (benchmark_id, slug, name, metric, higher_is_better, weight, "group", position)
      select ${benchmarkId}, i.slug, coalesce(i.name, i.slug), i.metric, coalesce(i."higherIsBetter", true), coalesce(i.weight, 1), i."group",
        base.top + row_number() over (order by i.ord)
      from input i, base
      on conflict (benchmark_id, slug) do update set
        name = coalesce((select i.name from input i where i.slug = excluded.slug), t.name),
        metric = coalesce((select i.metric from input i where i.slug = excluded.slug), t.metric),
        higher_is_better = coalesce((select i."higherIsBetter" from input i where i.slug = excluded.slug), t.higher_is_better),
        weight = coalesce((select i.weight from input i where i.slug = excluded.slug), t.weight),
        "group" = coalesce((select i."group" from input i where i.slug = excluded.slug), t."group")
      returning t.slug, (xmax = 0) as inserted`,
  );
  return rows.filter((r) => r.inserted).map((r) => r.slug);
}

/** Delete a benchmark and everything in it (cascades). False when it was already gone. */
export async function deleteBenchmarkRow(db: Db, benchmarkId: number): Promise<boolean> {
  const rows = await db.delete(benchmarks).where(eq(benchmarks.id, benchmarkId)).returning({ id: benchmarks.id });
  return rows.length > 0;
}

export interface AuditEntryInput {
  benchmarkId: number | null;
  benchmarkSlug: string;
  tokenId: number | null;
  action: string;
  target: string;
  reason?: string | null;
  details?: unknown;
}

export interface AuditEntry {
  id: number;
  at: string;
  tokenId: number | null;
  action: string;
  target: string;
  reason: string | null;
  details: unknown;
}

export async function insertAuditEntry(db: Db, entry: AuditEntryInput): Promise<void> {
  await db.insert(auditLog).values({ ...entry, reason: entry.reason ?? null, details: entry.details ?? null });
}

/** A benchmark's audit entries, newest first (at most `limit`). */
export async function listAuditEntries(db: Db, benchmarkId: number, limit = 1000): Promise<AuditEntry[]> {
  const rows = await db
    .select({ id: auditLog.id, at: auditLog.at, tokenId: auditLog.tokenId, action: auditLog.action, target: auditLog.target, reason: auditLog.reason, details: auditLog.details })
    .from(auditLog)
    .where(eq(auditLog.benchmarkId, benchmarkId))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, at: toIso(r.at), details: fromJson(r.details ?? null) }));
}

/** Systems of a benchmark as moderation sees them: id -> hidden and metadata (for views read elsewhere). */
export async function systemFlags(db: Db, benchmarkId: number): Promise<Map<number, { hidden: boolean; metadata: unknown }>> {
  const rows = await db
    .select({ id: systems.id, hidden: systems.hidden, metadata: systems.metadata })
    .from(systems)
    .where(eq(systems.benchmarkId, benchmarkId));
  return new Map(rows.map((r) => [r.id, { hidden: r.hidden, metadata: r.metadata ?? null }]));
}

