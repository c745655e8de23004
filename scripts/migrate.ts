/**
 * `npm run migrate`: apply the committed migrations to the PostgreSQL database in DATABASE_URL
 * (concurrent runs serialize on an advisory lock) and exit. This is how a database served by the
 * Cloudflare Worker (through Hyperdrive) is migrated: the Worker never migrates. The Node server
 * migrates its own database at start and needs no separate step.
 */
import { migratePostgresUrl } from "../db/node.ts";

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error("npm run migrate: set DATABASE_URL to the postgres:// URL of the database to migrate");
  process.exit(2);
}
try {
  await migratePostgresUrl(url);
  console.log(`Podium: migrations applied to ${new URL(url).pathname.slice(1) || "the database"}`);
} catch (err) {
  console.error("Podium: migration failed:", err instanceof Error ? err.message : err);
  process.exit(1);
}
