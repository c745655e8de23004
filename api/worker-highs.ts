/**
 * HiGHS on the Cloudflare Worker: its WASM is uploaded with the Worker as a compiled module
 * (wrangler's CompiledWasm rule) and instantiated on the first job that may need the LP solver
 * (exact Kemeny), not at isolate start. Until then, and if it cannot load, Kemeny uses its
 * branch and bound (results say `exact: false` when that does not prove optimality in budget).
 */
import highsWasm from "highs/runtime";
import type { LinearSolver } from "../ranking/index.ts";
import { loadKemenySolver, type HighsLoadSettings } from "../service/kemeny-solver.ts";

let solver: Promise<LinearSolver | undefined> | undefined;

/**
 * Emscripten's hook for instantiating the WASM itself: from the module wrangler uploaded (there
 * is no file or URL to fetch it from on the Worker).
 */
const instantiateFromModule = {
  instantiateWasm(imports: object, receive: (instance: unknown) => void): object {
    void wasm.instantiate(highsWasm, imports).then(receive);
    return {};
  },
};

/** The runtime's WebAssembly (this project's TypeScript lib has no DOM/WebAssembly value types). */
const wasm = (globalThis as unknown as { WebAssembly: { instantiate(module: unknown, imports: object): Promise<unknown> } }).WebAssembly;

/** The LP solver, loaded once per isolate on first call; undefined when it failed to load. */
export function workerKemenySolver(): Promise<LinearSolver | undefined> {
  solver ??= withoutNodeDetection(() => loadKemenySolver(instantiateFromModule as HighsLoadSettings)).then((loaded) => {
    if (loaded) console.log("[podium] HiGHS loaded (exact Kemeny's LP solver)");
    else console.warn("[podium] HiGHS did not load; Kemeny uses branch and bound only");
    return loaded;
  }).catch((err: unknown) => {
    console.warn("[podium] HiGHS did not load; Kemeny uses branch and bound only:", err instanceof Error ? err.message : err);
    return undefined;
  });
  return solver;
}

/**
 * The Emscripten loader takes `process.versions.node` (which nodejs_compat provides) for Node and
 * then reaches for node:module and node:fs; `process.type = "renderer"` is its documented way out
 * (Electron), restored once the loader has read it (synchronously, on entry).
 */
function withoutNodeDetection<T>(load: () => Promise<T>): Promise<T> {
  const proc = globalThis.process as (NodeJS.Process & { type?: string }) | undefined;
  if (!proc?.versions?.node) return load();
  const had = Object.hasOwn(proc, "type");
  const previous = proc.type;
  proc.type = "renderer";
  try {
    return load();
  } finally {
    if (had) proc.type = previous;
    else delete proc.type;
  }
}
