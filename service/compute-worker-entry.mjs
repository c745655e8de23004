// The compute pool's worker thread entry (service/compute-pool.ts). Worker threads do not get
// tsx's loader hooks (neither inherited nor through `--import tsx` on Node 20), so the
// TypeScript worker is loaded through tsx's scoped API: the same under `npm start` (tsx),
// `node --import tsx` and vitest.
import { setPriority } from "node:os";
import { tsImport } from "tsx/esm/api";

// Ranking yields the CPU to the event loop: on Linux nice values are per thread, and pid 0 is
// this worker's own thread, so a busy pool cannot starve /healthz and cached reads. Elsewhere
// (or without permission) the worker simply runs at normal priority.
try {
  setPriority(0, 10);
} catch {
  /* not supported here */
}

const worker = await tsImport("./compute-worker.ts", import.meta.url);

export default worker.default;
