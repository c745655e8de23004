/**
 * One database factory for both backends: embedded PGlite (default, in PODIUM_DATA_DIR) and
 * PostgreSQL through postgres.js (when DATABASE_URL is set). Every driver difference stays in db/.
 */
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { acquireDirLock, type DirLock } from "./lock.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** The drizzle database (or transaction) type every repository function takes; both drivers fit it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type BackendKind = "pglite" | "postgres";

export interface Database {
  db: Db;
  kind: BackendKind;
  /** Answers `SELECT 1`; false on any error. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  databaseUrl?: string;
  dataDir: string;
}

/** Rows of a `db.execute(sql...)` result: pglite gives `{rows}`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown }).rows;
  return (Array.isArray(rows) ? rows : []) as T[];
}

/** Run a raw statement and return its rows, whatever the driver. */
export async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

async function pingDb(db: Db): Promise<boolean> {
  try {
    const rows = await query<{ ok: number }>(db, sql`select 1 as ok`);
    return Number(rows[0]?.ok) === 1;
  } catch {
    return false;
  }
}

/** Wrap an open PGlite instance (file-backed, in-memory or a clone). */
export function databaseFromPglite(client: PGlite, onClose?: () => void): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: "pglite",
    ping: () => pingDb(db),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        onClose?.();
      }
    },
  };
}

/** Connect to PostgreSQL through postgres.js. */
export function databaseFromUrl(url: string): Database {
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    ping: () => pingDb(db),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Open the configured database: postgres.js when `databaseUrl` is set, else PGlite in
 * `dataDir` guarded by a pid lock (throws DataDirLockedError if another process holds it).
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) return databaseFromUrl(config.databaseUrl);
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
