/**
 * Operations in the app itself (no pino/prom-client: those are wired by the Node entry, see
 * test/e2e/operations.test.ts): request ids, security headers, CORS on reads, and the
 * observability hooks createApp takes.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import type { RequestRecord } from "../../api/observability.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";

describe("operations", () => {
  const api = useTestApi("pglite");

  it("every response carries X-Request-Id: the client's when sane, else a fresh one", async () => {
    const own = await api.call("GET", "/healthz", { headers: { "x-request-id": "abc-123.x:y" } });
    expect(own.headers.get("x-request-id")).toBe("abc-123.x:y");
    const fresh = await api.call("GET", "/healthz");
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const other = await api.call("GET", "/healthz");
    expect(other.headers.get("x-request-id")).not.toBe(fresh.headers.get("x-request-id"));
    for (const bad of ["a b", "x".repeat(129), "<script>", "é"]) {
      const res = await api.call("GET", "/api/v1/benchmarks/nope", { headers: { "x-request-id": bad } });
      expect(res.status).toBe(404);
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("security headers everywhere; badges stay embeddable (no X-Frame-Options, cross-origin resource policy)", async () => {
    await api.createBenchmark("glue");
    await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "bert" }, scores: { cola: 1 } } });
    for (const path of ["/", "/benchmarks/glue", "/api/v1/benchmarks", "/api/v1/benchmarks/glue/systems/bert/badge.svg", "/api/v1/nope"]) {
      const res = await api.call("GET", path);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
    }
    const badge = await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/badge.svg");
    expect(badge.status).toBe(200);
    expect(badge.headers.get("x-frame-options")).toBeNull();
    expect(badge.headers.get("content-security-policy") ?? "").not.toMatch(/frame-ancestors/);
    expect(badge.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/badge.json")).headers.get("content-security-policy")).toBeNull();
    // API data is never a document
    for (const path of ["/api/v1/benchmarks", "/api/v1/benchmarks/glue/leaderboard?format=csv", "/api/v1/nope"])
      expect((await api.call("GET", path)).headers.get("content-security-policy"), path).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("public GETs answer Access-Control-Allow-Origin: * without credentials; preflights for reads get 204; writes get no CORS", async () => {
    await api.createBenchmark("glue");
    for (const path of ["/api/v1/benchmarks", "/api/v1/benchmarks/glue/leaderboard", "/api/v1/benchmarks/glue/systems/x/badge.json", "/api/v1/benchmarks/nope"]) {
      const res = await api.call("GET", path, { token: null, headers: { origin: "https://example.org" } });
      expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("access-control-expose-headers")).toMatch(/ETag/);
    }
    const preflight = await api.app.request("/api/v1/benchmarks/glue/leaderboard", {
      method: "OPTIONS",
      headers: { origin: "https://example.org", "access-control-request-method": "GET", "access-control-request-headers": "if-none-match" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, HEAD");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/If-None-Match/);
    expect(preflight.headers.get("access-control-allow-headers")).not.toMatch(/Authorization/i);
    const writePreflight = await api.app.request("/api/v1/benchmarks", { method: "OPTIONS", headers: { origin: "https://example.org", "access-control-request-method": "POST" } });
    expect(writePreflight.headers.get("access-control-allow-origin")).toBeNull();
    const write = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "b" }, scores: { cola: 1 } }, headers: { origin: "https://example.org" } });
    expect(write.status).toBe(201);
    expect(write.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("hands one record per request to the observability sinks, with the route pattern; /metrics serves the sink", async () => {
    const records: RequestRecord[] = [];
    const app = createApp({
      services: api.services,
      config: { ...(await import("../../api/config.ts")).parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN }) },
      observability: { log: (r) => records.push(r), metrics: { observeRequest: () => {}, render: async () => ({ contentType: "text/plain; version=0.0.4", body: "podium_up 1\n" }) } },
    });
    await api.createBenchmark("glue");
    const res = await app.request("/api/v1/benchmarks/glue/leaderboard?methods=mean", { headers: { "x-request-id": "req-1" } });
    expect(res.status).toBe(200);
    await app.request("/api/v1/benchmarks/nope/x/y/z");
    await app.request("/api/v1/benchmarks", { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: "{}" });
    expect(records[0]).toMatchObject({ requestId: "req-1", method: "GET", route: "/api/v1/benchmarks/:slug/leaderboard", path: "/api/v1/benchmarks/glue/leaderboard", status: 200 });
    expect(records[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(records[1]).toMatchObject({ route: "unmatched", status: 404 });
    expect(records[2]).toMatchObject({ route: "/api/v1/benchmarks", status: 400, principal: "admin" });
    const metrics = await app.request("/metrics");
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toBe("podium_up 1\n");
    // without a metrics sink (the default, e.g. Workers): 404 in the envelope
    const plain = await api.call("GET", "/metrics");
    expect(plain.status).toBe(404);
    expect(plain.body.error.code).toBe("not_found");
  });
});
