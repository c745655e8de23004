/**
 * Instance-level scores, packed: instance ids are interned per benchmark (`instance_names`, dense
 * ordinals) and a system's scores on a task are ONE row of `instance_vectors` holding
 * little-endian float64 values indexed by ordinal (NaN: no score). An upload replaces a system's
 * vectors with one statement; a leaderboard reads every vector of a benchmark with one statement.
 *
 * Vectors travel as base64 text in both directions: PGlite decodes a raw bytea result in
 * JavaScript byte by byte (10M scores: 5.9 s, base64: 0.27 s), postgres.js is as fast either way
 * (README "Instance-level storage" has the measurements).
 */
import { sql } from "drizzle-orm";
import { query, type Db } from "../client.ts";
import { TASKS_OF_B, type TaskRecord } from "./benchmarks.ts";
import { fromJson, pgArrayLiteral, pgTextArrayLiteral, toIso } from "./util.ts";

/** Bytes of one packed score. */
export const SCORE_BYTES = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of a vector as stored (little-endian float64, whatever this machine's byte order). */
export function vectorBytes(scores: Float64Array): Uint8Array {
  const bytes = new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < scores.length; i++) view.setFloat64(i * SCORE_BYTES, scores[i], true);
  return out;
}

/** A stored vector's bytes as a fresh (own, transferable) Float64Array. */
export function vectorOf(bytes: Uint8Array): Float64Array {
  const length = Math.floor(bytes.byteLength / SCORE_BYTES);
  const out = new Float64Array(length);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, length * SCORE_BYTES));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * SCORE_BYTES, true);
  }
  return out;
}

const base64Of = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const bytesOfBase64 = (text: string): Uint8Array => Buffer.from(text, "base64");

/** The interned instance ids of a benchmark, by ordinal (index = ordinal). */
export async function loadInstanceNames(db: Db, benchmarkId: number): Promise<string[]> {
  const [row] = await query<{ names: unknown }>(
    db,
    sql`select coalesce(json_agg(name order by ordinal), '[]'::json) as names from instance_names where benchmark_id = ${benchmarkId}`,
  );
  return fromJson<string[]>(row?.names ?? []);
}

/**
 * Intern `names` (ids new to the benchmark as of an earlier read) inside the caller's transaction,
 * after the benchmark's row lock (bumpRevision) so ordinals stay dense: returns each name's
 * ordinal, in order. Ids interned meanwhile by another upload keep their ordinal.
 */
export async function internInstanceNames(db: Db, benchmarkId: number, names: readonly string[]): Promise<Int32Array> {
  const out = new Int32Array(names.length);
  if (names.length === 0) return out;
  const rows = await query<{ ordinals: unknown }>(
    db,
    sql`
      with given as (
        select n.name, n.ord from unnest(${pgTextArrayLiteral(names)}::text[]) with ordinality as n(name, ord)
      ), known as (
        select g.ord, i.ordinal from given g join instance_names i on i.benchmark_id = ${benchmarkId} and i.name = g.name
      ), base as (
        select coalesce(max(ordinal) + 1, 0) as next from instance_names where benchmark_id = ${benchmarkId}
      ), added as (
        insert into instance_names (benchmark_id, ordinal, name)
        select ${benchmarkId}, base.next + (row_number() over (order by g.ord))::int - 1, g.name
        from given g cross join base
        where not exists (select 1 from known k where k.ord = g.ord)
        returning name, ordinal
      )
      select coalesce(json_agg(o.ordinal order by g.ord), '[]'::json) as ordinals from given g
      join (select ord, ordinal from known
            union all select g2.ord, a.ordinal from added a join given g2 on g2.name = a.name) o on o.ord = g.ord`,
  );
  const ordinals = fromJson<number[]>(rows[0]?.ordinals ?? []);
  if (ordinals.length !== names.length) throw new Error(`interned ${ordinals.length} of ${names.length} instance ids`);
  for (let i = 0; i < ordinals.length; i++) out[i] = ordinals[i];
  return out;
}

/** One (task, vector) of an upload. */
export interface InstanceVector {
  taskId: number;
  /** Indexed by instance ordinal; NaN: no score. */
  scores: Float64Array;
}

/**
 * Replace a system's instance scores inside the caller's transaction (after bumpRevision): create
 * the system if new (name = slug), delete its vectors, insert `vectors` with ONE statement (all of
 * them in one base64 parameter, cut by offsets server-side), record the upload. Every task must
 * belong to the system's benchmark (else an Error: a caller bug; the foreign keys hold either way).
 */
