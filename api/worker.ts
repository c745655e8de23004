/**
 * Cloudflare Workers entry (wrangler.toml `main`): the stateless part of Podium, the ranking
 * engine behind `POST /api/v1/rank`, with the same schemas, envelope and OpenAPI document as
 * the Node server. Stored benchmarks need PostgreSQL and stay on the Node server for now.
 */
import { createBaseApp, serveOpenApiDocument } from "./base.ts";
import type { AppEnv } from "./env.ts";
import { registerRank } from "./routes/rank/index.ts";

export function createWorkerApp() {
  // AppEnv for the shared route types; no services here (the rank route then ranks without an LP solver).
  const app = createBaseApp<AppEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok", mode: "stateless" }));
  registerRank(app);
  serveOpenApiDocument(app, "Stateless ranking of score tables (Podium on Cloudflare Workers).");
  return app;
}

export default createWorkerApp();
