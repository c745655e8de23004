/**
 * Export and restore (API.md "Export and restore"): the rows of a benchmark read for an NDJSON
 * export, and their set-based re-insertion by a restore (inside the caller's transaction).
 * Instance-level scores are not here: they go through the instance repository/service (the
 * export reads loadInstanceScores, the restore uploads through uploadInstanceScores).
 */
import { sql } from "drizzle-orm";
import { query, type Db } from "../client.ts";
import type { SystemDetails } from "./moderation.ts";
import type { TaskRecord } from "./benchmarks.ts";
import { fromJson, toIso } from "./util.ts";

/** A system as exported: its details without the database id. */
export type ExportedSystem = Omit<SystemDetails, "id">;

export interface ExportedSubmission {
  id: number;
  system: string;
  createdAt: string;
  metadata: unknown;
  retractedAt: string | null;
  reason: string | null;
  scores: Record<string, number>;
}

export async function listSystemsForExport(db: Db, benchmarkId: number): Promise<ExportedSystem[]> {
  const rows = await query<{ slug: string; name: string; url: string | null; metadata: unknown; hidden: boolean; hidden_reason: string | null; created_at: unknown }>(
    db,
    sql`select slug, name, url, metadata, hidden, hidden_reason, created_at from systems where benchmark_id = ${benchmarkId} order by id`,
  );
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    url: r.url,
    metadata: fromJson(r.metadata ?? null),
    hidden: r.hidden,
    hiddenReason: r.hidden_reason,
    createdAt: toIso(r.created_at),
  }));
}

/** Submissions of a benchmark with ids above `afterId`, by id, at most `limit` (keyset pages for streaming). */
export async function listSubmissionsForExport(db: Db, benchmarkId: number, afterId: number, limit: number): Promise<ExportedSubmission[]> {
  const rows = await query<{ id: number; slug: string; created_at: unknown; metadata: unknown; retracted_at: unknown; retraction_reason: string | null; scores: unknown }>(
    db,
    sql`
      select su.id, sy.slug, su.created_at, su.metadata, su.retracted_at, su.retraction_reason,
        (select coalesce(json_object_agg(t.slug, sc.score order by t.position), '{}'::json)
         from submission_scores sc join tasks t on t.id = sc.task_id where sc.submission_id = su.id) as scores
      from submissions su join systems sy on sy.id = su.system_id
      where sy.benchmark_id = ${benchmarkId} and su.id > ${afterId}
      order by su.id limit ${limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    system: r.slug,
    createdAt: toIso(r.created_at),
    metadata: fromJson(r.metadata ?? null),
    retractedAt: r.retracted_at === null || r.retracted_at === undefined ? null : toIso(r.retracted_at),
    reason: r.retraction_reason,
    scores: fromJson<Record<string, number>>(r.scores),
  }));
}

/** A task as restored: its record without the database id. */
export type RestoredTask = Omit<TaskRecord, "id">;

export interface RestoredBenchmark {
  /** Kept when free (see `idsFree`), else a new one. */
  id?: number;
  slug: string;
  name: string;
  description: string | null;
  createdAt: string;
  tasks: RestoredTask[];
  systems: ExportedSystem[];
}

/** True when none of these ids is taken in `table` (the restore can then keep them). */
export async function idsFree(db: Db, table: "benchmarks" | "submissions" | "instance_uploads", ids: number[]): Promise<boolean> {
  if (ids.length === 0) return true;
  const [row] = await query<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)} where id = any(${`{${ids.join(",")}}`}::int[])`);
  return Number(row.n) === 0;
}

