import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../api/config.ts";

describe("config", () => {
  it("has defaults for everything", () => {
    expect(parseConfig({})).toEqual({
      port: 3000,
      host: "0.0.0.0",
      databaseUrl: undefined,
      dataDir: "./.podium",
      adminToken: undefined,
      bodyLimitBytes: 1024 * 1024,
      uploadLimitBytes: 512 * 1024 * 1024,
      uploadIdleTimeoutMs: 30_000,
      uploadSpoolMemoryBytes: 16 * 1024 * 1024,
      uploadSpoolDir: undefined,
      rateLimitPerMinute: 6000,
      expensiveReadsPerMinute: 60,
      shutdownGraceMs: 10_000,
      logLevel: "info",
      trustProxy: false,
      postgres: { poolSize: 10, connectTimeoutMs: 2000, statementTimeoutMs: 30_000, idleTimeoutMs: 60_000, poolWaitMs: 5000 },
      cacheMaxBytes: 128 * 1024 * 1024,
    });
  });

  it("parses values and treats empty strings as unset", () => {
    const c = parseConfig({ PORT: "8080", DATABASE_URL: "postgres://u@h/db", PODIUM_BODY_LIMIT_BYTES: "2048", PODIUM_ADMIN_TOKEN: "", HOST: "" });
    expect(c).toMatchObject({ port: 8080, databaseUrl: "postgres://u@h/db", bodyLimitBytes: 2048, adminToken: undefined, host: "0.0.0.0" });
  });

  it("rejects bad values with a message naming the variable", () => {
    expect(() => parseConfig({ PORT: "http" })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: "99999" })).toThrow(/PORT/);
    expect(() => parseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => parseConfig({ PODIUM_ADMIN_TOKEN: "short" })).toThrow(/PODIUM_ADMIN_TOKEN/);
    expect(() => parseConfig({ PODIUM_RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/PODIUM_RATE_LIMIT_PER_MINUTE/);
    expect(() => parseConfig({ PODIUM_RATE_LIMIT_PER_MINUTE: "1e3" })).toThrow(/PODIUM_RATE_LIMIT_PER_MINUTE/);
    expect(() => parseConfig({ PODIUM_CACHE_MAX_BYTES: "1000" })).toThrow(/PODIUM_CACHE_MAX_BYTES/);
    expect(() => parseConfig({ PODIUM_CACHE_MAX_BYTES: "1e9" })).toThrow(/PODIUM_CACHE_MAX_BYTES/);
    expect(parseConfig({ PODIUM_CACHE_MAX_BYTES: "33554432" }).cacheMaxBytes).toBe(32 * 1024 * 1024);
    expect(() => parseConfig({ PODIUM_TRUST_PROXY: "yes" })).toThrow(/PODIUM_TRUST_PROXY/);
  });
});

describe("config: rate limit", () => {
  it("parses PODIUM_RATE_LIMIT_PER_MINUTE (0 disables) and PODIUM_TRUST_PROXY", () => {
    expect(parseConfig({ PODIUM_RATE_LIMIT_PER_MINUTE: "0", PODIUM_TRUST_PROXY: "true" })).toMatchObject({ rateLimitPerMinute: 0, trustProxy: true });
    expect(parseConfig({ PODIUM_RATE_LIMIT_PER_MINUTE: "30", PODIUM_TRUST_PROXY: "" })).toMatchObject({ rateLimitPerMinute: 30, trustProxy: false });
  });
});

describe("config: expensive reads and shutdown", () => {
  it("parses PODIUM_EXPENSIVE_READS_PER_MINUTE (0 disables) and PODIUM_SHUTDOWN_GRACE_MS", () => {
    expect(parseConfig({ PODIUM_EXPENSIVE_READS_PER_MINUTE: "0", PODIUM_SHUTDOWN_GRACE_MS: "2500" })).toMatchObject({ expensiveReadsPerMinute: 0, shutdownGraceMs: 2500 });
    expect(() => parseConfig({ PODIUM_EXPENSIVE_READS_PER_MINUTE: "-5" })).toThrow(/PODIUM_EXPENSIVE_READS_PER_MINUTE/);
    expect(() => parseConfig({ PODIUM_SHUTDOWN_GRACE_MS: "10s" })).toThrow(/PODIUM_SHUTDOWN_GRACE_MS/);
  });
});

describe("config: compute pool", () => {
  it("parses PODIUM_WORKERS, PODIUM_COMPUTE_QUEUE, PODIUM_WORKER_MEMORY_MB, PODIUM_COMPUTE_TIMEOUT_MS (unset: the pool's defaults)", () => {
    expect(parseConfig({})).toMatchObject({ computeWorkers: undefined, computeQueue: undefined, workerMemoryMb: undefined, computeTimeoutMs: undefined });
    expect(parseConfig({ PODIUM_WORKERS: "3", PODIUM_COMPUTE_QUEUE: "0", PODIUM_WORKER_MEMORY_MB: "256", PODIUM_COMPUTE_TIMEOUT_MS: "5000" })).toMatchObject({
      computeWorkers: 3,
      computeQueue: 0,
      workerMemoryMb: 256,
      computeTimeoutMs: 5000,
    });
    expect(() => parseConfig({ PODIUM_WORKERS: "0" })).toThrow(/PODIUM_WORKERS/);
    expect(() => parseConfig({ PODIUM_COMPUTE_QUEUE: "-1" })).toThrow(/PODIUM_COMPUTE_QUEUE/);
    expect(() => parseConfig({ PODIUM_WORKER_MEMORY_MB: "8" })).toThrow(/PODIUM_WORKER_MEMORY_MB/);
    expect(() => parseConfig({ PODIUM_COMPUTE_TIMEOUT_MS: "soon" })).toThrow(/PODIUM_COMPUTE_TIMEOUT_MS/);
  });
});

describe("config: PostgreSQL pool", () => {
  it("parses PODIUM_DB_* (0 disables the statement and idle timeouts) and rejects nonsense", () => {
    const env = {
      PODIUM_DB_POOL_SIZE: "20",
      PODIUM_DB_CONNECT_TIMEOUT_MS: "500",
      PODIUM_DB_STATEMENT_TIMEOUT_MS: "0",
      PODIUM_DB_IDLE_TIMEOUT_MS: "0",
      PODIUM_DB_POOL_WAIT_MS: "250",
    };
    expect(parseConfig(env).postgres).toEqual({ poolSize: 20, connectTimeoutMs: 500, statementTimeoutMs: 0, idleTimeoutMs: 0, poolWaitMs: 250 });
    expect(() => parseConfig({ PODIUM_DB_POOL_SIZE: "0" })).toThrow(/PODIUM_DB_POOL_SIZE/);
    expect(() => parseConfig({ PODIUM_DB_CONNECT_TIMEOUT_MS: "2s" })).toThrow(/PODIUM_DB_CONNECT_TIMEOUT_MS/);
    expect(() => parseConfig({ PODIUM_DB_POOL_WAIT_MS: "-5" })).toThrow(/PODIUM_DB_POOL_WAIT_MS/);
  });
});
