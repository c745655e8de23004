import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

/** Streamed instance-level score uploads (CSV / NDJSON). */
export function registerInstances(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.upload, handlers.upload);
  app.openapi(routes.uploads, handlers.uploads);
}
