import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { BadgeFormat, LeaderboardLevel } from "../../../service/index.ts";
import { sendStored, serveOptions, varyOnEncoding } from "../../encoding.ts";
import type { AppEnv } from "../../env.ts";
import type * as routes from "./routes.ts";

type BadgeQuery = z.infer<typeof routes.BadgeQuery>;

export const LEADERBOARD_CACHE = "public, max-age=0, must-revalidate";
/** Short enough for GitHub's camo proxy to pick up new ranks soon; ETag lets it revalidate cheaply. */
const BADGE_CACHE = "public, max-age=300, s-maxage=300";
const BADGE_ERROR_CACHE = "public, max-age=60";
const BADGE_TYPES: Record<BadgeFormat, string> = { svg: "image/svg+xml; charset=utf-8", json: "application/json; charset=utf-8" };

export const leaderboard: RouteHandler<typeof routes.leaderboard, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  const { format = "json", ...query } = c.req.valid("query");
  const options = serveOptions(c);
  const result = await c.var.services.leaderboards.serve(slug, query, format, options);
  c.header("ETag", result.etag);
  c.header("Cache-Control", LEADERBOARD_CACHE);
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  if (format === "csv") {
    c.header("Content-Disposition", `inline; filename="${slug}-leaderboard.csv"`);
    return sendStored(c, result.body, options.coding, "text/csv; charset=utf-8");
  }
  return sendStored(c, result.body, options.coding, "application/json");
};

async function badge(c: Context<AppEnv>, format: BadgeFormat, slug: string, system: string, query: BadgeQuery): Promise<Response> {
  const options = serveOptions(c);
  const result = await c.var.services.badges.get(slug, system, query.method, format, options, { minCoverage: query.minCoverage, interval: query.interval === "1", level: query.level });
  if (result.status !== 200) return badgeError(c, format, result.status, result.body);
  c.header("ETag", result.etag);
  c.header("Cache-Control", BADGE_CACHE);
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  return sendStored(c, result.body, options.coding, BADGE_TYPES[format]);
}

function badgeError(c: Context<AppEnv>, format: BadgeFormat, status: 400 | 404, body: string): Response {
  c.header("Cache-Control", BADGE_ERROR_CACHE);
  c.header("Content-Type", BADGE_TYPES[format]);
  return c.body(body, status);
}

export const badgeSvg: RouteHandler<typeof routes.badgeSvg, AppEnv> = (c) => {
  const { slug, system } = c.req.valid("param");
  return badge(c, "svg", slug, system, c.req.valid("query"));
};

export const badgeJson: RouteHandler<typeof routes.badgeJson, AppEnv> = (c) => {
  const { slug, system } = c.req.valid("param");
  return badge(c, "json", slug, system, c.req.valid("query"));
};

/**
 * Validation hook of the badge routes: a badge URL is embedded in an <img>, so a bad slug or
 * method answers with an error badge (404 / 400) rather than the JSON envelope.
 */
export function badgeHook(format: BadgeFormat) {
  return (result: { success: boolean; target: string }, c: Context<AppEnv>): Response | undefined => {
    if (result.success) return undefined;
    if (result.target === "query") return badgeError(c, format, 400, c.var.services.badges.error(400, format, "invalid badge query (method, minCoverage, interval)"));
    return badgeError(c, format, 404, c.var.services.badges.error(404, format, "benchmark or system not found (invalid slug)"));
  };
}
