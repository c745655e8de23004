import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { unavailable } from "../errors.ts";
import { errorResponses, jsonResponse } from "../schemas.ts";

export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  summary: "Liveness and database check",
  responses: {
    200: jsonResponse(z.object({ status: z.literal("ok") }), "The database answers"),
    ...errorResponses(503),
  },
});

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthRoute, async (c) => {
    if (await c.var.services.health.ping()) return c.json({ status: "ok" as const }, 200);
    throw unavailable("database unavailable");
  });
}
