/** Benchmarks, tasks, revisions and the leaderboard-facing score snapshot. */
import { asc, eq, sql } from "drizzle-orm";
import { connectionOf, query, type Db } from "../client.ts";
import { benchmarks, tasks } from "../schema.ts";
import { fromJson, toIso } from "./util.ts";

export interface TaskRecord {
  id: number;
  slug: string;
  name: string;
  metric: string | null;
  higherIsBetter: boolean;
  weight: number;
  group: string | null;
  position: number;
}

export interface BenchmarkRecord {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  revision: number;
  createdAt: string;
}

/** A benchmark as listed: with how many tasks it has and how many systems have scores on it. */
export interface BenchmarkListing extends BenchmarkRecord {
  taskCount: number;
  systemCount: number;
}

export interface BenchmarkWithTasks extends BenchmarkRecord {
  tasks: TaskRecord[];
}

export interface NewTask {
  slug: string;
  name: string;
  metric?: string | null;
  higherIsBetter?: boolean;
  weight?: number;
  group?: string | null;
}

export interface NewBenchmark {
  slug: string;
  name: string;
  description?: string | null;
  tasks: NewTask[];
}

const benchmarkColumns = {
  id: benchmarks.id,
  slug: benchmarks.slug,
  name: benchmarks.name,
  description: benchmarks.description,
  revision: benchmarks.revision,
  createdAt: benchmarks.createdAt,
};

const taskColumns = {
  id: tasks.id,
  slug: tasks.slug,
  name: tasks.name,
  metric: tasks.metric,
  higherIsBetter: tasks.higherIsBetter,
  weight: tasks.weight,
  group: tasks.group,
  position: tasks.position,
};

function toBenchmark(row: { createdAt: Date | string } & Omit<BenchmarkRecord, "createdAt">): BenchmarkRecord {
  return { ...row, createdAt: toIso(row.createdAt) };
}

/** Insert a benchmark and its tasks (one statement each). Throws a unique violation on a taken slug. */
export async function insertBenchmark(db: Db, input: NewBenchmark): Promise<BenchmarkWithTasks> {
  const [row] = await db
    .insert(benchmarks)
    .values({ slug: input.slug, name: input.name, description: input.description ?? null })
    .returning(benchmarkColumns);
  const taskRows = input.tasks.length
    ? await db
        .insert(tasks)
        .values(
          input.tasks.map((t, position) => ({
            benchmarkId: row.id,
            slug: t.slug,
            name: t.name,
            metric: t.metric ?? null,
            higherIsBetter: t.higherIsBetter ?? true,
            weight: t.weight ?? 1,
            group: t.group ?? null,
            position,
          })),
        )
        .returning(taskColumns)
    : [];
  taskRows.sort((a, b) => a.position - b.position);
  return { ...toBenchmark(row), tasks: taskRows };
}

export async function listBenchmarks(db: Db): Promise<BenchmarkListing[]> {
  const rows = await db
    .select({
      ...benchmarkColumns,
      // Written out: drizzle renders column references unqualified, which a subquery would resolve to its own table.
      taskCount: sql<number>`(select count(*) from tasks t where t.benchmark_id = benchmarks.id)`.mapWith(Number),
      systemCount: sql<number>`(select count(*) from systems s where s.benchmark_id = benchmarks.id and not s.hidden)`.mapWith(Number),
    })
    .from(benchmarks)
    .orderBy(asc(benchmarks.slug));
  return rows.map((row) => ({ ...toBenchmark(row), taskCount: row.taskCount, systemCount: row.systemCount }));
}

/**
 * What the benchmark listing depends on, in one cheap aggregate (no per-benchmark counts): how
 * many benchmarks, which (sum of ids) and their revisions (every write bumps one). Equal to
 * `listingVersionOf` of the listing it summarizes.
 */
export async function getListingVersion(db: Db): Promise<ListingVersion> {
  const [row] = await listingVersion(db).execute();
  return row;
}

const listingVersion = preparedPerDb((db) =>
  db
    .select({
      count: sql<number>`count(*)`.mapWith(Number),
      idSum: sql<number>`coalesce(sum(${benchmarks.id}), 0)`.mapWith(Number),
      revisionSum: sql<number>`coalesce(sum(${benchmarks.revision}), 0)`.mapWith(Number),
    })
    .from(benchmarks)
    .prepare("podium_listing_version"),
);

export interface ListingVersion {
  count: number;
  idSum: number;
  revisionSum: number;
}

/** The ListingVersion of a listing already read (same numbers as getListingVersion for the same state). */
export function listingVersionOf(rows: readonly Pick<BenchmarkRecord, "id" | "revision">[]): ListingVersion {
  return { count: rows.length, idSum: rows.reduce((a, r) => a + r.id, 0), revisionSum: rows.reduce((a, r) => a + r.revision, 0) };
}

/**
 * Hot-path reads are built once per database handle (drizzle prepared queries): building the
 * SQL of a select costs more CPU than the round trip of a cached read.
 */
function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const prepared = new WeakMap<object, T>();
  return (db) => {
    const connection = connectionOf(db);
    let query = prepared.get(connection);
    if (query === undefined) prepared.set(connection, (query = build(db)));
    return query;
  };
}

const benchmarkBySlug = preparedPerDb((db) =>
  db.select(benchmarkColumns).from(benchmarks).where(eq(benchmarks.slug, sql.placeholder("slug"))).limit(1).prepare("podium_benchmark_by_slug"),
);

