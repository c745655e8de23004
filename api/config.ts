/** Configuration: the environment, parsed once with zod at start. */
import { z } from "zod";
import { isPublicBaseUrl } from "./public-url.ts";

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);

/** A whole number of `unit` (at least `min`), `fallback` when unset. */
function wholeNumber(unit: string, fallback: number, min: number) {
  return z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d{1,9}$/, `must be a whole number of ${unit}`)
      .transform(Number)
      .refine((n) => n >= min, `must be at least ${min}`)
      .default(fallback),
  );
}

const ConfigSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  PODIUM_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./.podium")),
  PODIUM_ADMIN_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  PODIUM_BODY_LIMIT_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(1024 * 1024)),
  PODIUM_UPLOAD_LIMIT_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(512 * 1024 * 1024)),
  PODIUM_UPLOAD_IDLE_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(30_000)),
  PODIUM_UPLOAD_SPOOL_MEMORY_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(16 * 1024 * 1024)),
  PODIUM_UPLOAD_SPOOL_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  // High by default: it stops runaway scripts and abuse, not a maintainer's honest bulk load.
  PODIUM_RATE_LIMIT_PER_MINUTE: wholeNumber("writes per minute (0 disables)", 6000, 0),
  // Per client: bootstrap with a non-default seed/samples, a raised kemenyBudgetMs, POST /api/v1/rank.
  PODIUM_EXPENSIVE_READS_PER_MINUTE: wholeNumber("expensive reads per minute (0 disables)", 60, 0),
  PODIUM_SHUTDOWN_GRACE_MS: wholeNumber("milliseconds", 10_000, 0),
  PODIUM_LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
  // Everything the leaderboard cache keeps (serialized bodies in every coding + parsed leaderboards).
  PODIUM_CACHE_MAX_BYTES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d{1,15}$/, "must be a whole number of bytes")
      .transform(Number)
      .pipe(z.number().min(1024 * 1024, "must be at least 1048576 (1 MiB)"))
      .default(128 * 1024 * 1024),
  ),
  PODIUM_TRUST_PROXY: z.preprocess(emptyAsUndefined, z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("false")),
  PODIUM_PUBLIC_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(isPublicBaseUrl, "must be an absolute http:// or https:// URL without credentials, query or fragment, e.g. https://podium.example.org")
      .transform((s) => s.replace(/\/+$/, ""))
      .optional(),
  ),
  // Compute pool (service/compute-pool.ts has the defaults).
  PODIUM_WORKERS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(256).optional()),
  PODIUM_COMPUTE_QUEUE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(100_000).optional()),
  PODIUM_WORKER_MEMORY_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(64).max(1_000_000).optional()),
  PODIUM_COMPUTE_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400_000).optional()),
  // PostgreSQL (DATABASE_URL) pool: see db/client.ts PostgresSettings.
  PODIUM_DB_POOL_SIZE: wholeNumber("connections", 10, 1),
  PODIUM_DB_CONNECT_TIMEOUT_MS: wholeNumber("milliseconds", 2000, 1),
  PODIUM_DB_STATEMENT_TIMEOUT_MS: wholeNumber("milliseconds (0 disables)", 30_000, 0),
  PODIUM_DB_IDLE_TIMEOUT_MS: wholeNumber("milliseconds (0 keeps idle connections)", 60_000, 0),
  PODIUM_DB_POOL_WAIT_MS: wholeNumber("milliseconds", 5000, 1),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  adminToken?: string;
  /** Maximum JSON request body size in bytes (413 beyond). */
  bodyLimitBytes: number;
  /** Maximum streamed upload (instance-level CSV/NDJSON) in bytes (413 beyond). */
  uploadLimitBytes: number;
  /** An upload that sends nothing for this long is answered 408 (nothing stored). */
  uploadIdleTimeoutMs: number;
  /** Parsed upload rows kept in memory up to this many bytes per upload; beyond, a temporary file. */
  uploadSpoolMemoryBytes: number;
  /** Directory of those temporary files (default: the OS temporary directory). */
  uploadSpoolDir?: string;
  /** Write requests (POST/PUT/PATCH/DELETE) per minute per token or client, per process; 0 disables. */
  rateLimitPerMinute: number;
  /** Expensive reads (api/middleware/request-cost.ts) per minute per token or client, per process; 0 disables. */
  expensiveReadsPerMinute: number;
  /** On SIGTERM/SIGINT, how long in-flight requests may take to finish before their connections are cut (ms). */
  shutdownGraceMs: number;
  /** PODIUM_LOG_LEVEL: pino level of the request log (Node entry); `silent` turns it off. */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Take the client address from X-Forwarded-For (behind a reverse proxy you control). */
  trustProxy: boolean;
  /** Base of every absolute URL the service prints (badge snippets), no trailing slash; unset: the request's own origin. */
  publicUrl?: string;
  /** Compute pool (absent: the defaults of service/compute-pool.ts): worker threads, queued jobs, heap cap per worker, wall-clock cap per job. */
  computeWorkers?: number;
  computeQueue?: number;
  workerMemoryMb?: number;
  computeTimeoutMs?: number;
  /** PostgreSQL pool and timeouts (PODIUM_DB_*), used with DATABASE_URL. */
  postgres: {
    poolSize: number;
    connectTimeoutMs: number;
    /** 0 disables. */
    statementTimeoutMs: number;
    /** 0 keeps idle connections open. */
    idleTimeoutMs: number;
    /** Longest wait for a free pooled connection before 503. */
    poolWaitMs: number;
  };
  /** Bound of the leaderboard cache in bytes (bodies in every coding plus parsed leaderboards). */
  cacheMaxBytes: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parse the environment; throws ConfigError with one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PODIUM_DATA_DIR,
    adminToken: e.PODIUM_ADMIN_TOKEN,
    bodyLimitBytes: e.PODIUM_BODY_LIMIT_BYTES,
    uploadLimitBytes: e.PODIUM_UPLOAD_LIMIT_BYTES,
    uploadIdleTimeoutMs: e.PODIUM_UPLOAD_IDLE_TIMEOUT_MS,
    uploadSpoolMemoryBytes: e.PODIUM_UPLOAD_SPOOL_MEMORY_BYTES,
    uploadSpoolDir: e.PODIUM_UPLOAD_SPOOL_DIR,
    rateLimitPerMinute: e.PODIUM_RATE_LIMIT_PER_MINUTE,
    expensiveReadsPerMinute: e.PODIUM_EXPENSIVE_READS_PER_MINUTE,
    shutdownGraceMs: e.PODIUM_SHUTDOWN_GRACE_MS,
    logLevel: e.PODIUM_LOG_LEVEL,
    trustProxy: e.PODIUM_TRUST_PROXY === "true",
    publicUrl: e.PODIUM_PUBLIC_URL,
    computeWorkers: e.PODIUM_WORKERS,
    computeQueue: e.PODIUM_COMPUTE_QUEUE,
    workerMemoryMb: e.PODIUM_WORKER_MEMORY_MB,
    computeTimeoutMs: e.PODIUM_COMPUTE_TIMEOUT_MS,
    postgres: {
      poolSize: e.PODIUM_DB_POOL_SIZE,
      connectTimeoutMs: e.PODIUM_DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.PODIUM_DB_STATEMENT_TIMEOUT_MS,
      idleTimeoutMs: e.PODIUM_DB_IDLE_TIMEOUT_MS,
      poolWaitMs: e.PODIUM_DB_POOL_WAIT_MS,
    },
    cacheMaxBytes: e.PODIUM_CACHE_MAX_BYTES,
  };
}

/** parseConfig for the server entry: prints a clear message and exits 1 on invalid config. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
