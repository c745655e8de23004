/**
 * Migration 0005: instance scores stored one row per score (migrations up to 0002) move into
 * packed vectors: instance ids interned per benchmark, one little-endian float64 vector per
 * (system, task) with NaN where a system has no score; the old table and its triggers go.
 * The old schema is built by running only the first three migrations, then the rest run.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { databaseFromPglite, databaseFromUrl, loadInstanceNames, loadInstanceScores, migrationsFolder, query, type Database } from "../../db/node.ts";
import { backends, createPostgresDatabase } from "../helpers/database.ts";

/** A copy of the migrations folder holding only the first `count` migrations. */
function firstMigrations(count: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "podium-migrations-"));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const oldFolder = firstMigrations(3);
afterAll(() => rmSync(oldFolder, { recursive: true, force: true }));

/** A database at migration 0002 and a function that runs every later migration. */
async function oldDatabase(kind: "pglite" | "postgres"): Promise<{ database: Database; migrateRest: () => Promise<void>; close: () => Promise<void> }> {
  if (kind === "pglite") {
    const client = new PGlite();
    await migratePglite(drizzlePglite({ client }), { migrationsFolder: oldFolder });
    const database = databaseFromPglite(client);
    return { database, migrateRest: () => migratePglite(drizzlePglite({ client }), { migrationsFolder }), close: () => database.close() };
  }
  // a fresh database, emptied of its tables, then migrated to 0002 only
  const { database: scratch, url } = await createPostgresDatabase();
  await scratch.db.execute(sql.raw("drop schema public cascade; create schema public; drop schema if exists drizzle cascade"));
  const run = async (folder: string) => {
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: folder });
    } finally {
      await client.end();
    }
  };
  await run(oldFolder);
  const database = databaseFromUrl(url);
  return {
    database,
    migrateRest: () => run(migrationsFolder),
    close: async () => {
      await database.close();
      await scratch.close();
    },
  };
}

describe.each(backends())("instance scores migrate to packed vectors (%s)", (kind) => {
  it("interns the ids, packs each (system, task) with NaN gaps, keeps every value bit for bit, drops the old table", { timeout: 60_000 }, async () => {
    const { database, migrateRest, close } = await oldDatabase(kind);
    const db = database.db;
    try {
      await db.execute(sql`insert into benchmarks (slug, name) values ('b', 'B'), ('other', 'Other')`);
      await db.execute(sql`insert into tasks (benchmark_id, slug, name, position) values (1, 'acc', 'acc', 0), (1, 'err', 'err', 1), (2, 'x', 'x', 0)`);
      await db.execute(sql`insert into systems (benchmark_id, slug, name) values (1, 'a', 'a'), (1, 'b', 'b'), (2, 'z', 'z')`);
      await db.execute(sql`insert into instance_uploads (system_id, row_count) values (1, 4), (2, 2), (3, 1)`);
      const tricky = [0.1 + 0.2, -123.456e-7, 1e-310, -1.7976931348623157e308, 5e-324];
      const rows: [number, number, string, number][] = [
        [1, 1, "doc-b", tricky[0]],
        [1, 1, "doc-a", tricky[1]],
        [1, 2, "doc-c", tricky[2]],
        [1, 2, "doc-a", tricky[3]],
        [2, 1, "doc-c", tricky[4]],
        [2, 1, 'q"u,o\\te', 7],
        [3, 3, "doc-a", 1],
      ];
      for (const [s, t, i, v] of rows) await db.execute(sql`insert into instance_scores (system_id, task_id, instance, score) values (${s}, ${t}, ${i}, ${v})`);

      await migrateRest();

      // ids interned per benchmark, in byte order of the old ids
      expect(await loadInstanceNames(db, 1)).toEqual(["doc-a", "doc-b", "doc-c", 'q"u,o\\te']);
      expect(await loadInstanceNames(db, 2)).toEqual(["doc-a"]);
      const data = (await loadInstanceScores(db, 1))!;
      expect(data.systems.map((s) => s.slug)).toEqual(["a", "b"]);
      expect(data.instanceCount).toBe(4);
      const cell = (system: number, task: number) => Array.from(data.cells.find((c) => c.systemId === system && c.taskId === task)!.scores);
      // a/acc: doc-a, doc-b (vector ends at its last score); a/err: doc-a, (none), doc-c
      expect(cell(1, 1)).toEqual([tricky[1], tricky[0]]);
      expect(cell(1, 2)).toEqual([tricky[3], NaN, tricky[2]]);
      expect(cell(2, 1)).toEqual([NaN, NaN, tricky[4], 7]);
      expect(data.cells).toHaveLength(3);
      const z = (await loadInstanceScores(db, 2))!;
      expect(z.cells.map((c) => Array.from(c.scores))).toEqual([[1]]);
      // the old table is gone, and deleting a system or task still cascades
      const old = await query<{ n: number }>(db, sql`select count(*)::int as n from information_schema.tables where table_name = 'instance_scores'`);
      expect(old[0].n).toBe(0);
      await db.execute(sql`delete from tasks where id = 2`);
      await db.execute(sql`delete from systems where id = 2`);
      const left = await query<{ n: number }>(db, sql`select count(*)::int as n from instance_vectors`);
      expect(left[0].n).toBe(2);
    } finally {
      await close();
    }
  });
});
