/**
 * The acceptance at scale: a 20,000 x 20 wide CSV goes through `podium import` (batches
 * under the default 1 MiB body limit, with progress) and the leaderboard lists all 20,000 systems.
 * Methods comparing every pair are left out of the default list at this size: the default
 * leaderboard answers with the others.
 */
import { expect, it } from "vitest";
import { csvDir, generatedCsv, podium, useImportServer } from "./podium.ts";

const files = csvDir("podium-import-20k-");
const { server } = useImportServer();

it("imports 20,000 systems x 20 tasks with progress; the default leaderboard lists 20,000 systems", async () => {
  const csv = generatedCsv(20_000, 20, 3);
  const r = await podium(["import", files.write("20k.csv", csv), "--benchmark", "twenty-k", "--create", "--url", server.url, "--token", server.adminToken]);
  expect(r.code, r.stderr).toBe(0);
  const progress = [...r.stderr.matchAll(/^imported (\d+)\/20000 systems$/gm)].map((m) => Number(m[1]));
  expect(progress.length).toBeGreaterThan(1);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(progress.at(-1)).toBe(20_000);
  expect(r.stdout).toContain(`imported 20000 systems into twenty-k (revision ${progress.length})`);

  const res = await fetch(`${server.url}/api/v1/benchmarks/twenty-k/leaderboard`);
  expect(res.status).toBe(200);
  const lb = (await res.json()) as { methods: string[]; systems: { slug: string; scores: Record<string, number> }[] };
  expect(lb.methods).not.toContain("kemeny");
  expect(lb.methods).toContain("borda");
  expect(lb.systems).toHaveLength(20_000);
  expect(new Set(lb.systems.map((s) => s.slug)).size).toBe(20_000);
  const last = csv.split("\n")[20_000].split(",");
  expect(lb.systems.find((s) => s.slug === "system-19999")?.scores.task19).toBe(Number(last[20]));
}, 180_000);
