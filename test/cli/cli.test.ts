/** The CLI's own surface: --version, help, per-flag help, unknown commands and flags (exit 2). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { examplePath, repoRoot } from "../helpers/examples.ts";
import { podium } from "./podium.ts";

const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** The help text of one flag: its line and the wrapped lines under it, joined. */
function flagHelp(help: string, flag: string): string {
  const lines = help.split("\n");
  const at = lines.findIndex((l) => /^\s+(-\w, )?--/.test(l) && l.trimStart().replace(/^-\w, /, "").startsWith(flag + " "));
  if (at < 0) return "";
  const parts = [lines[at].trimStart().replace(/^-\w, /, "").slice(flag.length).trim()];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s{8,}\S/.test(l) || /^\s+(-\w, )?--/.test(l)) break;
    parts.push(l.trim());
  }
  return parts.join(" ");
}

describe("podium", () => {
  it("--version prints the package.json version", async () => {
    for (const flag of ["--version", "-v"]) {
      const r = await podium([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`podium ${version}\n`);
    }
  });

  it("help lists the commands; help <command> is that command's --help", async () => {
    const r = await podium(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: podium <command>/);
    expect(r.stdout).toMatch(/^  rank /m);
    expect(r.stdout).toMatch(/^  import /m);
    const helpImport = await podium(["help", "import"]);
    const importHelp = await podium(["import", "--help"]);
    expect(helpImport.code).toBe(0);
    expect(helpImport.stdout).toBe(importHelp.stdout);
  });

  it("rank --help lists every flag with its meaning and default", async () => {
    const r = await podium(["rank", "-h"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: podium rank FILE\.csv/);
    expect(flagHelp(r.stdout, "--methods m1,m2")).toMatch(/^methods to run.*kemeny \(default: all\)$/);
    expect(flagHelp(r.stdout, "--format table|json|csv")).toMatch(/table.*\(default: table\)$/);
    expect(flagHelp(r.stdout, "--kemeny-budget-ms N")).toMatch(/Kemeny.*\(default: 2000\)$/);
    expect(flagHelp(r.stdout, "--lower-is-better t1,t2")).toMatch(/lower score is better/);
    expect(flagHelp(r.stdout, "--weights t=2,u=0.5")).toMatch(/weights.*\(default: 1 for every task\)$/);
  });

  it("import --help lists every flag, says the import is not all or nothing, and gives the exit codes", async () => {
    const r = await podium(["import", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--benchmark SLUG", "--create", "--name NAME", "--description TEXT", "--lower-is-better t1,t2", "--weights t=2,u=0.5", "--dry-run", "--retries N", "--token TOKEN"])
      expect(flagHelp(r.stdout, flag), flag).toMatch(/\w{3,}/);
    expect(flagHelp(r.stdout, "--batch-bytes N")).toMatch(/body.*\(default: 1048576\)$/);
    expect(flagHelp(r.stdout, "--url URL")).toBe("the server (default: $PODIUM_URL or http://localhost:3000)");
    expect(flagHelp(r.stdout, "--dry-run")).toMatch(/contacts no server/);
    expect(r.stdout).toContain("Not all or nothing");
    expect(r.stdout).toContain("Exit codes: 0 done, 2 bad flags or CSV");
  });

  it("unknown flags, commands and missing values exit 2 with a clear message", async () => {
    const cases: [string[], RegExp][] = [
      [["rank", examplePath("glue.csv"), "--bogus"], /^podium rank: unknown option --bogus/],
      [["import", "x.csv", "--benchmark", "b", "--frobnicate"], /^podium import: unknown option --frobnicate/],
      [["rank", examplePath("glue.csv"), "--methods"], /--methods needs a value/],
      [["frobnicate"], /^podium: unknown command "frobnicate"/],
      [["help", "frobnicate"], /^podium: unknown command "frobnicate"/],
      [[], /^usage: podium <command>/],
    ];
    for (const [args, message] of cases) {
      const r = await podium(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});
