import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

/** NDJSON export and restore (service/transfer.ts). */
export function registerTransfer(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.exportBenchmark, handlers.exportBenchmark);
  app.openapi(routes.exportAll, handlers.exportAll);
  app.openapi(routes.importExport, handlers.importExport);
}
