/** The db/ public surface: the only module tree that imports drizzle or a driver. */
import type { Db } from "./client.ts";

export {
  openDatabase,
  databaseFromPglite,
  databaseFromUrl,
  query,
  rowsOf,
  DEFAULT_POSTGRES_SETTINGS,
  type Database,
  type Db,
  type BackendKind,
  type DatabaseConfig,
  type PostgresSettings,
} from "./client.ts";
export { migrateDatabase, migratePgliteClient, migratePostgresUrl, migrationsFolder } from "./migrate.ts";
export { acquireDirLock, DataDirLockedError, processStartTime, type DirLock } from "./lock.ts";
export { openMemoryDatabase, createScratchPostgresDatabase, emptyDatabase } from "./scratch.ts";
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
