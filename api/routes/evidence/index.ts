import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

/** Evidence behind the ranks: pairwise matrices and what-if weights (cached views of the leaderboard, ETag/304). */
export function registerEvidence(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.pairwise, handlers.pairwise);
  app.openapi(routes.whatIf, handlers.whatIf);
}
