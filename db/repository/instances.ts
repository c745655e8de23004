/**
 * Instance-level scores: uploads (batched set-based inserts inside the caller's transaction) and the aggregated read for instance-level leaderboards.
 */
import { sql } from "drizzle-orm";
import { query, type Db } from "../client.ts";
import { isUniqueViolation } from "../errors.ts";
import { TASKS_OF_B, type TaskRecord } from "./benchmarks.ts";
import { fromJson, pgArrayLiteral, pgTextArrayLiteral, toIso } from "./util.ts";

/** One batch of rows, as parallel arrays. */
export interface InstanceBatch {
  taskIds: number[];
  instances: string[];
  scores: number[];
}

/**
 * A batch ready for one set-based insert: each column as a Postgres array literal (the statement's
 * parameters, built once, so writing does no per-row work) and the distinct task ids it uses.
 */
export interface PackedInstanceBatch {
  rows: number;
  distinctTaskIds: number[];
  taskIds: string;
  instances: string;
  scores: string;
}

export function packInstanceBatch(batch: InstanceBatch): PackedInstanceBatch {
  return {
    rows: batch.scores.length,
    distinctTaskIds: [...new Set(batch.taskIds)],
    taskIds: pgArrayLiteral(batch.taskIds),
    instances: pgTextArrayLiteral(batch.instances),
    scores: pgArrayLiteral(batch.scores),
  };
}

/** A row of a batch that an earlier batch already stored: its 0-based index in the batch. */
export interface DuplicateRow {
  index: number;
  instance: string;
}

/**
 * Start replacing a system's instance scores (call inside a transaction, after bumpRevision):
 * create the system if new (name = slug), delete its stored instance scores. Returns its id.
 */
export async function beginInstanceUpload(db: Db, benchmarkId: number, systemSlug: string): Promise<number> {
  const rows = await query<{ id: number }>(
    db,
    sql`
      with ins as (
        insert into systems (benchmark_id, slug, name) values (${benchmarkId}, ${systemSlug}, ${systemSlug})
        on conflict (benchmark_id, slug) do nothing returning id
      )
      select id from ins union all
      select id from systems where benchmark_id = ${benchmarkId} and slug = ${systemSlug}`,
  );
  const systemId = Number(rows[0].id);
  await db.execute(sql`delete from instance_scores where system_id = ${systemId}`);
  return systemId;
}

/**
 * Write an upload's rows into `instance_scores` for `systemId`, inside the caller's transaction
 * (after beginInstanceUpload): one `insert ... select from unnest(arrays)` per packed batch, each
 * in a savepoint so that a primary-key violation (a (task, instance) already stored by an earlier
 * batch of this upload) can be located: `onDuplicates(batch, rows)` gets the offending rows (at
 * most 100), and nothing further is written (the batches are still consumed, so the caller can
 * keep validating). The caller must have removed duplicates within a batch.
 *
 * Referential integrity without row-level foreign keys (migration 0002): the system's row and its
 * benchmark's task rows are locked FOR KEY SHARE first (what the per-row RI checks did, once), and
 * every batch's task ids must be among those tasks (else an Error: a caller bug). Batches are
 * pulled one at a time.
 */
export async function writeInstanceRows<B extends PackedInstanceBatch>(
  db: Db,
  systemId: number,
  batches: AsyncIterable<B> | Iterable<B>,
  onDuplicates: (batch: B, rows: DuplicateRow[]) => void,
): Promise<number> {
  const valid = new Set(
    (
      await query<{ id: number }>(
        db,
        sql`select t.id from systems s join tasks t on t.benchmark_id = s.benchmark_id where s.id = ${systemId} for key share of s, t`,
      )
    ).map((r) => Number(r.id)),
  );
  let written = 0;
  let failed = false;
  for await (const batch of batches) {
    if (failed || batch.rows === 0) continue;
    for (const id of batch.distinctTaskIds) if (!valid.has(id)) throw new Error(`task ${id} is not a task of system ${systemId}'s benchmark`);
    const dup = await insertBatch(db, systemId, batch);
    if (dup) {
      failed = true;
      onDuplicates(batch, dup);
    } else written += batch.rows;
  }
  return written;
}

