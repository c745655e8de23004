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
    /** Moderation: a hidden system is left out of leaderboards, pages and badges (its history stays readable). */
    hidden: boolean("hidden").notNull().default(false),
    hiddenReason: text("hidden_reason"),
  },
  (t) => [unique("systems_benchmark_slug").on(t.benchmarkId, t.slug)],
);

/**
 * Immutable rows (but for retraction); the current submission of a system is its newest (max id)
 * that is not retracted.
 */
export const submissions = pgTable(
  "submissions",
  {
    id: serial("id").primaryKey(),
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    metadata: jsonb("metadata"),
    /** Moderation: a retracted submission stays in the history but never counts on the leaderboard. */
    retractedAt: timestamp("retracted_at", { withTimezone: true }),
    retractionReason: text("retraction_reason"),
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
    /** Free text given at creation (what the token is for). */
    label: text("label"),
    /** Last successful authentication, updated at most about once a minute per token. */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [check("tokens_role_benchmark", sql`(${t.role} = 'admin') = (${t.benchmarkId} is null)`)],
);

/**
 * Moderation and editing log: one row per change by an admin. `benchmark_slug` is kept as text
 * (the entries of a deleted benchmark stay readable by slug until a benchmark takes it again).
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: serial("id").primaryKey(),
    benchmarkId: integer("benchmark_id").references(() => benchmarks.id, { onDelete: "set null" }),
    benchmarkSlug: text("benchmark_slug").notNull(),
    /** null: the configured PODIUM_ADMIN_TOKEN. */
    tokenId: integer("token_id"),
    action: text("action").notNull(),
    target: text("target").notNull(),
    reason: text("reason"),
    details: jsonb("details"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_benchmark").on(t.benchmarkId, t.id.desc())],
);

/**
 * Idempotency-Key records: the first answer to a POST per (token scope, key), kept 24 h. The
 * primary key is the reservation: of concurrent requests with one key, one inserts and runs.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path and body; null while the first request runs. */
    fingerprint: text("fingerprint"),
    status: integer("status"),
    contentType: text("content_type"),
    body: text("body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_created").on(t.createdAt)],
);
