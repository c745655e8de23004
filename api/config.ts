/** Configuration: the environment, parsed once with zod at start. */
import { z } from "zod";

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);

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
  // High by default: it stops runaway scripts and abuse, not a maintainer's honest bulk load.
  PODIUM_RATE_LIMIT_PER_MINUTE: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d{1,9}$/, "must be a whole number of writes per minute (0 disables)")
      .transform(Number)
      .default(6000),
  ),
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
  /** Write requests (POST/PUT/PATCH/DELETE) per minute per token or client, per process; 0 disables. */
  rateLimitPerMinute: number;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy you control). */
  trustProxy: boolean;
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
    rateLimitPerMinute: e.PODIUM_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.PODIUM_TRUST_PROXY === "true",
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
