import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

/** Leave-one-task-out robustness (a cached view of the leaderboard, ETag/304). */
export function registerRobustness(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.robustness, handlers.robustness);
}
