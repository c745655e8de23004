/**
 * The Cloudflare Worker's app (api/worker.ts is the entry, which may export only handlers): the
 * same Hono app as the Node server (`createApp`, api/app.ts) over PostgreSQL through the
 * `HYPERDRIVE` binding.
 *
 * - The app and its services (with their caches) are built once per isolate; the database is
 *   per request: one postgres.js client over `env.HYPERDRIVE.connectionString`, made current for
 *   the request through AsyncLocalStorage (db/request-scoped.ts) and closed with
 *   `ctx.waitUntil` once the response is out.
 * - Caches stay correct across isolates as on Node replicas: every read takes the benchmark's
 *   revision from the database, and memory only answers "what did revision R look like".
 * - No worker threads: rankings run inline (`createInlineCompute`), Kemeny's budget capped so a
 *   request stays within the platform's CPU limit; HiGHS loads on the first Kemeny job
 *   (api/worker-highs.ts). Uploads spool in memory (no disk), within the upload byte limit.
 * - Migrations run from Node (`npm run migrate`), never here.
 */
import { requestScopedDatabase } from "../db/index.ts";
import { createServices, type Leaderboard, type Services } from "../service/index.ts";
import type { SharedLeaderboardCache } from "../service/leaderboard.ts";
import { createInlineCompute, withKemenyBudgetCap, type ComputePool } from "../service/compute-jobs.ts";
import { createApp } from "./app.ts";
import { parseConfig, type Config } from "./config.ts";
import { DOCS_SCRIPT_PATH } from "./pages/docs.ts";
import { workerKemenySolver } from "./worker-highs.ts";

/** The Hyperdrive binding (what Podium uses of it). */
export interface HyperdriveBinding {
  connectionString: string;
}

/** The static assets binding (wrangler.toml `[assets]`): Scalar's standalone script for /docs. */
export interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}

export interface WorkerEnv {
  HYPERDRIVE: HyperdriveBinding;
  ASSETS?: AssetsBinding;
  /** A secret (`wrangler secret put PODIUM_ADMIN_TOKEN`; `--var` in local dev). */
  PODIUM_ADMIN_TOKEN?: string;
  /** "false": no Workers Cache API second level for computed leaderboards (default on). */
  PODIUM_WORKER_SHARED_CACHE?: string;
  /** Longest Kemeny proof budget a request may ask for on the Worker (ms; default 10000). */
  PODIUM_WORKER_KEMENY_BUDGET_MAX_MS?: string;
  /** Any other PODIUM_* variable of api/config.ts (`[vars]`). */
  [name: string]: unknown;
}

export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException?(): void;
}

/**
 * Defaults that differ from the Node server's (an isolate has 128 MB and no disk); `[vars]` or
 * secrets override them: the leaderboard cache, and the upload limit (uploads are held in memory).
 */
export const WORKER_DEFAULTS: Record<string, string> = {
  PODIUM_CACHE_MAX_BYTES: String(32 * 1024 * 1024),
  PODIUM_UPLOAD_LIMIT_BYTES: String(32 * 1024 * 1024),
};

/** Kemeny may prove optimality this long by default on the Worker (the API allows 60 s; the Workers CPU limit is 30 s by default). */
export const DEFAULT_WORKER_KEMENY_BUDGET_MAX_MS = 10_000;

/** The string variables of the environment (bindings are objects). */
function variables(env: WorkerEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string") out[name] = value;
  return out;
}

/** Inline compute (no worker threads) with every Kemeny budget capped at `maxMs`; HiGHS loads on the first Kemeny job. */
export function workerCompute(maxMs: number): ComputePool {
  return withKemenyBudgetCap(createInlineCompute(workerKemenySolver), maxMs);
}

/** What Podium uses of the Workers Cache API (`caches.default`). */
interface EdgeCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