export async function replaceInstanceVectors(
  db: Db,
  benchmarkId: number,
  systemSlug: string,
  vectors: readonly InstanceVector[],
  rowCount: number,
): Promise<{ systemId: number; uploadId: number; createdAt: string }> {
  const [system] = await query<{ id: number }>(
    db,
    sql`
      with ins as (
        insert into systems (benchmark_id, slug, name) values (${benchmarkId}, ${systemSlug}, ${systemSlug})
        on conflict (benchmark_id, slug) do nothing returning id
      )
      select id from ins union all
      select id from systems where benchmark_id = ${benchmarkId} and slug = ${systemSlug}`,
  );
  const systemId = Number(system.id);
  await db.execute(sql`delete from instance_vectors where system_id = ${systemId}`);
  if (vectors.length) {
    const parts = vectors.map((v) => vectorBytes(v.scores));
    const offsets: number[] = [];
    const lengths: number[] = [];
    let offset = 0;
    for (const p of parts) {
      offsets.push(offset);
      lengths.push(p.byteLength);
      offset += p.byteLength;
    }
    const all = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
    const written = await query<{ n: number }>(
      db,
      sql`
        with blob as (select decode(${all.toString("base64")}, 'base64') as b),
        ins as (
          insert into instance_vectors (system_id, task_id, scores)
          select ${systemId}, v.task_id, substring(blob.b from v.off + 1 for v.len)
          from blob, unnest(${pgArrayLiteral(vectors.map((v) => v.taskId))}::int[], ${pgArrayLiteral(offsets)}::int[], ${pgArrayLiteral(lengths)}::int[]) as v(task_id, off, len)
          where exists (select 1 from tasks t where t.id = v.task_id and t.benchmark_id = ${benchmarkId})
          returning 1
        )
        select count(*)::int as n from ins`,
    );
    if (Number(written[0].n) !== vectors.length) throw new Error(`a task of the upload is not a task of benchmark ${benchmarkId}`);
  }
  const [upload] = await query<{ id: number; created_at: unknown }>(
    db,
    sql`insert into instance_uploads (system_id, row_count) values (${systemId}, ${rowCount}) returning id, created_at`,
  );
  return { systemId, uploadId: Number(upload.id), createdAt: toIso(upload.created_at) };
}

export interface InstanceUploadRecord {
  id: number;
  rows: number;
  createdAt: string;
}

/** A system's instance uploads, newest first (at most `limit`); null when the system is unknown. */
export async function listInstanceUploads(db: Db, benchmarkId: number, systemSlug: string, limit = 100): Promise<InstanceUploadRecord[] | null> {
  const [row] = await query<{ uploads: unknown }>(
    db,
    sql`
      select (select coalesce(json_agg(json_build_object('id', u.id, 'rows', u.row_count, 'createdAt', u.created_at) order by u.id desc), '[]'::json)
              from (select * from instance_uploads where system_id = s.id order by id desc limit ${limit}) u) as uploads
      from systems s where s.benchmark_id = ${benchmarkId} and s.slug = ${systemSlug}`,
  );
  if (!row) return null;
  return fromJson<{ id: number; rows: number; createdAt: unknown }[]>(row.uploads).map((u) => ({ id: Number(u.id), rows: Number(u.rows), createdAt: toIso(u.createdAt) }));
}

export interface InstanceSystem {
  id: number;
  slug: string;
  name: string;
  url: string | null;
  /** The system's newest instance upload. */
  uploadId: number;
  uploadedAt: string;
}

/** (task, system) cell: the system's packed scores on that task (index = instance ordinal, NaN missing). */
export interface InstanceCell {
  taskId: number;
  systemId: number;
  scores: Float64Array;
}

export interface InstanceScores {
  revision: number;
  tasks: TaskRecord[];
  /** Systems with at least one instance vector, by slug. */
  systems: InstanceSystem[];
  /** Instance ids interned by the benchmark (every vector is at most this long). */
  instanceCount: number;
  cells: InstanceCell[];
}

/**
 * Everything an instance-level leaderboard needs, as one snapshot (a REPEATABLE READ
 * transaction): revision, tasks, systems with instance scores, and every (system, task) vector
 * (one row each, not one per score). null if the benchmark is unknown.
 */
export async function loadInstanceScores(db: Db, benchmarkId: number): Promise<InstanceScores | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read`);
    const [meta] = await query<{ revision: number; tasks: unknown; systems: unknown; instances: number }>(
      tx,
      sql`
        select b.revision,
          ${TASKS_OF_B} as tasks,
          (select coalesce(json_agg(json_build_object(
              'id', sy.id, 'slug', sy.slug, 'name', sy.name, 'url', sy.url,
              'uploadId', up.id, 'uploadedAt', up.created_at) order by sy.slug), '[]'::json)
           from systems sy
           join lateral (select u.id, u.created_at from instance_uploads u
                         where u.system_id = sy.id order by u.id desc limit 1) up on true
           where sy.benchmark_id = b.id
             and exists (select 1 from instance_vectors v where v.system_id = sy.id)) as systems,
          (select count(*)::int from instance_names n where n.benchmark_id = b.id) as instances
        from benchmarks b where b.id = ${benchmarkId}`,
    );
    if (!meta) return null;
    const rows = await query<{ task_id: number; system_id: number; scores: string }>(
      tx,
      sql`
        select v.task_id, v.system_id, encode(v.scores, 'base64') as scores
        from instance_vectors v join systems sy on sy.id = v.system_id
        where sy.benchmark_id = ${benchmarkId}`,
    );
    const systems = fromJson<InstanceSystem[]>(meta.systems).map((s) => ({ ...s, uploadedAt: toIso(s.uploadedAt) }));
    return {
      revision: Number(meta.revision),
      tasks: fromJson<TaskRecord[]>(meta.tasks),
      systems,
      instanceCount: Number(meta.instances),
      cells: rows.map((r) => ({ taskId: Number(r.task_id), systemId: Number(r.system_id), scores: vectorOf(bytesOfBase64(r.scores)) })),
    };
  });
}
