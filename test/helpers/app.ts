/** In-process API harness: the real app over a test database, driven with `app.request()`. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { afterAll } from "vitest";
import { createApp, type AppEnv } from "../../api/app.ts";
import { parseConfig, type Config } from "../../api/config.ts";
import type { BackendKind } from "../../db/index.ts";
import { createServices, type Services } from "../../service/index.ts";
import { computePoolOptions, createComputePool, type ComputePool } from "../../service/compute-pool.ts";
import { loadKemenySolver } from "../../service/kemeny-solver.ts";
import { temporaryFileSpill } from "../../service/upload-spool-file.ts";
import { useTestDatabase } from "./database.ts";

export const ADMIN_TOKEN = "pod_test-admin-token-0123456789";

/** HiGHS for exact Kemeny, as api/server.ts injects it. */
const kemenySolver = await loadKemenySolver();

export interface TestApi {
  readonly app: OpenAPIHono<AppEnv>;
  readonly services: Services;
  /** JSON request; `token: null` sends no Authorization header (default: the admin token). */
  call(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Create a benchmark (admin) and return its JSON. */
  createBenchmark(slug: string, tasks?: string[]): Promise<any>;
  /** Create a benchmark token (admin). */
  createToken(slug: string): Promise<string>;
}

const COMPUTE_SETTINGS = ["computeWorkers", "computeQueue", "workerMemoryMb", "computeTimeoutMs"] as const;

/**
 * The compute pool of a test file (module state is per file): created on first use, closed
 * after the last suite that uses it. One worker unless the config says otherwise (the suites
 * run in parallel on few cores).
 */
const sharedPool = { pool: undefined as ComputePool | undefined, users: 0 };

function usePool(config: Config, overrides: Partial<Config>): () => ComputePool {
  const options = computePoolOptions({ ...config, computeWorkers: config.computeWorkers ?? 1 });
  // A suite with its own compute settings gets its own pool.
  if (COMPUTE_SETTINGS.some((k) => overrides[k] !== undefined)) {
    let own: ComputePool | undefined;
    afterAll(() => own?.close());
    return () => (own ??= createComputePool(options));
  }
  sharedPool.users++;
  afterAll(async () => {
    if (--sharedPool.users === 0) await sharedPool.pool?.close();
  });
  return () => (sharedPool.pool ??= createComputePool(options));
}

/** Registers suite hooks (via useTestDatabase) and returns the harness. */
export function useTestApi(kind: BackendKind, configOverrides: Partial<Config> = {}): TestApi {
  const database = useTestDatabase(kind);
  const config = { ...parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN }), ...configOverrides };
  const pool = usePool(config, configOverrides);
  let cached: { app: OpenAPIHono<AppEnv>; services: Services; db: unknown } | undefined;
  const current = () => {
    if (!cached || cached.db !== database.current) {
      const services = createServices(database.current, { adminToken: config.adminToken, kemenySolver, compute: pool(), uploadSpill: temporaryFileSpill, leaderboards: { cacheMaxBytes: config.cacheMaxBytes } });
      cached = { app: createApp({ services, config }), services, db: database.current };
    }
    return cached;
  };
  const api: TestApi = {
    get app() {
      return current().app;
    },
    get services() {
      return current().services;
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? ADMIN_TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await current().app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async createBenchmark(slug, tasks = ["cola", "sst2", "mnli"]) {
      const res = await api.call("POST", "/api/v1/benchmarks", { body: { slug, name: slug.toUpperCase(), tasks: tasks.map((t) => ({ slug: t })) } });
      if (res.status !== 201) throw new Error(`createBenchmark: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async createToken(slug) {
      const res = await api.call("POST", `/api/v1/benchmarks/${slug}/tokens`);
      if (res.status !== 201) throw new Error(`createToken: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token;
    },
  };
  return api;
}