/** Move a serial sequence past the largest id of its table (after rows were inserted with explicit ids). */
export async function syncSequence(db: Db, table: "benchmarks" | "submissions" | "instance_uploads"): Promise<void> {
  await db.execute(
    sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select coalesce(max(id), 0) from ${sql.identifier(table)}), (select last_value from ${sql.raw(`${table}_id_seq`)})))`,
  );
}

/** Insert a benchmark with its tasks and systems; returns its id and the system ids by slug. */
export async function insertRestoredBenchmark(db: Db, b: RestoredBenchmark): Promise<{ id: number; systemIds: Map<string, number>; taskIds: Map<string, number> }> {
  const [row] = b.id !== undefined
    ? await query<{ id: number }>(db, sql`insert into benchmarks (id, slug, name, description, created_at) values (${b.id}, ${b.slug}, ${b.name}, ${b.description}, ${b.createdAt}) returning id`)
    : await query<{ id: number }>(db, sql`insert into benchmarks (slug, name, description, created_at) values (${b.slug}, ${b.name}, ${b.description}, ${b.createdAt}) returning id`);
  const id = Number(row.id);
  const tasks = await query<{ id: number; slug: string }>(
    db,
    sql`
      insert into tasks (benchmark_id, slug, name, metric, higher_is_better, weight, "group", position)
      select ${id}, t.slug, t.name, t.metric, t."higherIsBetter", t.weight, t."group", t.position
      from jsonb_to_recordset(${JSON.stringify(b.tasks)}::jsonb) as t(slug text, name text, metric text, "higherIsBetter" boolean, weight float8, "group" text, position int)
      returning id, slug`,
  );
  const systems = b.systems.length
    ? await query<{ id: number; slug: string }>(
        db,
        sql`
          insert into systems (benchmark_id, slug, name, url, metadata, hidden, hidden_reason, created_at)
          select ${id}, s.slug, s.name, s.url, s.metadata, s.hidden, s."hiddenReason", s."createdAt"
          from jsonb_to_recordset(${JSON.stringify(b.systems.map((s, ord) => ({ ...s, ord })))}::jsonb)
            as s(ord int, slug text, name text, url text, metadata jsonb, hidden boolean, "hiddenReason" text, "createdAt" timestamptz)
          order by s.ord
          returning id, slug`,
      )
    : [];
  return { id, systemIds: new Map(systems.map((s) => [s.slug, Number(s.id)])), taskIds: new Map(tasks.map((t) => [t.slug, Number(t.id)])) };
}

/**
 * Insert a page of submissions (in id order) with their scores, in one statement; `keepIds`
 * inserts them under their exported ids. Slugs are resolved by the maps of insertRestoredBenchmark.
 */
export async function insertRestoredSubmissions(
  db: Db,
  entries: ExportedSubmission[],
  systemIds: ReadonlyMap<string, number>,
  taskIds: ReadonlyMap<string, number>,
  keepIds: boolean,
): Promise<void> {
  if (entries.length === 0) return;
  const subs = entries.map((e, ord) => ({ ord, id: e.id, systemId: systemIds.get(e.system)!, createdAt: e.createdAt, metadata: e.metadata, retractedAt: e.retractedAt, reason: e.reason }));
  const scores = entries.flatMap((e, ord) => Object.entries(e.scores).map(([task, score]) => ({ ord, taskId: taskIds.get(task)!, score })));
  await db.execute(sql`
    with input as materialized (
      select s.ord, ${keepIds ? sql`s.id` : sql`nextval(pg_get_serial_sequence('submissions', 'id'))::int`} as id, s."systemId", s."createdAt", s.metadata, s."retractedAt", s.reason
      from jsonb_to_recordset(${JSON.stringify(subs)}::jsonb)
        as s(ord int, id int, "systemId" int, "createdAt" timestamptz, metadata jsonb, "retractedAt" timestamptz, reason text)
      order by s.ord
    ), stored as (
      insert into submissions (id, system_id, created_at, metadata, retracted_at, retraction_reason)
      select id, "systemId", "createdAt", metadata, "retractedAt", reason from input order by ord
      returning id
    )
    insert into submission_scores (submission_id, task_id, score)
    select i.id, sc."taskId", sc.score
    from jsonb_to_recordset(${JSON.stringify(scores)}::jsonb) as sc(ord int, "taskId" int, score float8)
    join input i on i.ord = sc.ord
    where (select count(*) from stored) >= 0`);
}

/** Give a restored instance upload its exported id (when free) and time. */
export async function restoreInstanceUploadIdentity(db: Db, uploadId: number, exported: { id?: number; createdAt: string }): Promise<void> {
  if (exported.id !== undefined && exported.id !== uploadId)
    await db.execute(sql`update instance_uploads set id = ${exported.id}, created_at = ${exported.createdAt} where id = ${uploadId}`);
  else await db.execute(sql`update instance_uploads set created_at = ${exported.createdAt} where id = ${uploadId}`);
}

/** Set a restored benchmark's revision (the exported one, so ETags and leaderboards match). */
export async function setRevision(db: Db, benchmarkId: number, revision: number): Promise<void> {
  await db.execute(sql`update benchmarks set revision = ${revision} where id = ${benchmarkId}`);
}

/** Restore audit entries (their times and token ids as exported). */
export async function insertRestoredAudit(
  db: Db,
  benchmarkId: number,
  benchmarkSlug: string,
  entries: { at: string; tokenId: number | null; action: string; target: string; reason: string | null; details: unknown }[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.execute(sql`
    insert into audit_log (benchmark_id, benchmark_slug, token_id, action, target, reason, details, at)
    select ${benchmarkId}, ${benchmarkSlug}, a."tokenId", a.action, a.target, a.reason, a.details, a.at
    from jsonb_to_recordset(${JSON.stringify([...entries].reverse())}::jsonb)
      as a(at timestamptz, "tokenId" int, action text, target text, reason text, details jsonb)`);
}
