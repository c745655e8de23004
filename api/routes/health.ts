import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { notFound, unavailable } from "../errors.ts";
import type { Observability } from "../observability.ts";
import { errorResponses, jsonResponse, noSecurity } from "../schemas.ts";

export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["health"],
  security: noSecurity,
  summary: "Liveness and database check",
  description: "200 when the database answers `SELECT 1` within 2 s, else 503 (never waits longer).",
  responses: {
    200: jsonResponse(z.object({ status: z.literal("ok") }), "The database answers"),
    ...errorResponses(503),
  },
});

export const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tags: ["health"],
  security: noSecurity,
  summary: "Readiness: can requests that need the database be served now?",
  description:
    "200 when the database answers within 1 s; 503 `unavailable` (with Retry-After) at once while the server knows the database is down (it probes in the background and becomes ready by itself when the database is back), or when the probe takes longer.",
  responses: {
    200: jsonResponse(z.object({ status: z.literal("ready") }), "The database answers"),
    ...errorResponses(503),
  },
});

/** Bounds of the database probes: /readyz is polled by load balancers and must answer fast. */
const HEALTH_PING_MS = 2000;
const READY_PING_MS = 1000;

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthRoute, async (c) => {
    if (await c.var.services.health.ping(HEALTH_PING_MS)) return c.json({ status: "ok" as const }, 200);
    throw unavailable("database unavailable");
  });
  app.openapi(readyRoute, async (c) => {
    if (await c.var.services.health.ping(READY_PING_MS)) return c.json({ status: "ready" as const }, 200);
    throw unavailable("the database is unavailable; not ready");
  });
}

export const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tags: ["health"],
  security: noSecurity,
  summary: "Prometheus metrics",
  description:
    "Prometheus text exposition: request durations by route pattern, method and status; leaderboard cache hits, misses, bytes and entries; compute pool queue, utilisation and rejections; process metrics. 404 when the server runs without metrics (e.g. on Workers).",
  responses: {
    200: { description: "Prometheus text format", content: { "text/plain": { schema: z.string() } } },
    ...errorResponses(404, 503),
  },
});

/** GET /metrics, served by the metrics sink the entry wired (absent: 404). */
export function registerMetrics(app: OpenAPIHono<AppEnv>, metrics: Observability["metrics"]) {
  app.openapi(metricsRoute, async (c) => {
    if (!metrics) throw notFound("metrics are not enabled in this deployment");
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" }) as never;
  });
}
