import type { RouteHandler } from "@hono/zod-openapi";
import { sendStored, serveOptions, varyOnEncoding } from "../../encoding.ts";
import type { AppEnv } from "../../env.ts";
import { LEADERBOARD_CACHE } from "../leaderboard/handlers.ts";
import type * as routes from "./routes.ts";

export const robustness: RouteHandler<typeof routes.robustness, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  const { method } = c.req.valid("query");
  const options = serveOptions(c);
  const result = await c.var.services.robustness.serve(slug, method, options);
  c.header("ETag", result.etag);
  c.header("Cache-Control", LEADERBOARD_CACHE);
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  return sendStored(c, result.body, options.coding, "application/json");
};
