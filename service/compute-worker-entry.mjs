// The compute pool's worker thread entry (service/compute-pool.ts). Worker threads do not get
// tsx's loader hooks (neither inherited nor through `--import tsx` on Node 20), so the
// TypeScript worker is loaded through tsx's scoped API: the same under `npm start` (tsx),
// `node --import tsx` and vitest.
import { tsImport } from "tsx/esm/api";

const worker = await tsImport("./compute-worker.ts", import.meta.url);

export default worker.default;
