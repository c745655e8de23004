/** Apply the committed SQL migrations in `migrations/` (resolved from this file, not the cwd). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Database } from "./client.ts";

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../migrations");

/** Arbitrary constant key for pg_advisory_lock around migrations ("podium" in ASCII). */
const MIGRATION_LOCK_KEY = 0x706f6469756d;

export async function migratePgliteClient(client: PGlite): Promise<void> {
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
}

/** Migrate a PostgreSQL database; concurrent starters serialize on an advisory lock. */
export async function migratePostgresUrl(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Migrate the database opened by openDatabase(). */
export async function migrateDatabase(database: Database, config: { databaseUrl?: string }): Promise<void> {
  if (database.kind === "postgres") {
    if (!config.databaseUrl) throw new Error("postgres database without a DATABASE_URL");
    await migratePostgresUrl(config.databaseUrl);
  } else {
    await migratePgliteClient((database.db as unknown as { $client: PGlite }).$client);
  }
}
