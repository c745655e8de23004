/**
 * `npm run worker:build`: build the Worker into dist/worker as `wrangler deploy` would (dry run,
 * offline) and report its size (gzip: what the platform's limit counts) and what dominates it.
 * Exits 1 when a Node-only module (PGlite, piscina, the migrator, ...) reached the bundle.
 */
import path from "node:path";
import { buildWorker, describeBundle, repoRoot } from "./worker-bundle.ts";

const bundle = buildWorker(path.join(repoRoot, "dist/worker"));
console.log(describeBundle(bundle));
if (bundle.forbidden.length) process.exit(1);
