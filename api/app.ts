/**
 * The Hono application: `createApp({ services, config })`. Routes live in one folder per
 * resource under api/routes/ and are registered in ROUTES below (add yours there).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { Services } from "../service/index.ts";
import type { Config } from "./config.ts";
import type { AppEnv } from "./env.ts";
import { createBaseApp, serveOpenApiDocument } from "./base.ts";
import { payloadTooLarge } from "./errors.ts";
import { cachedTokenVerifier, rateLimit } from "./middleware/rate-limit.ts";
import { registerPages } from "./pages/routes.ts";
import { registerBenchmarks } from "./routes/benchmarks/index.ts";
import { registerHealth } from "./routes/health.ts";
import { registerInstances } from "./routes/instances/index.ts";
import { registerLeaderboards } from "./routes/leaderboard/index.ts";
import { registerRank } from "./routes/rank/index.ts";
import { registerRobustness } from "./routes/robustness/index.ts";
import { registerEvidence } from "./routes/evidence/index.ts";
import { registerSubmissions } from "./routes/submissions/index.ts";

export type { AppEnv } from "./env.ts";

export interface AppDeps {
  services: Services;
  config: Config;
}

/** Route registrars, in mount order. Each takes the app and calls `app.openapi(route, handler)`. */
export const ROUTES: ((app: OpenAPIHono<AppEnv>) => void)[] = [registerHealth, registerRank, registerBenchmarks, registerSubmissions, registerInstances, registerLeaderboards, registerRobustness, registerEvidence];

/** Streaming uploads (instance-level scores) are exempt from the JSON body limit. */
const STREAMING_TYPES = /^(text\/csv|application\/x-ndjson)\b/i;

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = createBaseApp<AppEnv>();

  app.use(
    "*",
    createMiddleware<AppEnv>(async (c, next) => {
      c.set("services", deps.services);
      c.set("config", deps.config);
      await next();
    }),
  );

  // Writes and expensive reads per verified token (else client address), before the body is read; 429 changes nothing.
  app.use(
    "*",
    rateLimit({
      perMinute: deps.config.rateLimitPerMinute,
      expensiveReadsPerMinute: deps.config.expensiveReadsPerMinute,
      trustProxy: deps.config.trustProxy,
      verifyToken: cachedTokenVerifier((token) => deps.services.auth.authenticate(token)),
    }),
  );

  const jsonLimit = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: () => {
      throw payloadTooLarge(deps.config.bodyLimitBytes);
    },
  });
  app.use("*", async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || STREAMING_TYPES.test(c.req.header("content-type") ?? "")) return next();
    return jsonLimit(c, next);
  });

  for (const register of ROUTES) register(app);
  // HTML pages and /docs: plain routes, not in the OpenAPI document.
  registerPages(app);

  serveOpenApiDocument(app, "Leaderboards for ML benchmarks: systems ranked by the mean and by social-choice rules (Borda, Copeland, Kemeny, ...) side by side, with their agreement and uncertainty.");
  return app;
}
