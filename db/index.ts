/**
 * The db/ public surface: the only module tree that imports drizzle or a driver. It runs on the
 * Cloudflare Worker too, so it knows postgres.js only: PGlite, `openDatabase`, the migrator, the
 * lock and scratch databases are in db/node.ts (Node processes import that).
 */
import type { Db } from "./client.ts";

export {
  databaseFromUrl,
  databaseFromPostgresClient,
  databaseFromConnectionString,
  connectionOf,
  CONNECTION_IDENTITY,
  query,
  rowsOf,
  DEFAULT_POSTGRES_SETTINGS,
  type Database,
  type Db,
  type BackendKind,
  type DatabaseConfig,
  type PostgresSettings,
} from "./client.ts";
export { requestScopedDatabase, type RequestScopedDatabase } from "./request-scoped.ts";
export { isUniqueViolation, constraintOf, sqlStateOf, isConnectionFailure, isTransientConflict, unavailabilityOf, DatabaseUnavailableError, type Unavailability } from "./errors.ts";
export { noteRowsWritten } from "./statistics.ts";
export * from "./repository/benchmarks.ts";
export * from "./repository/submissions.ts";
export * from "./repository/tokens.ts";
export * from "./repository/instances.ts";
export * from "./repository/moderation.ts";
export * from "./repository/idempotency.ts";
export * from "./repository/transfer.ts";

/** Run `fn` in one transaction (rolled back if it throws). Nested calls use savepoints. */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}
