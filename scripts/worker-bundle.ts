/**
 * Build the Cloudflare Worker exactly as `wrangler deploy` would (`--dry-run`, offline: no login,
 * no metrics) and describe the result: sizes (raw and gzip, the platform's limit counts gzip),
 * what dominates them, the `node:` modules the bundle imports, and any module that must never
 * reach the Worker (PGlite, piscina, worker threads, the migrator, the lock file, the disk spool).
 * Used by `npm run worker:build` (scripts/worker-build.ts) and test/worker/worker.test.ts.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Inputs that must not be in the Worker's bundle (a path fragment, and why). */
export const FORBIDDEN_INPUTS: [RegExp, string][] = [
  [/@electric-sql\/pglite/, "PGlite (embedded database: Node only)"],
  [/\/piscina\//, "piscina (worker threads)"],
  [/drizzle-orm\/[^/]+\/migrator/, "the drizzle migrator (migrations run from Node)"],
  [/(^|\/)db\/(migrate|lock|node|pglite|scratch)\.ts$/, "a Node-only db module"],
  [/(^|\/)service\/(compute-pool|compute-worker|upload-spool-file)\.ts$/, "a Node-only service module"],
  [/(^|\/)api\/(server|node-errors|shutdown)\.ts$/, "the Node server"],
];

/** `node:` modules the Worker may import: all provided by workerd under nodejs_compat. */
export const ALLOWED_NODE_MODULES = ["async_hooks", "buffer", "crypto", "events", "fs", "module", "net", "stream", "util", "zlib"];

export interface WorkerBundle {
  outDir: string;
  /** Each uploaded module: the script and the WASM, raw and gzip bytes. */
  modules: { file: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  totalGzipBytes: number;
  /** Bytes of the script by package (node_modules) or source folder, largest first. */
  contributors: { name: string; bytes: number }[];
  /** Built-in modules the script imports (node:fs and fs alike), sorted. */
  nodeModules: string[];
  /** Forbidden inputs found (should be empty). */
  forbidden: string[];
}

function contributorOf(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return input.startsWith("..") || input.includes(":") ? "(wrangler runtime shims)" : input.split("/")[0];
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Run the dry-run build into `outDir` and describe it. */
export function buildWorker(outDir: string): WorkerBundle {
  const meta = path.join(outDir, "meta.json");
  execFileSync(process.execPath, [path.join(repoRoot, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outDir, "--metafile", meta], {
    cwd: repoRoot,
    stdio: "pipe",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", CI: "true" },
  });
  const metafile = JSON.parse(readFileSync(meta, "utf8")) as Metafile;
  const script = Object.entries(metafile.outputs).find(([file]) => file.endsWith("worker.js"));
  if (!script) throw new Error("wrangler produced no worker.js");
  const modules = readdirSync(outDir)
    .filter((f) => !/\.(map|md|json)$/.test(f))
    .map((file) => {
      const bytes = readFileSync(path.join(outDir, file));
      return { file, bytes: statSync(path.join(outDir, file)).size, gzipBytes: gzipSync(bytes).byteLength };
    })
    .sort((a, b) => b.bytes - a.bytes);
  const byName = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(script[1].inputs)) byName.set(contributorOf(input), (byName.get(contributorOf(input)) ?? 0) + bytesInOutput);
  const nodeModules = new Set<string>();
  const forbidden: string[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const [pattern, why] of FORBIDDEN_INPUTS) if (pattern.test(input)) forbidden.push(`${input}: ${why}`);
    for (const imp of imports) {
      const builtin = /^(?:node:|node-built-in-modules:)?([a-z_]+)(?:\/[a-z_]+)?$/.exec(imp.path);
      if (builtin && (imp.path.startsWith("node:") || imp.path.startsWith("node-built-in-modules:"))) nodeModules.add(builtin[1]);
    }
  }
  return {
    outDir,
    modules,
    totalBytes: modules.reduce((n, m) => n + m.bytes, 0),
    totalGzipBytes: modules.reduce((n, m) => n + m.gzipBytes, 0),
    contributors: [...byName].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    nodeModules: [...nodeModules].sort(),
    forbidden,
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

/** A human report of the bundle. */
export function describeBundle(b: WorkerBundle, top = 12): string {
  const lines = [`Worker bundle (${path.relative(repoRoot, b.outDir) || b.outDir}): ${kib(b.totalBytes)} raw, ${kib(b.totalGzipBytes)} gzip`];
  for (const m of b.modules) lines.push(`  ${m.file.endsWith(".js") ? m.file : `${m.file} (WASM: HiGHS)`}: ${kib(m.bytes)} raw, ${kib(m.gzipBytes)} gzip`);
  const script = b.modules.find((m) => m.file.endsWith(".js"));
  lines.push(`What dominates worker.js (bytes in the output, before gzip):`);
  for (const c of b.contributors.slice(0, top)) lines.push(`  ${kib(c.bytes).padStart(9)}  ${script ? `${((100 * c.bytes) / script.bytes).toFixed(0).padStart(2)}%` : ""}  ${c.name}`);
  lines.push(`node: modules imported: ${b.nodeModules.join(", ") || "none"}`);
  if (b.forbidden.length) lines.push(`FORBIDDEN in the bundle:\n  ${b.forbidden.join("\n  ")}`);
  return lines.join("\n");
}
