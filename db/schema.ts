/**
 * Podium storage schema (drizzle pg-core). Migrations are generated from this file into
 * `migrations/` with `npm run db:generate` and committed.
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";

export const benchmarks = pgTable("benchmarks", {
  id: serial("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  description: text("description"),
  /** Grows with every accepted change to the benchmark's scores (bumped in the same transaction). */
  revision: integer("revision").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const tasks = pgTable(
  "tasks",
  {
    id: serial("id").primaryKey(),
    benchmarkId: integer("benchmark_id")
      .notNull()
      .references(() => benchmarks.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    metric: text("metric"),
    higherIsBetter: boolean("higher_is_better").notNull().default(true),
    weight: doublePrecision("weight").notNull().default(1),
    group: text("group"),
    position: integer("position").notNull(),
  },
  (t) => [unique("tasks_benchmark_slug").on(t.benchmarkId, t.slug), check("tasks_weight_positive", sql`${t.weight} > 0`)],
);

export const systems = pgTable(
  "systems",
  {
    id: serial("id").primaryKey(),
    benchmarkId: integer("benchmark_id")
      .notNull()
      .references(() => benchmarks.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    url: text("url"),
    metadata: jsonb("metadata"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("systems_benchmark_slug").on(t.benchmarkId, t.slug)],
);

/** Immutable rows; the current submission of a system is its newest (max id). */
export const submissions = pgTable(
  "submissions",
  {
    id: serial("id").primaryKey(),
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    metadata: jsonb("metadata"),
  },
  (t) => [index("submissions_system_id_desc").on(t.systemId, t.id.desc())],
);

export const submissionScores = pgTable(
  "submission_scores",
  {
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    score: doublePrecision("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.taskId] })],
);

/**
 * One row per accepted instance-level upload of a system. An upload REPLACES all of the system's
 * instance scores; the newest upload is the system's current "instance submission".
 */
export const instanceUploads = pgTable(
  "instance_uploads",
  {
    id: serial("id").primaryKey(),
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    rowCount: integer("row_count").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("instance_uploads_system_id_desc").on(t.systemId, t.id.desc())],
);

/** bytea as a Node Buffer / Uint8Array (drizzle has no built-in bytea column). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * Instance ids interned per benchmark: `ordinal` is dense (0, 1, 2, ... in order of first upload)
 * and indexes every packed score vector of the benchmark. Assigned under the benchmark's row lock.
 */
export const instanceNames = pgTable(
  "instance_names",
  {
    benchmarkId: integer("benchmark_id")
      .notNull()
      .references(() => benchmarks.id, { onDelete: "cascade" }),
    ordinal: integer("ordinal").notNull(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.benchmarkId, t.ordinal] }), unique("instance_names_benchmark_name").on(t.benchmarkId, t.name)],
);

/**
 * A system's instance scores on one task, packed: `scores` holds little-endian float64 values
 * indexed by instance ordinal (instance_names), NaN where the system has no score; instances past
 * its end are missing too. One row per (system, task) of the newest upload (STORAGE EXTERNAL:
 * random doubles do not compress, so no compression attempt; ~8.3 bytes per score with TOAST).
 */
export const instanceVectors = pgTable(
  "instance_vectors",
  {
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    scores: bytea("scores").notNull(),
  },
  (t) => [primaryKey({ columns: [t.systemId, t.taskId] }), index("instance_vectors_task").on(t.taskId)],
);

export const tokens = pgTable(
  "tokens",
  {
    id: serial("id").primaryKey(),
    /** null for admin tokens. */
    benchmarkId: integer("benchmark_id").references(() => benchmarks.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["admin", "benchmark"] }).notNull(),
    /** SHA-256 hex of the token; the plaintext is never stored. */
    hash: text("hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [check("tokens_role_benchmark", sql`(${t.role} = 'admin') = (${t.benchmarkId} is null)`)],
);
