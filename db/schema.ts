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
