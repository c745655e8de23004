/**
 * Podium server entry (`npm start`): config -> database (+lock) -> migrations -> admin token ->
 * HTTP. Graceful shutdown on SIGINT/SIGTERM: in-flight requests get PODIUM_SHUTDOWN_GRACE_MS to
 * finish, then the database closes; exit 0 (1 when requests had to be cut).
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { DataDirLockedError, migrateDatabase, openDatabase, type Database } from "../db/node.ts";
import { createServices } from "../service/index.ts";
import { computePoolOptions, createComputePool, defaultWorkers } from "../service/compute-pool.ts";
import { loadKemenySolver } from "../service/kemeny-solver.ts";
import { temporaryFileSpill } from "../service/upload-spool-file.ts";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createLogger, createNodeObservability } from "./observability-node.ts";
import { envelopeErrorServer } from "./node-errors.ts";
import { drainableHttpServer } from "./shutdown.ts";

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

async function main() {
  const config = loadConfig();

  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(`Podium: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  try {
    await migrateDatabase(database, config);
  } catch (err) {
    console.error("Podium: database migration failed:", err);
    await database.close();
    process.exit(1);
  }

  // HiGHS (WASM) for exact Kemeny on large components; without it Kemeny uses its branch and bound.
  const kemenySolver = await loadKemenySolver();
  if (!kemenySolver) console.warn("Podium: HiGHS did not load; Kemeny uses branch and bound only");
  // Every ranking computation runs on worker threads (each loads its own HiGHS).
  const compute = createComputePool(computePoolOptions(config));
  const services = createServices(database, { adminToken: config.adminToken, kemenySolver, compute, uploadSpill: temporaryFileSpill, leaderboards: { cacheMaxBytes: config.cacheMaxBytes } });
  // Request logs (pino) and Prometheus metrics (prom-client): wired here only, createApp works without them.
  const logger = createLogger(config.logLevel);
  const poolWorkers = computePoolOptions(config).workers ?? defaultWorkers();
  const observability = createNodeObservability({ leaderboards: services.leaderboards, compute, computeWorkers: poolWorkers }, logger);
  const app = createApp({ services, config, observability });
  const backend = database.kind === "postgres" ? `PostgreSQL (${redactUrl(config.databaseUrl!)})` : `embedded PGlite (${config.dataDir})`;
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, createServer: envelopeErrorServer(app.fetch, config.host) }, (info) => {
    // The admin token is generated (and printed) only once the port is ours: a failed start
    // (port in use) stores nothing, and the next start generates and prints it.
    void (async () => {
      let generated: string | null;
      try {
        generated = await services.auth.ensureAdminToken();
      } catch (err) {
        console.error("Podium: could not set up the admin token:", err);
        process.exit(1);
      }
      console.log(`Podium listening on http://localhost:${info.port}`);
      console.log(`Database: ${backend}`);
      if (generated) {
        console.log("");
        console.log("  Generated admin token (shown once; only its hash is stored):");
        console.log(`  ${generated}`);
        console.log("  Set PODIUM_ADMIN_TOKEN to use your own instead.");
        console.log("");
      }
    })();
  });
  server.on("error", async (err) => {
    console.error(`Podium: cannot listen on ${config.host}:${config.port}:`, err.message);
    await compute.close();
    await database.close();
    process.exit(1);
  });

  const http = drainableHttpServer(server as Server);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return; // Ctrl-C under npm delivers SIGINT twice (terminal and npm)
    stopping = true;
    console.log(`Podium: ${signal}, shutting down (in-flight requests get ${config.shutdownGraceMs} ms)`);
    const finished = await http.drain(config.shutdownGraceMs);
    if (!finished) console.error(`Podium: requests still running after ${config.shutdownGraceMs} ms were cut`);
    await compute.close();
    try {
      await database.close();
    } catch (err) {
      console.error("Podium: closing the database failed:", err);
      process.exit(1);
    }
    console.log("Podium: stopped");
    process.exit(finished ? 0 : 1);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error("Podium failed to start:", err);
  process.exit(1);
});
