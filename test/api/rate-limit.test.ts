import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../api/env.ts";
import { onError } from "../../api/errors.ts";
import { addressBucket, cachedTokenVerifier, rateLimit, TokenBucketLimiter, type RateLimitOptions } from "../../api/middleware/rate-limit.ts";
import { requestCost } from "../../api/middleware/request-cost.ts";
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

describe("addressBucket", () => {
  it("keeps IPv4 (also IPv4-mapped) and groups IPv6 by /64", () => {
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0db8:0001:0002:ffff::9")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressBucket("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
    expect(addressBucket("unknown")).toBe("unknown");
  });
});

describe("requestCost: the one definition of a write and of an expensive read", () => {
  const cost = (method: string, path: string, query = "") => {
    const params = new URLSearchParams(query);
    return requestCost(method, path, (name) => (params.has(name) ? params.getAll(name) : undefined));
  };
  const LB = "/api/v1/benchmarks/glue/leaderboard";

  it("writes: POST/PUT/PATCH/DELETE except the stateless /rank", () => {
    expect(cost("POST", "/api/v1/benchmarks")).toBe("write");
    expect(cost("DELETE", "/api/v1/benchmarks/glue/tokens/3")).toBe("write");
    expect(cost("PUT", "/api/v1/benchmarks/glue/systems/a/instances")).toBe("write");
    expect(cost("POST", "/api/v1/rank")).toBe("expensive");
  });

  it("expensive: a bootstrap with a non-default seed or samples, a kemenyBudgetMs above the default", () => {
    expect(cost("GET", LB, "uncertainty=bootstrap&seed=7")).toBe("expensive");
    expect(cost("HEAD", LB, "uncertainty=bootstrap&samples=500")).toBe("expensive");
    expect(cost("GET", LB, "uncertainty=bootstrap&samples=1000&seed=0&seed=9")).toBe("expensive");
    expect(cost("GET", LB, "kemenyBudgetMs=2001")).toBe("expensive");
    expect(cost("GET", LB, "methods=kemeny&kemenyBudgetMs=60000&format=csv")).toBe("expensive");
  });

  it("free: defaults (cached), ignored or malformed parameters, other routes", () => {
    expect(cost("GET", LB)).toBe("free");
    expect(cost("GET", LB, "uncertainty=bootstrap")).toBe("free");
    expect(cost("GET", LB, "uncertainty=bootstrap&seed=0&samples=1000&kemenyBudgetMs=2000")).toBe("free");
    expect(cost("GET", LB, "seed=7&samples=5")).toBe("free"); // ignored without uncertainty
    expect(cost("GET", LB, "uncertainty=bootstrap&seed=abc&samples=1e3")).toBe("free"); // a 400 from the route
    expect(cost("GET", LB, "kemenyBudgetMs=500")).toBe("free");
    expect(cost("GET", "/api/v1/benchmarks/glue/robustness", "method=kemeny")).toBe("free");
    expect(cost("GET", "/benchmarks/glue", "uncertainty=bootstrap&seed=7")).toBe("free"); // the page always runs the default bootstrap
    expect(cost("GET", "/api/v1/benchmarks/glue/badges/bert.svg")).toBe("free");
    expect(cost("GET", "/api/v1/rank")).toBe("free");
  });
});

const VALID = "pod_valid-token";