/**
 * Computed leaderboards in the Workers Cache API (per data center, shared by its isolates), keyed
 * by benchmark identity, revision and query: a cold isolate reuses what another computed instead
 * of loading scores and ranking again. Entries never go stale (a write makes a new revision, so a
 * new key); they expire after a week unused. Not available on workers.dev hostnames (puts are
 * ignored there), which only costs the recomputation.
 */
export function edgeLeaderboardCache(cache: EdgeCache): SharedLeaderboardCache {
  const url = (key: string) => `https://leaderboards.podium.internal/v1/${encodeURIComponent(key)}`;
  return {
    async get(key) {
      const res = await cache.match(url(key));
      return res ? ((await res.json()) as Leaderboard) : undefined;
    },
    async put(key, leaderboard) {
      const body = JSON.stringify(leaderboard);
      await cache.put(url(key), new Response(body, { headers: { "content-type": "application/json", "cache-control": "public, max-age=604800, immutable" } }));
    },
  };
}

/** `caches.default` where the runtime has it (Workers), else undefined. */
function defaultEdgeCache(): EdgeCache | undefined {
  return (globalThis as unknown as { caches?: { default?: EdgeCache } }).caches?.default;
}

interface Isolate {
  app: ReturnType<typeof createApp>;
  config: Config;
  services: Services;
  scoped: ReturnType<typeof requestScopedDatabase>;
}

let isolate: Isolate | undefined;

/** The app of this isolate, built on its first request (the environment arrives with it). */
export function isolateApp(env: WorkerEnv): Isolate {
  if (isolate) return isolate;
  const vars = variables(env);
  const config = parseConfig({ ...WORKER_DEFAULTS, ...vars });
  const maxBudget = Number(vars.PODIUM_WORKER_KEMENY_BUDGET_MAX_MS ?? DEFAULT_WORKER_KEMENY_BUDGET_MAX_MS);
  const scoped = requestScopedDatabase();
  const shared = vars.PODIUM_WORKER_SHARED_CACHE === "false" ? undefined : defaultEdgeCache();
  const services = createServices(scoped.database, {
    adminToken: config.adminToken,
    compute: workerCompute(Number.isFinite(maxBudget) && maxBudget >= 0 ? maxBudget : DEFAULT_WORKER_KEMENY_BUDGET_MAX_MS),
    leaderboards: { cacheMaxBytes: config.cacheMaxBytes, sharedCache: shared ? edgeLeaderboardCache(shared) : undefined },
  });
  isolate = { app: createApp({ services, config }), config, services, scoped };
  return isolate;
}

/**
 * /docs's script from the assets binding (the Node server reads it from node_modules, which a
 * Worker does not have); undefined for every other request.
 */
export function docsAsset(request: Request, env: WorkerEnv): Promise<Response> | undefined {
  const url = new URL(request.url);
  if (url.pathname !== DOCS_SCRIPT_PATH || !env.ASSETS || (request.method !== "GET" && request.method !== "HEAD")) return undefined;
  return env.ASSETS.fetch(new Request(new URL("/standalone.js", url), request));
}

/**
 * Bodies Podium sends with a Content-Encoding are already encoded (stored gzip/br forms): tell
 * the runtime not to encode them again (Workers encode bodies by default when the header is set).
 */
export function sendAsEncoded(res: Response): Response {
  if (!res.headers.has("content-encoding") || !res.body) return res;
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers, encodeBody: "manual" } as ResponseInit);
}

/**
 * The Hono environment of a request: the Worker's bindings, plus the client's address where the
 * rate limiter (api/middleware/rate-limit.ts, through @hono/node-server's getConnInfo) reads a
 * Node socket's: Cloudflare's edge sets CF-Connecting-IP and clients cannot forge it.
 */
export function requestBindings(request: Request, env: WorkerEnv): Record<string, unknown> {
  const address = request.headers.get("cf-connecting-ip") ?? undefined;
  return { ...env, incoming: { socket: { remoteAddress: address, remoteFamily: address?.includes(":") ? "IPv6" : "IPv4" } } };
}

