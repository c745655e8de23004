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
import { idempotency } from "./middleware/idempotency.ts";
import { cachedTokenVerifier, rateLimit } from "./middleware/rate-limit.ts";
import { registerPages } from "./pages/routes.ts";
import { registerBenchmarks } from "./routes/benchmarks/index.ts";
import { registerHealth, registerMetrics } from "./routes/health.ts";
import { corsForReads, requestContext, securityHeaders, type Observability } from "./observability.ts";
import { registerInstances } from "./routes/instances/index.ts";
import { registerLeaderboards } from "./routes/leaderboard/index.ts";
import { registerModeration } from "./routes/moderation/index.ts";
import { registerTransfer } from "./routes/transfer/index.ts";
import { registerRank } from "./routes/rank/index.ts";
import { registerRobustness } from "./routes/robustness/index.ts";
import { registerEvidence } from "./routes/evidence/index.ts";
import { registerSubmissions } from "./routes/submissions/index.ts";

export type { AppEnv } from "./env.ts";

export interface AppDeps {
  services: Services;
  config: Config;
  /** Request logs and metrics (the Node entry wires pino and prom-client: api/observability-node.ts); absent: none. */
  observability?: Observability;
}

/** Route registrars, in mount order. Each takes the app and calls `app.openapi(route, handler)`. */
export const ROUTES: ((app: OpenAPIHono<AppEnv>) => void)[] = [registerHealth, registerRank, registerBenchmarks, registerSubmissions, registerInstances, registerLeaderboards, registerRobustness, registerEvidence, registerModeration, registerTransfer];

/** Streaming uploads (instance-level scores) are exempt from the JSON body limit. */
const STREAMING_TYPES = /^(text\/csv|application\/x-ndjson)\b/i;

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = createBaseApp<AppEnv>();

  // Operations (api/observability.ts): request id, logs and metrics around everything, security headers, CORS on reads.
  app.use("*", requestContext(deps.observability));
  app.use("*", securityHeaders());
  app.use("*", corsForReads());

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

  // Idempotency-Key on POST writes: after the body limit (the fingerprint reads the limited body).
  app.use("*", idempotency());

  for (const register of ROUTES) register(app);
  registerMetrics(app, deps.observability?.metrics);
  // HTML pages and /docs: plain routes, not in the OpenAPI document.
  registerPages(app);

  serveOpenApiDocument(
    app,
    "Leaderboards for ML benchmarks: systems ranked by the mean and by social-choice rules (Borda, Copeland, Kemeny, ...) side by side, with their agreement and uncertainty. Every POST write accepts `Idempotency-Key` (1-200 visible ASCII characters): the first answer is kept per token for 24 h and replayed (`Idempotent-Replayed: true`); the same key with another request is 422 `idempotency_mismatch`.",
  );
  return app;
}
