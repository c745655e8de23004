/**
 * The Node entry's observability sinks (api/server.ts wires them into createApp's deps): one
 * JSON log line per request with pino (to stdout), and Prometheus metrics with prom-client
 * (GET /metrics). Kept out of api/app.ts so the app (and the Workers entry) needs neither.
 */
import pino, { type Logger } from "pino";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Observability, RequestRecord } from "./observability.ts";

/** What the metrics read at scrape time (the services' own counters). */
export interface MetricsSources {
  leaderboards: { stats: { computed: number; cacheHits: number; bodiesStored: number; readonly cacheBytes: number; readonly cacheEntries: number; readonly cacheMaxBytes: number } };
  compute: { stats: { pending: number; completed: number; rejected: number; timedOut: number; workerDeaths: number } };
  /** Worker threads of the compute pool (utilisation = running / workers). */
  computeWorkers: number;
}

/** Route patterns are bounded; an unmatched path is `unmatched` (no label per probe of a scanner). */
export function createMetrics(sources: MetricsSources): NonNullable<Observability["metrics"]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "podium_" });
  const durations = new Histogram({
    name: "podium_http_request_duration_seconds",
    help: "HTTP request durations by route pattern, method and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const lb = sources.leaderboards.stats;
  const pool = sources.compute.stats;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        // the services count; the scrape copies their totals
        this.reset();
        this.inc(read());
      },
    });
  counter("podium_leaderboard_cache_hits_total", "Leaderboard requests answered from the cache", () => lb.cacheHits);
  counter("podium_leaderboard_cache_misses_total", "Leaderboards computed (cache misses)", () => lb.computed);
  counter("podium_leaderboard_bodies_stored_total", "Representations serialized and compressed into the cache", () => lb.bodiesStored);
  gauge("podium_leaderboard_cache_bytes", "Bytes the leaderboard cache holds (bodies in every coding plus leaderboard estimates)", () => lb.cacheBytes);
  gauge("podium_leaderboard_cache_entries", "Leaderboards in the cache", () => lb.cacheEntries);
  gauge("podium_leaderboard_cache_max_bytes", "Bound of the leaderboard cache", () => lb.cacheMaxBytes);
  gauge("podium_compute_pool_workers", "Worker threads of the ranking pool", () => sources.computeWorkers);
  gauge("podium_compute_pool_running", "Ranking jobs running", () => Math.min(pool.pending, sources.computeWorkers));
  gauge("podium_compute_pool_queued", "Ranking jobs waiting for a worker", () => Math.max(0, pool.pending - sources.computeWorkers));
  gauge("podium_compute_pool_utilization", "Share of the pool's workers busy (0..1)", () => Math.min(pool.pending, sources.computeWorkers) / Math.max(1, sources.computeWorkers));
  counter("podium_compute_pool_completed_total", "Ranking jobs finished", () => pool.completed);
  counter("podium_compute_pool_rejected_total", "Ranking jobs refused because the queue was full (503 overloaded)", () => pool.rejected);
  counter("podium_compute_pool_timed_out_total", "Ranking jobs aborted at the time cap", () => pool.timedOut);
  counter("podium_compute_pool_worker_deaths_total", "Ranking jobs lost with their worker", () => pool.workerDeaths);
  return {
    observeRequest(record: RequestRecord) {
      durations.observe({ method: record.method, route: record.route, status: String(record.status) }, record.durationMs / 1000);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** A pino logger writing JSON lines to stdout. */
export function createLogger(level = "info"): Logger {
  return pino({ level, base: { service: "podium" } });
}

/** One log line per request: 5xx at `error`, the rest at `info`. */
export function createRequestLog(logger: Logger): (record: RequestRecord) => void {
  return (record) => {
    const level = record.status >= 500 ? "error" : "info";
    logger[level]({ req: record }, `${record.method} ${record.route} ${record.status}`);
  };
}

export function createNodeObservability(sources: MetricsSources, logger: Logger): Observability {
  return { log: createRequestLog(logger), metrics: createMetrics(sources) };
}
