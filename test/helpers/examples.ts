/** The example leaderboards shipped in the repository's examples/ folder (see examples/README.md). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const exampleDataDir = path.join(repoRoot, "examples");

export function examplePath(file: string): string {
  return path.join(exampleDataDir, file);
}

export function readExample(file: string): string {
  return readFileSync(examplePath(file), "utf8");
}