/** The benchmark row with its current revision (every cached read starts here: one indexed query). */
export async function getBenchmarkBySlug(db: Db, slug: string): Promise<BenchmarkRecord | null> {
  const [row] = await benchmarkBySlug(db).execute({ slug });
  return row ? toBenchmark(row) : null;
}

/** Tasks of a benchmark ordered by position. */
export async function listTasks(db: Db, benchmarkId: number): Promise<TaskRecord[]> {
  return db.select(taskColumns).from(tasks).where(eq(tasks.benchmarkId, benchmarkId)).orderBy(asc(tasks.position));
}

/** A benchmark and its tasks (by position), in one statement. */
export async function getBenchmarkWithTasks(db: Db, slug: string): Promise<BenchmarkWithTasks | null> {
  const [row] = await query<{ id: number; slug: string; name: string; description: string | null; revision: number; created_at: unknown; tasks: unknown }>(
    db,
    sql`select b.id, b.slug, b.name, b.description, b.revision, b.created_at, ${TASKS_OF_B} as tasks from benchmarks b where b.slug = ${slug}`,
  );
  if (!row) return null;
  const { created_at, tasks: taskJson, ...benchmark } = row;
  return { ...benchmark, id: Number(benchmark.id), revision: Number(benchmark.revision), createdAt: toIso(created_at), tasks: fromJson<TaskRecord[]>(taskJson) };
}

/** Current revision, read from the database (cheap; use for ETags). null if the benchmark is gone. */
export async function getRevision(db: Db, benchmarkId: number): Promise<number | null> {
  const [row] = await db.select({ revision: benchmarks.revision }).from(benchmarks).where(eq(benchmarks.id, benchmarkId));
  return row ? row.revision : null;
}

/**
 * Bump the revision and return the new value, in one statement. The row lock it takes is held
 * until the transaction ends and serializes writers of the benchmark: call it as the LAST
 * statement of a write transaction (after the data it covers) so the lock is held briefly. A
 * writer waiting on the lock adds 1 to the committed value: no bump is lost.
 */
export async function bumpRevision(db: Db, benchmarkId: number): Promise<number> {
  const [row] = await db
    .update(benchmarks)
    .set({ revision: sql`${benchmarks.revision} + 1` })
    .where(eq(benchmarks.id, benchmarkId))
    .returning({ revision: benchmarks.revision });
  if (!row) throw new Error(`benchmark ${benchmarkId} not found`);
  return row.revision;
}

export interface CurrentSystemScores {
  id: number;
  slug: string;
  name: string;
  url: string | null;
  /** The system's metadata (given at submission or by an admin); null when none. */
  metadata: unknown;
  submissionId: number;
  createdAt: string;
  /** task slug -> score of the system's newest submission (tasks it did not score are absent). */
  scores: Record<string, number>;
}

export interface CurrentScores {
  revision: number;
  tasks: TaskRecord[];
  /** Systems with at least one submission that is not retracted, hidden ones left out, ordered by slug. */
  systems: CurrentSystemScores[];
}

/** SQL: the tasks of benchmark `b` (alias in the enclosing query) as a JSON array of TaskRecord, by position. */
export const TASKS_OF_B = sql`(select coalesce(json_agg(json_build_object(
    'id', t.id, 'slug', t.slug, 'name', t.name, 'metric', t.metric,
    'higherIsBetter', t.higher_is_better, 'weight', t.weight, 'group', t."group",
    'position', t.position) order by t.position), '[]'::json)
  from tasks t where t.benchmark_id = b.id)`;

/**
 * The leaderboard input of a benchmark in ONE statement (one snapshot): its revision, tasks
 * (by position) and, for every system, the scores of its newest submission. null if unknown.
 */
export async function loadCurrentScores(db: Db, benchmarkId: number): Promise<CurrentScores | null> {
  const rows = await query<{ revision: number; tasks: unknown; systems: unknown }>(
    db,
    // Set-based (hash joins over the benchmark's rows), not a subquery per system: correlated
    // subqueries made this quadratic-looking on a freshly loaded table (5,000 systems: 7 s).
    sql`
      with cur as (
        select distinct on (su.system_id) su.system_id, su.id, su.created_at
        from submissions su join systems sy on sy.id = su.system_id
        where sy.benchmark_id = ${benchmarkId} and not sy.hidden and su.retracted_at is null
        order by su.system_id, su.id desc
      ),
      cur_scores as (
        select sc.submission_id, json_object_agg(t.slug, sc.score order by t.position) as scores
        from cur join submission_scores sc on sc.submission_id = cur.id join tasks t on t.id = sc.task_id
        group by sc.submission_id
      )
      select b.revision,
        ${TASKS_OF_B} as tasks,
        (select coalesce(json_agg(json_build_object(
            'id', sy.id, 'slug', sy.slug, 'name', sy.name, 'url', sy.url, 'metadata', sy.metadata,
            'submissionId', cur.id, 'createdAt', cur.created_at,
            'scores', coalesce(cs.scores, '{}'::json)) order by sy.slug), '[]'::json)
         from systems sy
         join cur on cur.system_id = sy.id
         left join cur_scores cs on cs.submission_id = cur.id
         where sy.benchmark_id = b.id) as systems
      from benchmarks b where b.id = ${benchmarkId}`,
  );
  const row = rows[0];
  if (!row) return null;
  const systemsOut = fromJson<CurrentSystemScores[]>(row.systems).map((s) => ({ ...s, createdAt: toIso(s.createdAt) }));
  return { revision: Number(row.revision), tasks: fromJson<TaskRecord[]>(row.tasks), systems: systemsOut };
}
