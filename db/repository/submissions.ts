/** Systems and their immutable submissions; bulk writes are set-based (one statement per table). */
import { and, eq, sql } from "drizzle-orm";
import { query, type Db } from "../client.ts";
import { systems } from "../schema.ts";
import { bumpRevision } from "./benchmarks.ts";
import { fromJson, pgArrayLiteral, toIso } from "./util.ts";

export interface SystemInput {
  slug: string;
  /** Defaults to the slug for a new system; kept when absent for an existing one. */
  name?: string;
  url?: string;
  metadata?: unknown;
}

export interface SubmissionInput {
  system: SystemInput;
  metadata?: unknown;
  /** Already resolved to task ids (the service validates task slugs). */
  scores: { taskId: number; score: number }[];
}

export interface StoredSubmission {
  id: number;
  system: { slug: string; name: string };
  createdAt: string;
}

export interface SystemRecord {
  id: number;
  slug: string;
  name: string;
  url: string | null;
}

export interface HistoryEntry {
  id: number;
  createdAt: string;
  scores: Record<string, number>;
  /** The submission's own metadata (null when none). */
  metadata: unknown;
  /** Set when an admin retracted it (it no longer counts on the leaderboard). */
  retractedAt: string | null;
  reason: string | null;
}

/**
 * Store submissions of one benchmark and bump its revision in ONE statement (atomic on its own,
 * so callers need no transaction; inside one it works the same). The benchmark row is locked
 * late and briefly: the statement is an `update benchmarks set revision = revision + 1 ...
 * returning revision` whose condition first runs the writing CTEs (systems upsert, submissions,
 * scores), so the row lock is taken last and held only until the commit, with no round trip
 * in between. Concurrent writers of different systems write in parallel and queue only there.
 *
 * Why this stays correct: the data and the bump commit together, so a READ COMMITTED statement
 * (one snapshot) sees both or neither; a writer waiting on the row lock re-reads the committed
 * revision before adding 1, so no bump is lost and revisions follow commit order. The systems
 * upsert locks each system row (in slug order: two bulk writers cannot deadlock) before its
 * submission ids are drawn, so a system's newest submission (max id) is also its last
 * committed one. Returns the submissions in input order.
 */
export async function insertSubmissions(db: Db, benchmarkId: number, entries: SubmissionInput[]): Promise<{ revision: number; submissions: StoredSubmission[] }> {
  if (entries.length === 0) return { revision: await bumpRevision(db, benchmarkId), submissions: [] };

  // Systems: last mention of a slug wins for name/url/metadata; absent fields keep stored values.
  const bySlug = new Map<string, SystemInput>();
  for (const e of entries) bySlug.set(e.system.slug, { ...bySlug.get(e.system.slug), ...stripUndefined(e.system), slug: e.system.slug });
  const systemJson = JSON.stringify([...bySlug.values()].map((s) => ({ slug: s.slug, name: s.name, url: s.url, metadata: s.metadata })));
  const submissionJson = JSON.stringify(entries.map((e, ord) => ({ ord, slug: e.system.slug, metadata: e.metadata })));
  const ords: number[] = [];
  const taskIds: number[] = [];
  const scores: number[] = [];
  entries.forEach((e, ord) => {
    for (const s of e.scores) {
      ords.push(ord);
      taskIds.push(s.taskId);
      scores.push(s.score);
    }
  });

  // `numbered` draws submission ids after the join (so after the system rows are locked) and
  // after the sort (so in input order); MATERIALIZED: nextval runs once per submission. The
  // update's condition reads `stored` and `scored`, so every insert is done before it locks.
  const rows = await query<{ revision: number; submissions: unknown }>(
    db,
    sql`
      with system_input as (
        select * from jsonb_to_recordset(${systemJson}::jsonb) as r(slug text, name text, url text, metadata jsonb)
      ), upserted as (
        insert into systems as s (benchmark_id, slug, name, url, metadata)
        select ${benchmarkId}, i.slug, coalesce(i.name, i.slug), i.url, i.metadata from system_input i order by i.slug
        on conflict (benchmark_id, slug) do update set
          name = coalesce((select i.name from system_input i where i.slug = excluded.slug), s.name),
          url = coalesce(excluded.url, s.url),
          metadata = coalesce(excluded.metadata, s.metadata)
        returning s.id, s.slug, s.name
      ), numbered as materialized (
        select x.ord, nextval(pg_get_serial_sequence('submissions', 'id'))::int as id, u.id as system_id, x.metadata
        from jsonb_to_recordset(${submissionJson}::jsonb) as x(ord int, slug text, metadata jsonb)
        join upserted u on u.slug = x.slug
        order by x.ord
      ), stored as (
        insert into submissions (id, system_id, metadata)
        select id, system_id, metadata from numbered
        returning id, created_at
      ), scored as (
        insert into submission_scores (submission_id, task_id, score)
        select n.id, sc.task_id, sc.score
        from unnest(${pgArrayLiteral(ords)}::int[], ${pgArrayLiteral(taskIds)}::int[], ${pgArrayLiteral(scores)}::float8[]) as sc(ord, task_id, score)
        join numbered n on n.ord = sc.ord
        returning 1
      )
      update benchmarks set revision = revision + 1
      where id = ${benchmarkId} and (select count(*) from stored) + (select count(*) from scored) >= 0
      returning revision,
        (select json_agg(json_build_object('ord', n.ord, 'id', n.id, 'createdAt', st.created_at, 'slug', u.slug, 'name', u.name))
         from numbered n join stored st on st.id = n.id join upserted u on u.id = n.system_id) as submissions`,
  );
  const row = rows[0];
  if (!row) throw new Error(`benchmark ${benchmarkId} not found`);
  const byOrd = new Map(fromJson<{ ord: number; id: number; createdAt: string; slug: string; name: string }[]>(row.submissions).map((r) => [r.ord, r]));
  return {
    revision: Number(row.revision),
    submissions: entries.map((_, ord) => {
      const r = byOrd.get(ord)!;
      return { id: r.id, system: { slug: r.slug, name: r.name }, createdAt: toIso(r.createdAt) };
    }),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function getSystemBySlug(db: Db, benchmarkId: number, slug: string): Promise<SystemRecord | null> {
  const [row] = await db
    .select({ id: systems.id, slug: systems.slug, name: systems.name, url: systems.url })
    .from(systems)
    .where(and(eq(systems.benchmarkId, benchmarkId), eq(systems.slug, slug)))
    .limit(1);
  return row ?? null;
}

/** Every submission of a system with its scores (task slug -> score), newest first. */
export async function listSubmissionHistory(db: Db, systemId: number): Promise<HistoryEntry[]> {
  const rows = await query<{ id: number; created_at: unknown; scores: unknown; metadata: unknown; retracted_at: unknown; retraction_reason: string | null }>(
    db,
    sql`
      select su.id, su.created_at, su.metadata, su.retracted_at, su.retraction_reason,
        (select coalesce(json_object_agg(t.slug, sc.score order by t.position), '{}'::json)
         from submission_scores sc join tasks t on t.id = sc.task_id
         where sc.submission_id = su.id) as scores
      from submissions su
      where su.system_id = ${systemId}
      order by su.id desc`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    createdAt: toIso(r.created_at),
    scores: fromJson<Record<string, number>>(r.scores),
    metadata: fromJson(r.metadata ?? null),
    retractedAt: r.retracted_at === null || r.retracted_at === undefined ? null : toIso(r.retracted_at),
    reason: r.retraction_reason ?? null,
  }));
}
