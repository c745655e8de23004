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
}

/**
 * Store submissions of one benchmark and bump its revision; run inside a transaction.
 * Statements: revision bump (locks the benchmark row), one systems upsert, one submissions
 * insert, one `unnest` insert of every score. Returns the submissions in input order.
 */
export async function insertSubmissions(db: Db, benchmarkId: number, entries: SubmissionInput[]): Promise<{ revision: number; submissions: StoredSubmission[] }> {
  const revision = await bumpRevision(db, benchmarkId);
  if (entries.length === 0) return { revision, submissions: [] };

  // Systems: last mention of a slug wins for name/url/metadata; absent fields keep stored values.
  const bySlug = new Map<string, SystemInput>();
  for (const e of entries) bySlug.set(e.system.slug, { ...bySlug.get(e.system.slug), ...stripUndefined(e.system), slug: e.system.slug });
  const systemJson = JSON.stringify(
    [...bySlug.values()].map((s) => ({ slug: s.slug, name: s.name ?? null, url: s.url ?? null, metadata: s.metadata ?? null })),
  );
  const systemRows = await query<{ id: number; slug: string; name: string }>(
    db,
    sql`
      with input as (
        select * from jsonb_to_recordset(${systemJson}::jsonb) as r(slug text, name text, url text, metadata jsonb)
      ), upd as (
        update systems s set name = coalesce(i.name, s.name), url = coalesce(i.url, s.url),
                             metadata = coalesce(i.metadata, s.metadata)
        from input i where s.benchmark_id = ${benchmarkId} and s.slug = i.slug
        returning s.id, s.slug, s.name
      ), ins as (
        insert into systems (benchmark_id, slug, name, url, metadata)
        select ${benchmarkId}, i.slug, coalesce(i.name, i.slug), i.url, i.metadata from input i
        where not exists (select 1 from systems s where s.benchmark_id = ${benchmarkId} and s.slug = i.slug)
        returning id, slug, name
      )
      select id, slug, name from upd union all select id, slug, name from ins`,
  );
  const systemBySlug = new Map(systemRows.map((r) => [r.slug, { id: Number(r.id), slug: r.slug, name: r.name }]));

  const submissionJson = JSON.stringify(
    entries.map((e) => ({ systemId: systemBySlug.get(e.system.slug)!.id, metadata: e.metadata ?? null })),
  );
  const submissionRows = await query<{ id: number; created_at: unknown }>(
    db,
    sql`
      insert into submissions (system_id, metadata)
      select (x->>'systemId')::int, nullif(x->'metadata', 'null'::jsonb)
      from jsonb_array_elements(${submissionJson}::jsonb) with ordinality as t(x, ord)
      order by ord
      returning id, created_at`,
  );
  // Ids come from one sequence in insertion (= input) order.
  const ordered = submissionRows.map((r) => ({ id: Number(r.id), createdAt: toIso(r.created_at) })).sort((a, b) => a.id - b.id);

  const subIds: number[] = [];
  const taskIds: number[] = [];
  const scores: number[] = [];
  entries.forEach((e, i) => {
    for (const s of e.scores) {
      subIds.push(ordered[i].id);
      taskIds.push(s.taskId);
      scores.push(s.score);
    }
  });
  if (scores.length)
    await db.execute(sql`
      insert into submission_scores (submission_id, task_id, score)
      select * from unnest(${pgArrayLiteral(subIds)}::int[], ${pgArrayLiteral(taskIds)}::int[], ${pgArrayLiteral(scores)}::float8[])`);

  return {
    revision,
    submissions: entries.map((e, i) => {
      const sys = systemBySlug.get(e.system.slug)!;
      return { id: ordered[i].id, system: { slug: sys.slug, name: sys.name }, createdAt: ordered[i].createdAt };
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
  const rows = await query<{ id: number; created_at: unknown; scores: unknown }>(
    db,
    sql`
      select su.id, su.created_at,
        (select coalesce(json_object_agg(t.slug, sc.score order by t.position), '{}'::json)
         from submission_scores sc join tasks t on t.id = sc.task_id
         where sc.submission_id = su.id) as scores
      from submissions su
      where su.system_id = ${systemId}
      order by su.id desc`,
  );
  return rows.map((r) => ({ id: Number(r.id), createdAt: toIso(r.created_at), scores: fromJson<Record<string, number>>(r.scores) }));
}
