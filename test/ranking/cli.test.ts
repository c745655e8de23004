import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/examples.ts";

const podium = path.join(repoRoot, "cli/podium.js");
const dir = mkdtempSync(path.join(tmpdir(), "podium-rank-"));
const csv = path.join(dir, "t.csv");
writeFileSync(csv, 'system,acc,latency\n"Big, model",0.9,120\nSmall & fast,0.8,20\nMid,0.85,\n');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [podium, "rank", ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("podium rank", () => {
  it("prints a side-by-side table", () => {
    const r = run(csv, "--methods", "mean,borda,kemeny");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(/^system\s+cov\s+mean\s+borda\s+kemeny$/);
    expect(r.out).toContain("Big, model");
    expect(r.out).toMatch(/kemeny: agreement .*proven optimal/);
  });

  it("json is the RankResponse; --lower-is-better and --weights apply", () => {
    const r = run(csv, "--methods=borda,mean", "--lower-is-better", "latency", "--weights", "latency=2", "--format", "json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.methods).toEqual(["borda", "mean"]);
    // borda: acc: Big 2, Mid 1, Small 0; latency (lower better, w2, Mid missing: m=2,k=1):
    // Small r1 -> (1 + 2/3) * 2 = 10/3, Big r2 -> (0 + 1/3) * 2 = 2/3, Mid 1 * 2 = 2
    const b = Object.fromEntries(j.systems.map((s: { slug: string; results: { borda: { score: number } } }) => [s.slug, s.results.borda.score]));
    expect(b["Big, model"]).toBeCloseTo(8 / 3, 9);
    expect(b["Small & fast"]).toBeCloseTo(10 / 3, 9);
    expect(b.Mid).toBeCloseTo(3, 9);
    expect(j.systems[0].slug).toBe("Small & fast");
  });

  it("csv output quotes names", () => {
    const r = run(csv, "--methods", "mean", "--format", "csv");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("system,coverage,mean_rank,mean_score");
    expect(r.out).toContain('"Big, model",2,');
  });

  it("exit code 2 with a clear message for bad flags and unknown tasks", () => {
    for (const args of [["--methods", "nope"], ["--lower-is-better", "speed"], ["--weights", "acc=-1"], ["--format", "xml"], ["--bogus"], ["--kemeny-budget-ms", "soon"]]) {
      const r = run(csv, ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(/^podium rank: /);
    }
    expect(run(csv, "--lower-is-better", "speed").err).toContain("unknown task(s) speed");
    expect(run(path.join(dir, "missing.csv")).code).toBe(2);
    expect(run().code).toBe(2);
  });
});
