import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { LEADERBOARD_CACHE } from "../leaderboard/handlers.ts";
import type * as routes from "./routes.ts";

export const robustness: RouteHandler<typeof routes.robustness, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  const { method } = c.req.valid("query");
  const result = await c.var.services.robustness.serve(slug, method, c.req.header("if-none-match"));
  c.header("ETag", result.etag);
  c.header("Cache-Control", LEADERBOARD_CACHE);
  if (result.notModified) return c.body(null, 304);
  c.header("Content-Type", "application/json");
  return c.body(result.body, 200);
};
