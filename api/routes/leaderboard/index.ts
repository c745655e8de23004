import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

/** Leaderboard (JSON/CSV, ETag) and rank badges (SVG, shields endpoint JSON). */
export function registerLeaderboards(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.leaderboard, handlers.leaderboard);
  app.openapi(routes.badgeSvg, handlers.badgeSvg, handlers.badgeHook("svg"));
  app.openapi(routes.badgeJson, handlers.badgeJson, handlers.badgeHook("json"));
}