/** One batch with ONE statement in a savepoint; the duplicate rows on a primary-key violation. */
async function insertBatch(db: Db, systemId: number, batch: PackedInstanceBatch): Promise<DuplicateRow[] | undefined> {
  const { taskIds, instances, scores } = batch;
  try {
    await db.transaction(async (sp) => {
      await sp.execute(sql`
        insert into instance_scores (system_id, task_id, instance, score)
        select ${systemId}, * from unnest(${taskIds}::int[], ${instances}::text[], ${scores}::float8[])`);
    });
    return undefined;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // The savepoint is rolled back: the stored rows are exactly the earlier batches.
    const dup = await query<{ ord: number; instance: string }>(
      db,
      sql`
        select u.ord, u.instance from unnest(${taskIds}::int[], ${instances}::text[]) with ordinality as u(task_id, instance, ord)
        where exists (select 1 from instance_scores s
                      where s.system_id = ${systemId} and s.task_id = u.task_id and s.instance = u.instance)
        order by u.ord limit 100`,
    );
    return dup.map((r) => ({ index: Number(r.ord) - 1, instance: r.instance }));
  }
}

/** Record a finished upload (the system's current instance submission). */
export async function recordInstanceUpload(db: Db, systemId: number, rowCount: number): Promise<{ id: number; createdAt: string }> {
  const [row] = await query<{ id: number; created_at: unknown }>(
    db,
    sql`insert into instance_uploads (system_id, row_count) values (${systemId}, ${rowCount}) returning id, created_at`,
  );
  return { id: Number(row.id), createdAt: toIso(row.created_at) };
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

/** (task, system) cell: the system's instances of that task and their scores (same order). */
export interface InstanceCell {
  taskId: number;
  systemId: number;
  instances: string[];
  scores: number[];
}

export interface InstanceScores {
  revision: number;
  tasks: TaskRecord[];
  /** Systems with at least one instance score, by slug. */
  systems: InstanceSystem[];
  cells: InstanceCell[];
}

/**
 * Everything an instance-level leaderboard needs, as one snapshot (a REPEATABLE READ
 * transaction): revision, tasks, systems with instance scores, and the scores aggregated per
 * (task, system) into two JSON arrays (one row per cell, not per score). null if unknown.
 */
export async function loadInstanceScores(db: Db, benchmarkId: number): Promise<InstanceScores | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read`);
    const [meta] = await query<{ revision: number; tasks: unknown; systems: unknown }>(
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
             and exists (select 1 from instance_scores i where i.system_id = sy.id)) as systems
        from benchmarks b where b.id = ${benchmarkId}`,
    );
    if (!meta) return null;
    const cells = await query<{ task_id: number; system_id: number; instances: unknown; scores: unknown }>(
      tx,
      sql`
        select i.task_id, i.system_id,
          json_agg(i.instance order by i.instance) as instances,
          json_agg(i.score order by i.instance) as scores
        from instance_scores i join systems sy on sy.id = i.system_id
        where sy.benchmark_id = ${benchmarkId}
        group by i.task_id, i.system_id`,
    );
    const systems = fromJson<InstanceSystem[]>(meta.systems).map((s) => ({ ...s, uploadedAt: toIso(s.uploadedAt) }));
    return {
      revision: Number(meta.revision),
      tasks: fromJson<TaskRecord[]>(meta.tasks),
      systems,
      cells: cells.map((c) => ({ taskId: Number(c.task_id), systemId: Number(c.system_id), instances: fromJson<string[]>(c.instances), scores: fromJson<number[]>(c.scores) })),
    };
  });
}
