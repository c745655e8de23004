/**
 * The Cloudflare Workers bundle, built as `wrangler deploy --dry-run` builds it (offline, no
 * login): it must build, keep every Node-only module out (PGlite, piscina, worker threads, the
 * migrator, the lock file, the disk spool), import only `node:` modules workerd provides under
 * nodejs_compat, ship HiGHS as a separate WASM module, and fit the Workers Free plan's 3 MB
 * (gzip). The Worker's behaviour over HTTP (wrangler dev + PostgreSQL) is `npm run test:workers`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALLOWED_NODE_MODULES, buildWorker, describeBundle, repoRoot, type WorkerBundle } from "../../scripts/worker-bundle.ts";

let outDir: string;
let bundle: WorkerBundle;

beforeAll(() => {
  outDir = mkdtempSync(path.join(tmpdir(), "podium-worker-"));
  bundle = buildWorker(outDir);
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("Workers bundle", () => {
  it("builds the whole app without a Node-only module", () => {
    expect(bundle.forbidden, describeBundle(bundle)).toEqual([]);
    const inputs = Object.keys((JSON.parse(readFileSync(path.join(outDir, "meta.json"), "utf8")) as { inputs: object }).inputs);
    // The same app as the Node server: every route folder and the pages are in.
    for (const part of ["api/app.ts", "api/routes/leaderboard/handlers.ts", "api/routes/instances/handlers.ts", "api/pages/routes.ts", "db/request-scoped.ts", "service/compute-jobs.ts"])
      expect(inputs, part).toContain(part);
    expect(inputs.some((i) => i.includes("postgres/cf/src/index.js")), "postgres.js's workerd build").toBe(true);
  });

  it("imports only node: modules workerd provides", () => {
    expect(bundle.nodeModules.length).toBeGreaterThan(0);
    for (const m of bundle.nodeModules) expect(ALLOWED_NODE_MODULES, m).toContain(m);
    expect(bundle.nodeModules).not.toContain("worker_threads");
    expect(bundle.nodeModules).not.toContain("os");
  });

  it("ships HiGHS as its own WASM module and fits 3 MB gzip", () => {
    const script = bundle.modules.find((m) => m.file === "worker.js");
    const wasm = bundle.modules.filter((m) => m.file !== "worker.js");
    expect(script).toBeDefined();
    expect(wasm).toHaveLength(1);
    expect(readFileSync(path.join(outDir, wasm[0].file)).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d])); // "\0asm"
    expect(bundle.totalGzipBytes).toBeLessThan(3 * 1000 * 1000);
  });

  it("wrangler.toml: nodejs_compat, the HYPERDRIVE binding, no admin token in plain vars", () => {
    const toml = readFileSync(path.join(repoRoot, "wrangler.toml"), "utf8");
    expect(toml).toMatch(/^compatibility_flags = \[[^\]]*"nodejs_compat"/m);
    expect(toml).toMatch(/\[\[hyperdrive\]\]\s*\nbinding = "HYPERDRIVE"/);
    expect(toml).not.toMatch(/^\s*PODIUM_ADMIN_TOKEN\s*=/m);
    expect(toml).toMatch(/^main = "api\/worker.ts"/m);
  });
});
