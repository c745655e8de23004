/** Locates ../shared/data next to the repository (absent in a fresh clone elsewhere). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sharedDataDir = path.resolve(repoRoot, "../shared/data");
export const sharedDataAvailable = existsSync(path.join(sharedDataDir, "glue.csv"));

export function sharedDataPath(file: string): string {
  return path.join(sharedDataDir, file);
}

export function readSharedData(file: string): string {
  return readFileSync(sharedDataPath(file), "utf8");
}

/** Call at the top of a test file that uses shared data: prints why its tests are skipped. */
export function noteIfSharedDataMissing(what: string): void {
  if (!sharedDataAvailable) console.log(`[skip] ${what}: ${sharedDataDir} not found (shared benchmark data lives next to the repo)`);
}
