/**
 * The db/ surface of Node processes (server, CLI, tests, benches): everything db/index.ts has,
 * plus what only Node can run: embedded PGlite, `openDatabase` (PGlite or PostgreSQL), the
 * migrator, the data-directory lock and scratch databases. The Cloudflare Worker imports
 * db/index.ts only, so none of this reaches its bundle.
 */
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { databaseFromUrl, type Database, type DatabaseConfig } from "./client.ts";
import { acquireDirLock, type DirLock } from "./lock.ts";
import { databaseFromPglite } from "./pglite.ts";

export * from "./index.ts";
export { databaseFromPglite } from "./pglite.ts";
export { migrateDatabase, migratePgliteClient, migratePostgresUrl, migrationsFolder } from "./migrate.ts";
export { acquireDirLock, DataDirLockedError, processStartTime, type DirLock } from "./lock.ts";
export { openMemoryDatabase, createScratchPostgresDatabase, emptyDatabase } from "./scratch.ts";

/**
 * Open the configured database: postgres.js when `databaseUrl` is set, else PGlite in
 * `dataDir` guarded by a pid lock (throws DataDirLockedError if another process holds it).
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) return databaseFromUrl(config.databaseUrl, config.postgres);
  const lock: DirLock = acquireDirLock(config.dataDir);
  try {
    const client = new PGlite(path.join(config.dataDir, "pgdata"));
    await client.waitReady;
    return databaseFromPglite(client, () => lock.release());
  } catch (err) {
    lock.release();
    throw err;
  }
}
