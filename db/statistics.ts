/**
 * Planner statistics after bulk writes. PGlite has no autovacuum, so without this its tables
 * keep the statistics of an empty database forever, and PostgreSQL's autovacuum analyzes only
 * a while after a bulk load: meanwhile the planner believes a benchmark has a dozen rows and
 * picks per-system nested loops, which made the leaderboard read of 5,000 freshly imported
 * systems take 7 s instead of 0.2 s. So after writes, once enough rows arrived since the last
 * ANALYZE of a table (10% of what it is known to hold, at least 500, as autovacuum's own rule),
 * the table is analyzed in the background, one ANALYZE at a time.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

const MIN_ROWS = 500;
const SCALE = 0.1;

interface TableCounts {
  /** Rows written since the table was last analyzed by this process. */
  pending: number;
  /** Rows known to be there at that analysis (this process's writes since it started). */
  known: number;
}

const countsByDb = new WeakMap<Db, Map<string, TableCounts>>();
const runningByDb = new WeakMap<Db, Promise<void>>();

/**
 * Note `rows` rows written (committed) to each of `tables`; analyze the tables that crossed the
 * threshold, after the caller's reply (never awaited by it, errors only logged).
 */
export function noteRowsWritten(db: Db, tables: readonly string[], rows: number): void {
  let counts = countsByDb.get(db);
  if (!counts) countsByDb.set(db, (counts = new Map()));
  const due: string[] = [];
  for (const table of tables) {
    const c = counts.get(table) ?? { pending: 0, known: 0 };
    c.pending += rows;
    if (c.pending >= Math.max(MIN_ROWS, SCALE * c.known)) {
      c.known += c.pending;
      c.pending = 0;
      due.push(table);
    }
    counts.set(table, c);
  }
  if (due.length === 0) return;
  const previous = runningByDb.get(db) ?? Promise.resolve();
  const next = previous
    .then(() => db.execute(sql.raw(`analyze ${due.map((t) => `"${t}"`).join(", ")}`)))
    .then(
      () => undefined,
      (err: unknown) => console.warn(`[podium] analyze ${due.join(", ")} failed:`, (err as Error).message),
    );
  runningByDb.set(db, next);
}
