/**
 * `podium import-instances` against the real server: TAC 2008 in the metrics format
 * (`system,instance,<metric>...`) reproduces the published instance-level figures; the long
 * format (`system,task,instance,score`); bad files are refused before anything is sent, and the
 * server's line numbers are mapped back to the file's.
 */
import { describe, expect, it } from "vitest";
import { examplePath } from "../helpers/examples.ts";
import { csvDir, podium, useImportServer } from "./podium.ts";

const files = csvDir("podium-import-instances-");
const { server, get, admin } = useImportServer();
const rankOf = (lb: any, method: string) => Object.fromEntries(lb.systems.map((s: any) => [s.slug, s.results[method].rank]));

describe("podium import-instances", () => {
  it("TAC 2008 (metrics format, human columns left out): the published taus, the borda2 top three, the winner's badge", { timeout: 120_000 }, async () => {
    const args = ["import-instances", examplePath("tac08_instances.csv"), "--benchmark", "tac08", "--create", "--name", "TAC 2008", "--exclude", "H:pyr,H:resp", "--concurrency", "3", ...admin()];
    const r = await podium(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("read 38,688 scores: 62 systems, 13 tasks (metrics format)");
    expect(r.stderr).toContain("uploaded 62/62 systems (38,688 of 38,688 rows)");
    expect(r.stdout).toContain("imported 38,688 instance scores of 62 systems into tac08");
    const bench = (await get("/api/v1/benchmarks/tac08")).body;
    expect(bench.tasks.map((t: any) => t.name)).toEqual(["S3_pyr", "S3_resp", "ROUGE_WE_1", "ROUGE_WE_2", "JS_1", "JS_2", "ROUGE_L", "ROUGE_1", "ROUGE_2", "BLEU", "Chrfpp", "BERTScore", "MoverScore"]);
    const lb = (await get("/api/v1/benchmarks/tac08/leaderboard?level=instance")).body;
    expect(lb.systems).toHaveLength(62);
    expect(lb.agreement.kendallTau.mean.borda2.toFixed(3)).toBe("0.858");
    const top3 = Object.entries(rankOf(lb, "borda2"))
      .sort((x, y) => (x[1] as number) - (y[1] as number))
      .slice(0, 3)
      .map(([slug]) => slug);
    expect(top3).toEqual(["m61", "m60", "m58"]);
    expect((await get("/api/v1/benchmarks/tac08/systems/m61/badge.json?method=borda2")).body.message).toBe("#1 of 62");

    // importing again replaces every system's scores: same board, a second upload each
    const again = await podium(args);
    expect(again.code, again.stderr).toBe(0);
    const lb2 = (await get("/api/v1/benchmarks/tac08/leaderboard?level=instance")).body;
    expect(rankOf(lb2, "borda2")).toEqual(rankOf(lb, "borda2"));
    expect((await get("/api/v1/benchmarks/tac08/systems/m61/instances/uploads")).body.uploads.map((u: any) => u.rows)).toEqual([624, 624]);
  });

  it("long format (columns in any order, quoted ids, empty = missing) with a lower-is-better task", async () => {
    const file = files.write(
      "long.csv",
      ["instance,score,system,task", 'q1,0.9,Alpha,acc', '"q,2",0.4,Alpha,acc', "q1,3,Alpha,err", "q1,0.5,Beta,acc", '"q,2",0.6,Beta,acc', "q1,1,Beta,err", "q1,,Gamma,acc", "q1,0.7,Gamma,acc2"].join("\n") + "\n",
    );
    const r = await podium(["import-instances", file, "--benchmark", "tiny", "--create", "--lower-is-better", "err", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    const bench = (await get("/api/v1/benchmarks/tiny")).body;
    expect(bench.tasks.map((t: any) => [t.slug, t.higherIsBetter])).toEqual([["acc", true], ["err", false], ["acc2", true]]);
    const lb = (await get("/api/v1/benchmarks/tiny/leaderboard?level=instance&methods=mean")).body;
    const scores = Object.fromEntries(lb.systems.map((s: any) => [s.slug, s.scores]));
    expect(scores).toEqual({ alpha: { acc: 0.65, err: 3 }, beta: { acc: 0.55, err: 1 }, gamma: { acc2: 0.7 } });
  });

  it("a bad file is refused with its line numbers and nothing is sent; a duplicate is named by the file's line", async () => {
    const bad = files.write("bad.csv", "system,instance,m1,m2\nA,i1,0.5,0.1\nA,i2,zero,0.2\nB,i1,0.1\nB,,0.3,0.3\n");
    const r = await podium(["import-instances", bad, "--benchmark", "never", "--create", ...admin()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 3: m1: score "zero" is not a finite number');
    expect(r.stderr).toContain("line 4: expected 4 fields, got 3");
    expect(r.stderr).toContain("line 5: empty instance id");
    expect((await get("/api/v1/benchmarks/never")).status).toBe(404);

    const dup = files.write("dup.csv", "system,task,instance,score\nA,t,i1,1\nB,t,i1,2\nB,t,i2,3\nB,t,i1,4\n");
    const d = await podium(["import-instances", dup, "--benchmark", "dup", "--create", "--concurrency", "1", ...admin()]);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain("uploading system B (3 rows) failed: 400");
    // the body's lines 2 and 4 are the file's lines 3 and 5
    expect(d.stderr).toMatch(/line 5: duplicate \(task, instance\) \("t", "i1"\), first on line 3/);
    expect(d.stderr).toContain("stored before the failure (these stay): 1 systems: a");
    const usage = await podium(["import-instances", dup, "--benchmark", "dup", "--format", "wide", ...admin()]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--format must be one of metrics, long");
    expect(server.url).toMatch(/^http/);
  });
});
