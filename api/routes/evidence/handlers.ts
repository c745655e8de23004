import type { RouteHandler } from "@hono/zod-openapi";
import { sendStored, serveOptions, varyOnEncoding } from "../../encoding.ts";
import type { AppEnv } from "../../env.ts";
import { LEADERBOARD_CACHE } from "../leaderboard/handlers.ts";
import type * as routes from "./routes.ts";

export const pairwise: RouteHandler<typeof routes.pairwise, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  const query = c.req.valid("query");
  const format = query.format ?? "json";
  const options = serveOptions(c);
  const result = await c.var.services.evidence.pairwise(slug, query, options);
  c.header("ETag", result.etag);
  c.header("Cache-Control", LEADERBOARD_CACHE);
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  if (format === "csv") {
    c.header("Content-Disposition", `inline; filename="${slug}-pairwise.csv"`);
    return sendStored(c, result.body, options.coding, "text/csv; charset=utf-8");
  }
  return sendStored(c, result.body, options.coding, "application/json");
};

export const whatIf: RouteHandler<typeof routes.whatIf, AppEnv> = async (c) => {
  const { slug, system } = c.req.valid("param");
  const { method } = c.req.valid("query");
  const options = serveOptions(c);
  const result = await c.var.services.evidence.whatIf(slug, system, method, options);
  c.header("ETag", result.etag);
  c.header("Cache-Control", LEADERBOARD_CACHE);
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  return sendStored(c, result.body, options.coding, "application/json");
};
