/**
 * `podium import` end to end: the real CLI (`node cli/podium.js import ...`) against a real
 * server process (temp data dir, known admin token).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { examplePath } from "../helpers/examples.ts";
import { podium, useImportServer } from "./podium.ts";

const dir = mkdtempSync(path.join(tmpdir(), "podium-import-"));
function csvFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const TINY = `system,Acc-A,Err B,F1
"Alpha & Co",0.9,12,0.8
Beta,0.7,10,
"Beta",0.8,9,0.9
"Zeta ""Z""",,,
`;

const { server, get } = useImportServer();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("podium import: flags", () => {
  it("prints usage with --help", async () => {
    const r = await podium(["import", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: podium import FILE\.csv\|RESULTS\.json\|FOLDER --benchmark SLUG/);
    for (const flag of ["--benchmark SLUG", "--create", "--dry-run", "--weights t=2,u=0.5", "--description TEXT", "--batch-bytes N", "--retries N", "--url URL", "--token TOKEN"])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain("(default: 1048576)");
  });

  it.each([
    [["import", "x.csv"], /--benchmark SLUG is required/],
    [["import", "x.csv", "--benchmark", "Bad Slug", "--token", "t"], /is not a slug/],
    [["import", "x.csv", "--benchmark", "b", "--token", "t", "--frobnicate"], /unknown option --frobnicate/],
    [["import", "--benchmark", "b", "--token", "t"], /missing FILE\.csv/],
    [["import", "x.csv", "--benchmark", "b"], /a token is required/],
    [["import", "x.csv", "--benchmark", "b", "--token", "t", "--lower-is-better", "f1"], /only apply with --create/],
    [["import", "x.csv", "--benchmark", "b", "--token", "t", "--url", "ftp://x"], /--url must be an http\(s\) URL/],
    [["import", "x.csv", "--benchmark", "b", "--token"], /--token needs a value/],
    [["import", "x.csv", "--benchmark", "b", "--token", "t", "--create", "--weights", "a=0"], /bad weight "a=0"/],
    [["import", "x.csv", "--benchmark", "b", "--token", "t", "--batch-bytes", "lots"], /--batch-bytes must be a whole number/],
    [["import", "x.csv", "--benchmark", "b", "--token", "t", "--create", "--dry-run=yes"], /--dry-run takes no value/],
  ])("exits 2 on bad flags: %j", async (args, message) => {
    const r = await podium(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("exits 2 on an unreadable file or a bad CSV", async () => {
    const missing = await podium(["import", path.join(dir, "nope.csv"), "--benchmark", "b", "--token", "t"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    const bad = await podium(["import", csvFile("bad.csv", "system,a\nx,notanumber\n"), "--benchmark", "b", "--token", "t"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad CSV: line 2/);
  });

  it("exits 2 on --lower-is-better naming a task the CSV lacks", async () => {
    const r = await podium(["import", csvFile("t0.csv", TINY), "--benchmark", "t0", "--create", "--lower-is-better", "nope"], { PODIUM_URL: server.url, PODIUM_TOKEN: server.adminToken });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown task\(s\) nope/);
  });
});

describe("podium import: against a server", () => {
  it("creates the benchmark and imports every scored system in one submission", async () => {
    const file = csvFile("tiny.csv", TINY);
    const r = await podium(["import", file, "--benchmark", "tiny", "--create", "--name", "Tiny <Bench>", "--lower-is-better", "Err B", "--url", server.url, "--token", server.adminToken]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 3 systems into tiny (revision 1)");
    expect(r.stdout).toContain(`${server.url}/benchmarks/tiny`);
    expect(r.stderr).toContain("created benchmark tiny with 3 tasks");
    expect(r.stderr).toContain('skipping 1 system(s) without any score: Zeta "Z"');

    const b = await get("/api/v1/benchmarks/tiny");
    expect(b.body.name).toBe("Tiny <Bench>");
    expect(b.body.tasks.map((t: any) => [t.slug, t.name, t.higherIsBetter])).toEqual([
      ["acc-a", "Acc-A", true],
      ["err-b", "Err B", false],
      ["f1", "F1", true],
    ]);
    const lb = await get("/api/v1/benchmarks/tiny/leaderboard?methods=mean");
    const systems = Object.fromEntries(lb.body.systems.map((s: any) => [s.slug, s]));
    expect(Object.keys(systems).sort()).toEqual(["alpha-and-co", "beta", "beta-2"]);
    expect(systems["alpha-and-co"].name).toBe("Alpha & Co");
    expect(systems["beta-2"]).toMatchObject({ name: "Beta", scores: { "acc-a": 0.8, "err-b": 9, f1: 0.9 } });
    expect(systems.beta.scores).toEqual({ "acc-a": 0.7, "err-b": 10 });
  });

  it("re-imports into the existing benchmark without a new submission for unchanged systems, with URL and token from the environment", async () => {
    const r = await podium(["import", csvFile("tiny.csv", TINY), "--benchmark", "tiny", "--create"], { PODIUM_URL: server.url + "/", PODIUM_TOKEN: server.adminToken });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("benchmark tiny already exists");
    expect(r.stdout).toContain("imported 0 systems into tiny (revision 1); 3 unchanged");
    expect((await get("/api/v1/benchmarks/tiny/systems/beta-2/submissions")).body.submissions).toHaveLength(1);
  });

  it("imports with a benchmark token into an existing benchmark, matching headers to task names", async () => {
    const tok = await fetch(`${server.url}/api/v1/benchmarks/tiny/tokens`, { method: "POST", headers: { authorization: `Bearer ${server.adminToken}` } });
    const { token } = (await tok.json()) as { token: string };
    const r = await podium(["import", csvFile("more.csv", "system,F1,Acc-A\nGamma,0.5,0.6\n"), "--benchmark", "tiny", "--url", server.url, "--token", token]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 1 systems into tiny (revision 2)");
    expect((await get("/api/v1/benchmarks/tiny/systems/gamma/submissions")).body.submissions[0].scores).toEqual({ f1: 0.5, "acc-a": 0.6 });
  });

  it("refuses a CSV the server would reject before sending anything (exit 2)", async () => {
    const longName = "x".repeat(201);
    const r = await podium(["import", csvFile("long.csv", `system,F1\nOk,1\n${longName},2\n`), "--benchmark", "tiny", "--url", server.url, "--token", server.adminToken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3: system name "x+\.\.\." is longer than 200 characters/);
    expect((await get("/api/v1/benchmarks/tiny")).body.revision).toBe(2);
    expect((await get("/api/v1/benchmarks/tiny/systems/ok/submissions")).status).toBe(404);
  });

  it("reports the server's error message when it refuses a batch (exit 1): a --batch-bytes above the body limit", async () => {
    const big = `system,F1\n${Array.from({ length: 12_000 }, (_, i) => `System number ${i} with a rather long name to fill the body,${i}`).join("\n")}\n`;
    const refused = await podium(["import", csvFile("too-big.csv", big), "--benchmark", "tiny", "--batch-bytes", "2000000", "--url", server.url, "--token", server.adminToken]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/submitting batch 1 \(10000 systems from CSV line 2\) failed: 413/);
    expect(refused.stderr).toContain("nothing was imported");
    expect(refused.stderr).toContain("run again with a smaller --batch-bytes");
    expect((await get("/api/v1/benchmarks/tiny")).body.revision).toBe(2);
  });

  it("fails clearly on an unknown benchmark, a bad token, unknown tasks and an unreachable server", async () => {
    const file = csvFile("tiny.csv", TINY);
    const unknown = await podium(["import", file, "--benchmark", "nope", "--url", server.url, "--token", server.adminToken]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/reading benchmark nope failed: 404 not_found/);
    const badToken = await podium(["import", file, "--benchmark", "tiny-new", "--create", "--url", server.url, "--token", "pod_wrong"]);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/creating benchmark tiny-new failed: 401 unauthorized/);
    expect((await get("/api/v1/benchmarks/tiny-new")).status).toBe(404);
    const badTokenSubmitting = await podium(["import", csvFile("epsilon.csv", "system,F1\nEpsilon,0.3\n"), "--benchmark", "tiny", "--url", server.url, "--token", "pod_wrong"]);
    expect(badTokenSubmitting.code).toBe(1);
    expect(badTokenSubmitting.stderr).toMatch(/submitting batch 1 \(1 systems from CSV line 2\) failed: 401 unauthorized/);
    expect(badTokenSubmitting.stderr).toContain("nothing was imported");
    const tasks = await podium(["import", csvFile("other.csv", "system,bleu\nA,1\n"), "--benchmark", "tiny", "--url", server.url, "--token", server.adminToken]);
    expect(tasks.code).toBe(1);
    expect(tasks.stderr).toMatch(/the input has task\(s\) bleu that benchmark tiny does not/);
    const down = await podium(["import", file, "--benchmark", "tiny", "--url", "http://127.0.0.1:9", "--token", "t"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it("imports GLUE (105 systems) in one command", async () => {
    const r = await podium(["import", examplePath("glue.csv"), "--benchmark", "glue", "--create", "--name", "GLUE", "--url", server.url, "--token", server.adminToken]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 105 systems into glue (revision 1)");
    const lb = await get("/api/v1/benchmarks/glue/leaderboard?methods=mean,borda");
    expect(lb.body.systems).toHaveLength(105);
    expect(lb.body.systems.every((s: any) => s.coverage > 0)).toBe(true);
  });
});
