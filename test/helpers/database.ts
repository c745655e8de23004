/**
 * Test databases. PGlite: one migrated in-memory TEMPLATE per test file, `clone()`d per suite
 * (a fresh PGlite takes 2-3 s, a clone ~0.4 s). PostgreSQL (only when DATABASE_URL is set): a
 * fresh `podium_test_<random>` database per suite, migrated, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createScratchPostgresDatabase, databaseFromPglite, emptyDatabase, migratePgliteClient, type BackendKind, type Database } from "../../db/node.ts";

let template: Promise<PGlite> | undefined;

/** The migrated PGlite template of this test file (closed by an afterAll registered on first use). */
export function pgliteTemplate(): Promise<PGlite> {
  if (!template) {
    template = (async () => {
      const pg = new PGlite();
      await migratePgliteClient(pg);
      return pg;
    })();
    afterAll(async () => {
      const t = await template;
      template = undefined;
      await t?.close();
    });
  }
  return template;
}

/** Backends to run database suites on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function backends(): BackendKind[] {
  return process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/** A fresh migrated PostgreSQL database on the DATABASE_URL server; close() drops it. */
export async function createPostgresDatabase(): Promise<{ database: Database; url: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("DATABASE_URL is not set");
  return createScratchPostgresDatabase(serverUrl, `podium_test_${randomBytes(6).toString("hex")}`);
}

/** A fresh migrated database of the given kind (a clone of the template for PGlite). */
export async function createTestDatabase(kind: BackendKind): Promise<Database> {
  if (kind === "postgres") return (await createPostgresDatabase()).database;
  const clone = (await (await pgliteTemplate()).clone()) as PGlite;
  return databaseFromPglite(clone);
}

/**
 * Register hooks giving the suite one database of `kind`, emptied before each test, closed
 * after the suite. Read `.current` inside tests.
 */
export function useTestDatabase(kind: BackendKind, options: { resetEachTest?: boolean } = {}): { readonly current: Database } {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  if (options.resetEachTest ?? true)
    beforeEach(async () => {
      await emptyDatabase(database!);
    });
  afterAll(async () => {
    await database?.close();
  });
  return {
    get current() {
      if (!database) throw new Error("test database not ready");
      return database;
    },
  };
}
