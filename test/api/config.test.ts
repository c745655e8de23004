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
      rateLimitPerMinute: 6000,
      trustProxy: false,
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