/** A bare app with only the limiter (one valid token: VALID), served on a real socket (getConnInfo needs one). */
async function withServer(options: Partial<RateLimitOptions> & { perMinute: number }, fn: (url: string) => Promise<void>) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  const authenticate = async (token: string) => {
    if (token !== VALID) throw new Error("invalid token");
  };
  app.use("*", rateLimit({ verifyToken: cachedTokenVerifier(authenticate), ...options }));
  app.all("/x", (c) => c.json({ ok: true }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const randomToken = () => `pod_${randomBytes(24).toString("base64url")}`;

describe("rate limit keys", () => {
  it("without a valid token, the socket address; X-Forwarded-For is ignored unless trusted", async () => {
    await withServer({ perMinute: 1 }, async (url) => {
      expect((await fetch(url, { method: "POST", headers: { "x-forwarded-for": "10.0.0.1" } })).status).toBe(200);
      const res = await fetch(url, { method: "POST", headers: { "x-forwarded-for": "10.0.0.2" } });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      // an unverified token is the same client: no fresh bucket
      expect((await fetch(url, { method: "POST", headers: { authorization: `Bearer ${randomToken()}` } })).status).toBe(429);
      // a valid token has its own bucket; reads are not limited
      expect((await fetch(url, { method: "POST", headers: { authorization: `Bearer ${VALID}` } })).status).toBe(200);
      expect((await fetch(url, { method: "POST", headers: { authorization: `Bearer ${VALID}` } })).status).toBe(429);
      for (let i = 0; i < 5; i++) expect((await fetch(url)).status).toBe(200);
    });
  });

  it("with trustProxy, the last X-Forwarded-For entry", async () => {
    await withServer({ perMinute: 1, trustProxy: true }, async (url) => {
      const post = (xff: string) => fetch(url, { method: "POST", headers: { "x-forwarded-for": xff } }).then((r) => r.status);
      expect(await post("1.1.1.1, 10.0.0.1")).toBe(200);
      expect(await post("2.2.2.2, 10.0.0.1")).toBe(429); // spoofed first entries do not help
      expect(await post("10.0.0.2")).toBe(200);
      expect(await post("2001:db8:0:1::1")).toBe(200);
      expect(await post("2001:db8:0:1::2")).toBe(429); // the same /64
    });
  });

  it("a flood of random tokens from many addresses neither evicts nor drains a valid token's bucket", async () => {
    await withServer({ perMinute: 5, trustProxy: true, maxKeys: 10 }, async (url) => {
      const asValid = () => fetch(url, { method: "POST", headers: { authorization: `Bearer ${VALID}`, "x-forwarded-for": "10.9.9.9" } });
      expect((await asValid()).headers.get("ratelimit-remaining")).toBe("4");
      for (let i = 0; i < 40; i++) {
        const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${randomToken()}`, "x-forwarded-for": i % 2 ? "10.9.9.9" : `10.1.0.${i}` } });
        expect(res.status).toBe(i % 2 && i >= 10 ? 429 : 200); // 10.9.9.9's address bucket runs dry after 5
      }
      expect((await asValid()).headers.get("ratelimit-remaining")).toBe("3"); // neither reset to 4 nor drained
    });
  });
});

describe("cachedTokenVerifier", () => {
  it("remembers verified tokens only (by hash), for its ttl", async () => {
    let lookups = 0;
    let valid = new Set([VALID]);
    const verify = cachedTokenVerifier(
      async (token) => {
        lookups++;
        if (!valid.has(token)) throw new Error("invalid");
      },
      { ttlMs: 60_000 },
    );
    expect(await verify(VALID)).toMatch(/^[0-9a-f]{64}$/);
    expect(await verify(VALID)).toMatch(/^[0-9a-f]{64}$/);
    expect(lookups).toBe(1);
    const bogus = randomToken();
    expect(await verify(bogus)).toBeUndefined();
    expect(await verify(bogus)).toBeUndefined();
    expect(lookups).toBe(3);
    valid = new Set();
    expect(await verify(VALID)).toBeDefined(); // within the ttl: still its own bucket (authentication itself is not cached)
    expect(lookups).toBe(3);
  });
});

/** One client address per test (trustProxy), so tests of a suite do not share buckets. */
const from = (address: string) => ({ "x-forwarded-for": address });

describe.each(backends())("rate limiting on %s", (kind) => {
  describe("with a tiny limit", () => {
    const api = useTestApi(kind, { rateLimitPerMinute: 4, trustProxy: true });
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

    it("a rejected request is refused before its body is read", async () => {
      const token = randomToken();
      const headers = from("192.0.2.1");
      for (let i = 0; i < 4; i++) expect((await api.call("POST", "/api/v1/benchmarks", { token, body: "{not json", headers })).status).toBe(401);
      const res = await api.call("POST", "/api/v1/benchmarks", { token, body: "{not json", headers });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe("rate_limited");
    });

    it("30 requests with random tokens from one address: 429 beyond the limit; another address is not affected", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++)
        statuses.push((await api.call("POST", "/api/v1/benchmarks", { token: randomToken(), body: { slug: `b${i}`, name: "B", tasks: [{ slug: "t" }] }, headers: from("192.0.2.2") })).status);
      expect(statuses).toEqual([...Array(4).fill(401), ...Array(26).fill(429)]);
      expect((await api.call("POST", "/api/v1/benchmarks", { token: randomToken(), body: {}, headers: from("192.0.2.3") })).status).toBe(401);
      expect((await api.call("GET", "/api/v1/benchmarks")).body.benchmarks).toEqual([]);
    });
  });

  describe("a valid token's own bucket", () => {
    const api = useTestApi(kind, { rateLimitPerMinute: 10, trustProxy: true });
    const body = { system: { slug: "bert" }, scores: { cola: 1 } };

    it("a valid token keeps its own allowance: random tokens and anonymous requests from its address neither drain nor reset it", async () => {
      await api.createBenchmark("glue");
      const token = await api.createToken("glue");
      const headers = from("192.0.2.4");
      const submit = (slug: string) => api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body: { system: { slug }, scores: { cola: 1 } }, headers });
      expect((await submit("a")).headers.get("ratelimit-remaining")).toBe("9");
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const anyone = i % 2 ? { token: randomToken() } : { token: null };
        statuses.push((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { ...anyone, body, headers })).status);
      }
      expect(statuses).toEqual([...Array(10).fill(401), ...Array(20).fill(429)]); // one bucket for the address
      const res = await submit("b");
      expect(res.status).toBe(201); // the address is exhausted, the token is not
      expect(res.headers.get("ratelimit-remaining")).toBe("8"); // neither drained nor reset to 9
      expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/b/submissions")).status).toBe(200);
    });

    it("a revoked token is refused at once, and its refused requests change nothing", async () => {
      await api.createBenchmark("glue");
      const created = await api.call("POST", "/api/v1/benchmarks/glue/tokens");
      const { id, token } = created.body;
      const headers = from("192.0.2.5");
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body, headers })).status).toBe(201); // verified, now cached
      expect((await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${id}`)).status).toBe(204);
      const refused = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body: { system: { slug: "after" }, scores: { cola: 2 } }, headers });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe("unauthorized");
      expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/after/submissions")).status).toBe(404);
      expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(1);
    });
  });

  describe("expensive reads", () => {
    const api = useTestApi(kind, { expensiveReadsPerMinute: 3, trustProxy: true });
    const rankBody = { systems: [{ slug: "a", scores: { x: 1, y: 2 } }, { slug: "b", scores: { x: 2, y: 1 } }] };
    const LB = "/api/v1/benchmarks/glue/leaderboard";

    async function seed() {
      await api.createBenchmark("glue");
      const submissions = ["bert", "roberta", "xlnet"].map((slug, i) => ({ system: { slug }, scores: { cola: 50 + i, sst2: 90 - i, mnli: 80 + (i % 2) } }));
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { submissions } })).status).toBe(201);
    }

    it("POST /rank and non-default bootstraps draw on a per-address budget: 429 beyond it, with Retry-After, in the envelope", async () => {
      await seed();
      const headers = from("198.51.100.1");
      const rank = () => api.call("POST", "/api/v1/rank", { token: null, body: rankBody, headers });
      expect((await rank()).status).toBe(200);
      const lb = await api.call("GET", `${LB}?uncertainty=bootstrap&seed=7&samples=50`, { token: null, headers });
      expect(lb.status).toBe(200);
      expect(lb.body.uncertainty).toMatchObject({ samples: 50, seed: 7 });
      expect(lb.headers.get("ratelimit-limit")).toBe("3");
      expect(lb.headers.get("ratelimit-remaining")).toBe("1");
      expect((await api.call("GET", `${LB}?methods=kemeny&kemenyBudgetMs=5000`, { token: null, headers })).status).toBe(200);

      for (const over of [rank(), api.call("GET", `${LB}?uncertainty=bootstrap&seed=8`, { token: null, headers }), api.call("GET", `${LB}?kemenyBudgetMs=3000`, { token: null, headers })]) {
        const res = await over;
        expect(res.status).toBe(429);
        expect(res.body).toEqual({ error: { code: "rate_limited", message: expect.stringContaining("expensive"), details: { limitPerMinute: 3, retryAfterSeconds: expect.any(Number) } } });
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }
      // other clients have their own budget
      expect((await api.call("POST", "/api/v1/rank", { token: null, body: rankBody, headers: from("198.51.100.2") })).status).toBe(200);
      // writes are not charged to it
      expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: null, body: {}, headers })).status).toBe(401);
    });

    it("cheap and cached reads are never limited, even with the budget spent", async () => {
      await seed();
      const headers = from("198.51.100.3");
      for (let i = 0; i < 3; i++) expect((await api.call("POST", "/api/v1/rank", { token: null, body: rankBody, headers })).status).toBe(200);
      expect((await api.call("POST", "/api/v1/rank", { token: null, body: rankBody, headers })).status).toBe(429);
      const cheap = [
        LB,
        `${LB}?uncertainty=bootstrap`,
        `${LB}?uncertainty=bootstrap&seed=0&samples=1000`,
        `${LB}?seed=9&samples=10`,
        `${LB}?methods=kemeny&kemenyBudgetMs=2000`,
        `${LB}?format=csv`,
        "/api/v1/benchmarks/glue/robustness?method=kemeny",
        "/api/v1/benchmarks/glue",
        "/api/v1/benchmarks",
        "/benchmarks/glue?uncertainty=bootstrap",
      ];
      for (let round = 0; round < 2; round++)
        for (const path of cheap) {
          const res = await api.call("GET", path, { token: null, headers });
          expect(res.status, path).toBe(200);
          expect(res.headers.get("ratelimit-limit"), path).toBeNull();
        }
      // a malformed value is a cheap 400, not a 429
      expect((await api.call("GET", `${LB}?uncertainty=bootstrap&seed=abc`, { token: null, headers })).status).toBe(400);
    });

    it("with a valid token, its own budget: the address's spent budget does not limit it", async () => {
      await seed();
      const token = await api.createToken("glue");
      const headers = from("198.51.100.4");
      for (let i = 0; i < 3; i++) await api.call("POST", "/api/v1/rank", { token: randomToken(), body: rankBody, headers });
      expect((await api.call("POST", "/api/v1/rank", { token: randomToken(), body: rankBody, headers })).status).toBe(429);
      for (let i = 0; i < 3; i++) expect((await api.call("GET", `${LB}?uncertainty=bootstrap&seed=${i + 1}&samples=20`, { token, headers })).status).toBe(200);
      expect((await api.call("GET", `${LB}?uncertainty=bootstrap&seed=9&samples=20`, { token, headers })).status).toBe(429);
    });
  });

  describe("with the limits at 0", () => {
    const api = useTestApi(kind, { rateLimitPerMinute: 0, expensiveReadsPerMinute: 0 });

    it("never limits", async () => {
      await api.createBenchmark("glue");
      for (let i = 0; i < 30; i++) {
        const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: `s${i}` }, scores: { cola: i } } });
        expect(res.status).toBe(201);
        expect(res.headers.get("ratelimit-limit")).toBeNull();
      }
      expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(30);
      for (let i = 0; i < 5; i++) expect((await api.call("POST", "/api/v1/rank", { token: null, body: { systems: [{ slug: "a", scores: { x: i } }] } })).status).toBe(200);
    });
  });
});
