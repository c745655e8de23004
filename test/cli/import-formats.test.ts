/**
 * `podium import` of researchers' formats against the real server: long CSV (`system,task,score`)
 * and lm-evaluation-harness results (one file, or a folder of them).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { examplePath } from "../helpers/examples.ts";
import { csvDir, podium, useImportServer } from "./podium.ts";

const files = csvDir("podium-import-formats-");
const { server, get, admin } = useImportServer();
const tasksOf = async (bench: string) => (await get(`/api/v1/benchmarks/${bench}`)).body.tasks.map((t: any) => [t.slug, t.name, t.higherIsBetter]);
const systemsOf = async (bench: string) =>
  Object.fromEntries((await get(`/api/v1/benchmarks/${bench}/leaderboard?methods=mean`)).body.systems.map((s: any) => [s.slug, { name: s.name, scores: s.scores }]));

const LM_A = "example-org__tiny-lm-a/results_2024-06-01T10-00-00.json";
const lmEvalExample = (file: string) => examplePath(path.join("lm-eval", file));
const EXPECTED_LM_TASKS = [
  ["arc-easy-acc", "arc_easy acc", true],
  ["arc-easy-acc-norm", "arc_easy acc_norm", true],
  ["gsm8k-exact-match-strict-match", "gsm8k exact_match,strict-match", true],
  ["gsm8k-exact-match-flexible-extract", "gsm8k exact_match,flexible-extract", true],
  ["hellaswag-acc", "hellaswag acc", true],
  ["hellaswag-acc-norm", "hellaswag acc_norm", true],
  ["wikitext-word-perplexity", "wikitext word_perplexity", false],
  ["wikitext-byte-perplexity", "wikitext byte_perplexity", false],
  ["wikitext-bits-per-byte", "wikitext bits_per_byte", false],
];

describe("podium import: long CSV", () => {
  it("detects system,task,score in any column order and imports one score per line (empty = missing)", async () => {
    const r = await podium(["import", examplePath("long.csv"), "--benchmark", "long", "--create", "--lower-is-better", "wikitext perplexity", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 3 systems into long (revision 1)");
    expect(await tasksOf("long")).toEqual([
      ["hellaswag", "hellaswag", true],
      ["arc_easy", "arc_easy", true],
      ["wikitext-perplexity", "wikitext perplexity", false],
    ]);
    const systems = await systemsOf("long");
    expect(systems["tiny-lm-b"].scores).toEqual({ hellaswag: 0.402, arc_easy: 0.563, "wikitext-perplexity": 29.47 });
    expect(systems["tiny-lm-c"].scores).toEqual({ hellaswag: 0.33, "wikitext-perplexity": 45.3 });
  });

  it("accepts model,benchmark,value and --format long", async () => {
    const file = files.write("synonyms.txt", "Value,Model,Benchmark\n0.5,百度文心,mmlu\n0.7,通义千问,mmlu\n0.25,百度文心,gsm8k\n");
    const r = await podium(["import", file, "--format", "long", "--benchmark", "syn", "--create", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    expect(await systemsOf("syn")).toEqual({
      "bai-du-wen-xin": { name: "百度文心", scores: { mmlu: 0.5, gsm8k: 0.25 } },
      "tong-yi-qian-wen": { name: "通义千问", scores: { mmlu: 0.7 } },
    });
  });

  it.each([
    ["a second score of the same system and task", "system,task,score\nA,t,1\nB,t,2\nA,t,3\n", /bad CSV: line 4: system "A" has a second score for task "t" \(the first is on line 2\)/, []],
    ["a score that is not a number", "system,task,score\nA,t,1\nB,t,high\n", /bad CSV: line 3: score "high" for task "t" is not a finite number/, []],
    ["a row with too many fields", "task,score,system\nt,1,A\nt,2,B,extra\n", /bad CSV: line 3: expected 3 fields, got 4/, []],
    ["a missing column with --format long", "system,task\nA,t\n", /bad CSV: line 1: a long CSV needs the columns system, task and score/, ["--format", "long"]],
    ["--system with a CSV", "system,task,score\nA,t,1\n", /--system only applies to lm-eval results/, ["--system", "X"]],
  ])("exits 2 and creates nothing on %s", async (_, csv, message, extra) => {
    const r = await podium(["import", files.write("bad.csv", csv), "--benchmark", "long-bad", "--create", ...extra, ...admin()]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect((await get("/api/v1/benchmarks/long-bad")).status).toBe(404);
  });
});

describe("podium import: lm-evaluation-harness results", () => {
  it("imports one results file: a task per (task, metric, filter), directions from higher_is_better, _stderr skipped", async () => {
    const r = await podium(["import", lmEvalExample(LM_A), "--benchmark", "lm-one", "--create", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 1 systems into lm-one (revision 1)");
    expect(await tasksOf("lm-one")).toEqual(EXPECTED_LM_TASKS);
    const results = JSON.parse(readFileSync(lmEvalExample(LM_A), "utf8")).results;
    expect(await systemsOf("lm-one")).toEqual({
      "example-org-tiny-lm-a": {
        name: "example-org/tiny-lm-a",
        scores: {
          "arc-easy-acc": results.arc_easy["acc,none"],
          "arc-easy-acc-norm": results.arc_easy["acc_norm,none"],
          "gsm8k-exact-match-strict-match": results.gsm8k["exact_match,strict-match"],
          "gsm8k-exact-match-flexible-extract": results.gsm8k["exact_match,flexible-extract"],
          "hellaswag-acc": results.hellaswag["acc,none"],
          "hellaswag-acc-norm": results.hellaswag["acc_norm,none"],
          "wikitext-word-perplexity": results.wikitext["word_perplexity,none"],
          "wikitext-byte-perplexity": results.wikitext["byte_perplexity,none"],
          "wikitext-bits-per-byte": results.wikitext["bits_per_byte,none"],
        },
      },
    });
  });

  it("--system names the model of a single file; the file's tasks match the existing benchmark", async () => {
    const r = await podium(["import", lmEvalExample(LM_A), "--system", "My LM (run 2)", "--benchmark", "lm-one", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 1 systems into lm-one (revision 2)");
    expect((await systemsOf("lm-one"))["my-lm-run-2"].name).toBe("My LM (run 2)");
  });

  it("imports a folder (one model per file, in sub-folders as the harness writes them), model from model_name or config.model_args; a re-import sends nothing", async () => {
    const r = await podium(["import", examplePath("lm-eval"), "--benchmark", "lm-all", "--create", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 3 systems into lm-all (revision 1)");
    expect(await tasksOf("lm-all")).toEqual(EXPECTED_LM_TASKS);
    const systems = await systemsOf("lm-all");
    expect(Object.fromEntries(Object.entries(systems).map(([slug, s]: [string, any]) => [slug, s.name]))).toEqual({
      "example-org-tiny-lm-a": "example-org/tiny-lm-a",
      "example-org-tiny-lm-b": "example-org/tiny-lm-b",
      "example-org-tiny-lm-c": "example-org/tiny-lm-c", // no model_name: pretrained= of config.model_args
    });
    for (const s of Object.values(systems) as any[]) expect(Object.keys(s.scores).some((k) => k.includes("stderr"))).toBe(false);

    const again = await podium(["import", examplePath("lm-eval"), "--benchmark", "lm-all", ...admin()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("imported 0 systems into lm-all (revision 1); 3 unchanged");
  });

  it("skips other JSON files of a folder with a note, and refuses two files of one model, --system with a folder and a broken file (exit 2, nothing created)", async () => {
    const a = readFileSync(lmEvalExample(LM_A), "utf8");
    const dir = csvDir("podium-lm-eval-");
    dir.write("results_a.json", a);
    dir.write("config.json", '{"not": "results"}');
    const ok = await podium(["import", dir.dir, "--benchmark", "lm-note", "--create", ...admin()]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/skipping .*config\.json: not an lm-evaluation-harness results file/);
    expect(ok.stdout).toContain("imported 1 systems into lm-note");

    dir.write("results_again.json", a);
    const twice = await podium(["import", dir.dir, "--benchmark", "lm-bad", "--create", ...admin()]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/are both results of "example-org\/tiny-lm-a"/);
    const system = await podium(["import", dir.dir, "--system", "X", "--benchmark", "lm-bad", "--create", ...admin()]);
    expect(system.code).toBe(2);
    expect(system.stderr).toContain("--system names the model of a single results file, not of a folder");
    const broken = await podium(["import", files.write("broken.json", '{"results": '), "--benchmark", "lm-bad", "--create", ...admin()]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json: not JSON/);
    const notResults = await podium(["import", files.write("other.json", "[1,2]"), "--benchmark", "lm-bad", "--create", ...admin()]);
    expect(notResults.code).toBe(2);
    expect(notResults.stderr).toMatch(/other\.json: not an lm-evaluation-harness results file/);
    expect((await get("/api/v1/benchmarks/lm-bad")).status).toBe(404);
  });
});
