import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import * as handlers from "./handlers.ts";
import * as routes from "./routes.ts";

export function registerBenchmarks(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.createBenchmark, handlers.createBenchmark);
  app.openapi(routes.listBenchmarks, handlers.listBenchmarks);
  app.openapi(routes.getBenchmark, handlers.getBenchmark);
  app.openapi(routes.createToken, handlers.createToken);
  app.openapi(routes.listTokens, handlers.listTokens);
  app.openapi(routes.revokeToken, handlers.revokeToken);
}
