/**
 * Podium storage schema (drizzle pg-core). Migrations are generated from this file into
 * `migrations/` with `npm run db:generate` and committed.
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
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

/**
 * Instance-level scores of a system (per task and instance): the rows of its newest upload.
 * No row-level foreign keys: their per-row RI checks were ~60% of a bulk upload's time (1M rows:
 * 9 of 16 s on PGlite, 5 of 8 s on PostgreSQL). Instead (migration 0002): the writer inserts
 * only rows whose task belongs to the system's benchmark (a join in the insert statement) and
 * statement-level AFTER DELETE triggers on `systems` and `tasks` cascade deletions here.
 */
export const instanceScores = pgTable(
  "instance_scores",
  {
    systemId: integer("system_id").notNull(),
    taskId: integer("task_id").notNull(),
    instance: text("instance").notNull(),
    score: doublePrecision("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.systemId, t.taskId, t.instance] }), index("instance_scores_task").on(t.taskId)],
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
