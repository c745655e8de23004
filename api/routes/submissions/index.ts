import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

export function registerSubmissions(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.submit, handlers.submit);
  app.openapi(routes.history, handlers.history);
}
