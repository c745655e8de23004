import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../api/env.ts";
import { onError } from "../../api/errors.ts";
import { rateLimitWrites, TokenBucketLimiter } from "../../api/middleware/rate-limit.ts";
import { backends } from "../helpers/database.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";

describe("TokenBucketLimiter", () => {
  it("allows perMinute at once, then refills perMinute per minute", () => {
    let now = 1_000_000;
    const limiter = new TokenBucketLimiter({ perMinute: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take("a"))).toEqual([
      { allowed: true, remaining: 2, retryAfterSeconds: 0 },
      { allowed: true, remaining: 1, retryAfterSeconds: 0 },
      { allowed: true, remaining: 0, retryAfterSeconds: 0 },
    ]);
    expect(limiter.take("a")).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 20 });
    expect(limiter.take("b").allowed).toBe(true); // its own bucket
    now += 15_000;
    expect(limiter.take("a")).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 5 });
    now += 5_000;
    expect(limiter.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    now += 10 * 60_000;
    expect(limiter.take("a")).toMatchObject({ allowed: true, remaining: 2 }); // full again, not more
  });

  it("keeps memory bounded: idle buckets are dropped, and at most maxKeys are kept", () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perMinute: 2, maxKeys: 100, now: () => now });
    for (let i = 0; i < 50; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBe(50);
    now += 60_000;
    limiter.take("fresh");
    expect(limiter.size).toBe(1);
    for (let i = 0; i < 1000; i++) limiter.take(`x${i}`);
    expect(limiter.size).toBe(100);
    // the most recently used bucket survives the cap
    limiter.take("x999");
    expect(limiter.take("x999")).toMatchObject({ allowed: false });
  });
});

/** A bare app with only the limiter, served on a real socket (getConnInfo needs one). */
async function withServer(options: { perMinute: number; trustProxy?: boolean }, fn: (url: string) => Promise<void>) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use("*", rateLimitWrites(options));
  app.all("/x", (c) => c.json({ ok: true }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("rate limit keys", () => {
  it("without a token, the socket address; X-Forwarded-For is ignored unless trusted", async () => {
    await withServer({ perMinute: 1 }, async (url) => {
      expect((await fetch(url, { method: "POST", headers: { "x-forwarded-for": "10.0.0.1" } })).status).toBe(200);
      const res = await fetch(url, { method: "POST", headers: { "x-forwarded-for": "10.0.0.2" } });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      // a token has its own bucket; reads are not limited
      expect((await fetch(url, { method: "POST", headers: { authorization: "Bearer pod_someone" } })).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await fetch(url)).status).toBe(200);
    });
  });

  it("with trustProxy, the last X-Forwarded-For entry", async () => {
    await withServer({ perMinute: 1, trustProxy: true }, async (url) => {
      const post = (xff: string) => fetch(url, { method: "POST", headers: { "x-forwarded-for": xff } }).then((r) => r.status);
      expect(await post("1.1.1.1, 10.0.0.1")).toBe(200);
      expect(await post("2.2.2.2, 10.0.0.1")).toBe(429); // spoofed first entries do not help
      expect(await post("10.0.0.2")).toBe(200);
    });
  });
});

describe.each(backends())("rate limiting on %s", (kind) => {
  describe("with a tiny limit", () => {
    const api = useTestApi(kind, { rateLimitPerMinute: 4 });
    const body = { system: { slug: "bert" }, scores: { cola: 1 } };

    it("the N+1th write of a token gets 429 and changes nothing; other tokens and reads are unaffected", async () => {
      await api.createBenchmark("glue"); // admin: 1 of 4
      const token = await api.createToken("glue"); // admin: 2 of 4
      for (let i = 0; i < 4; i++) {
        const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body: { ...body, scores: { cola: i } } });
        expect(res.status).toBe(201);
        expect(res.headers.get("ratelimit-limit")).toBe("4");
        expect(res.headers.get("ratelimit-remaining")).toBe(String(3 - i));
      }
      const rejected = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body: { system: { slug: "late" }, scores: { cola: 9 } } });
      expect(rejected.status).toBe(429);
      expect(rejected.body).toEqual({ error: { code: "rate_limited", message: expect.any(String), details: { limitPerMinute: 4, retryAfterSeconds: expect.any(Number) } } });
      const retryAfter = Number(rejected.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 15).toBe(true);
      expect(rejected.headers.get("ratelimit-remaining")).toBe("0");

      // nothing changed: the revision counts the four accepted submissions, "late" does not exist
      expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(4);
      expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/late/submissions")).status).toBe(404);

      // reads are not limited
      for (let i = 0; i < 10; i++) expect((await api.call("GET", "/api/v1/benchmarks/glue/leaderboard", { token })).status).toBe(200);

      // other keys have their own buckets: the admin (2 of 4 used), a second token, no token
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body })).status).toBe(201);
      const other = await api.createToken("glue");
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: other, body })).status).toBe(201);
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: null, body })).status).toBe(401);
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: ADMIN_TOKEN, body })).status).toBe(429);
      expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(6);
    });

    it("a rejected request is refused before its token is checked or its body read", async () => {
      const token = "pod_not-a-real-token";
      for (let i = 0; i < 4; i++) expect((await api.call("POST", "/api/v1/benchmarks", { token, body: "{not json" })).status).toBe(401);
      const res = await api.call("POST", "/api/v1/benchmarks", { token, body: "{not json" });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe("rate_limited");
    });
  });

  describe("with the limit at 0", () => {
    const api = useTestApi(kind, { rateLimitPerMinute: 0 });

    it("never limits", async () => {
      await api.createBenchmark("glue");
      for (let i = 0; i < 30; i++) {
        const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: `s${i}` }, scores: { cola: i } } });
        expect(res.status).toBe(201);
        expect(res.headers.get("ratelimit-limit")).toBeNull();
      }
      expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(30);
    });
  });
});
