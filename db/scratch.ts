/** Throwaway databases for tests and benches: in-memory PGlite, or a database of its own on a PostgreSQL server. */
import { PGlite } from "@electric-sql/pglite";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { databaseFromUrl, type Database } from "./client.ts";
import { databaseFromPglite } from "./pglite.ts";
import { migratePgliteClient, migratePostgresUrl } from "./migrate.ts";
import * as schema from "./schema.ts";

/** A migrated in-memory PGlite database. */
export async function openMemoryDatabase(): Promise<Database> {
  const client = new PGlite();
  await migratePgliteClient(client);
  return databaseFromPglite(client);
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh migrated database `name` (an SQL identifier) on the PostgreSQL server at `serverUrl`,
 * replacing one left behind by an earlier run; close() drops it.
 */
export async function createScratchPostgresDatabase(serverUrl: string, name: string): Promise<{ database: Database; url: string }> {
  await onServer(serverUrl, `drop database if exists ${name} with (force)`);
  await onServer(serverUrl, `create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migratePostgresUrl(url);
  const inner = databaseFromUrl(url);
  return {
    url,
    database: {
      ...inner,
      async close() {
        await inner.close();
        await onServer(serverUrl, `drop database if exists ${name} with (force)`);
      },
    },
  };
}

const TABLES = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table));

/** Empty every table of the schema and restart its ids. */
export async function emptyDatabase(database: Database): Promise<void> {
  await database.db.execute(sql.raw(`truncate ${TABLES.join(", ")} restart identity cascade`));
}
