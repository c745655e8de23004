import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

/** Admin moderation and editing (service/moderation.ts). */
export function registerModeration(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.editSystem, handlers.editSystem);
  app.openapi(routes.retractSubmission, handlers.retractSubmission);
  app.openapi(routes.editBenchmark, handlers.editBenchmark);
  app.openapi(routes.deleteBenchmark, handlers.deleteBenchmark);
  app.openapi(routes.listAudit, handlers.listAudit);
}
