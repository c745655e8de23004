/**
 * `podium import` at scale and on re-import, against the real server (default 1 MiB body limit):
 * batches, unchanged systems, dry runs, order-independent slugs, bad CSVs that create nothing.
 */
import { describe, expect, it } from "vitest";
import { csvDir, generatedCsv, podium, useImportServer } from "./podium.ts";

const files = csvDir("podium-import-batches-");
const { server, get, admin } = useImportServer();
const history = async (bench: string, system: string) => (await get(`/api/v1/benchmarks/${bench}/systems/${system}/submissions`)).body.submissions;
const benchmarkSlugs = async () => (await get("/api/v1/benchmarks")).body.benchmarks.map((b: { slug: string }) => b.slug);

describe("podium import: batches", () => {
  it("imports 8,000 systems x 20 tasks (about 4 MB of JSON) under the default body limit, with progress", async () => {
    const csv = generatedCsv(8000, 20);
    const r = await podium(["import", files.write("big.csv", csv), "--benchmark", "big", "--create", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    const progress = [...r.stderr.matchAll(/^imported (\d+)\/8000 systems$/gm)].map((m) => Number(m[1]));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(8000);
    expect(r.stdout).toContain(`imported 8000 systems into big (revision ${progress.length})`);
    const listed = (await get("/api/v1/benchmarks")).body.benchmarks.find((b: { slug: string }) => b.slug === "big");
    expect(listed).toMatchObject({ taskCount: 20, systemCount: 8000 });
    const [first, last] = [csv.split("\n")[1].split(","), csv.split("\n")[8000].split(",")];
    expect((await history("big", "system-0"))[0].scores.task0).toBe(Number(first[1]));
    expect((await history("big", "system-7999"))[0].scores.task19).toBe(Number(last[20]));
  }, 180_000);

  it("a re-import sends nothing for unchanged systems and only the changed ones otherwise", async () => {
    const csv = generatedCsv(300, 20, 7);
    const file = files.write("three-hundred.csv", csv);
    const first = await podium(["import", file, "--benchmark", "again", "--create", "--batch-bytes", "20000", ...admin()]);
    expect(first.code, first.stderr).toBe(0);
    const revision = (await get("/api/v1/benchmarks/again")).body.revision;
    expect(revision).toBeGreaterThan(1); // several batches

    const again = await podium(["import", file, "--benchmark", "again", "--create", "--batch-bytes", "20000", ...admin()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`imported 0 systems into again (revision ${revision}); 300 unchanged`);
    expect((await get("/api/v1/benchmarks/again")).body.revision).toBe(revision);
    for (const system of ["system-0", "system-150", "system-299"]) expect(await history("again", system)).toHaveLength(1);

    const lines = csv.split("\n");
    lines[11] = lines[11].replace(/,[^,]*$/, ",0.5"); // System 10, task19
    const changed = await podium(["import", files.write("changed.csv", lines.join("\n")), "--benchmark", "again", ...admin()]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain(`imported 1 systems into again (revision ${revision + 1}); 299 unchanged`);
    expect((await history("again", "system-10")).map((h: { scores: Record<string, number> }) => h.scores.task19)).toEqual([0.5, Number(csv.split("\n")[11].split(",")[20])]);
    expect(await history("again", "system-11")).toHaveLength(1);
  }, 120_000);
});

describe("podium import: checked before anything is created", () => {
  it("--dry-run against the real server creates nothing and prints tasks, directions, weights and batches", async () => {
    const before = await benchmarkSlugs();
    const r = await podium(["import", files.write("dry.csv", "system,BLEU,Latency ms\nA,30,12\nB,31,40\n"), "--benchmark", "dry", "--create", "--description", "A dry run", "--lower-is-better", "Latency ms", "--weights", "bleu=2,Latency ms=0.5", "--dry-run", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('benchmark dry: created if it does not exist, as "dry" (description: "A dry run")');
    expect(r.stdout).toMatch(/^  bleu        higher is better  weight 2    "BLEU"$/m);
    expect(r.stdout).toMatch(/^  latency-ms  lower is better   weight 0.5  "Latency ms"$/m);
    expect(r.stdout).toContain("systems: 2");
    expect((await get("/api/v1/benchmarks/dry")).status).toBe(404);
    expect(await benchmarkSlugs()).toEqual(before);
  });

  it("--weights, --lower-is-better and --description are used when creating", async () => {
    const r = await podium(["import", files.write("made.csv", "system,BLEU,Latency ms\nA,30,12\nB,31,40\n"), "--benchmark", "made", "--create", "--description", "Made by the CLI", "--lower-is-better", "latency-ms", "--weights", "BLEU=2", ...admin()]);
    expect(r.code, r.stderr).toBe(0);
    const b = (await get("/api/v1/benchmarks/made")).body;
    expect(b.description).toBe("Made by the CLI");
    expect(b.tasks.map((t: any) => [t.slug, t.higherIsBetter, t.weight])).toEqual([
      ["bleu", true, 2],
      ["latency-ms", false, 1],
    ]);
  });

  it("a bad row anywhere in the CSV exits 2 and creates nothing", async () => {
    const before = await benchmarkSlugs();
    const lines = generatedCsv(5000, 3).split("\n");
    lines[4000] = "System 3999,0.5,n/a,0.1";
    const r = await podium(["import", files.write("bad-row.csv", lines.join("\n")), "--benchmark", "bad-row", "--create", ...admin()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad CSV: line 4001: score "n/a" for task "task1" is not a finite number');
    expect((await get("/api/v1/benchmarks/bad-row")).status).toBe(404);
    expect(await benchmarkSlugs()).toEqual(before);
  });
});

describe("podium import: slugs of non-ASCII names", () => {
  const names = ["百度文心", "通义千问", "智谱清言", "BERT 中文", "BERT 日本語", "Москва LM", "Ünïcödé", "???", "Beta", "beta"];
  const rows = names.map((n, i) => `${n},${i}`);

  it("Chinese (and other) names get distinct, meaningful slugs that do not depend on the row order", async () => {
    const forward = await podium(["import", files.write("zh.csv", `system,Acc\n${rows.join("\n")}\n`), "--benchmark", "zh-a", "--create", ...admin()]);
    const backward = await podium(["import", files.write("zh-reversed.csv", `system,Acc\n${[...rows].reverse().join("\n")}\n`), "--benchmark", "zh-b", "--create", ...admin()]);
    expect(forward.code, forward.stderr).toBe(0);
    expect(backward.code, backward.stderr).toBe(0);
    const slugsByName = async (bench: string) =>
      Object.fromEntries((await get(`/api/v1/benchmarks/${bench}/leaderboard?methods=mean`)).body.systems.map((s: { slug: string; name: string }) => [s.name, s.slug]));
    const a = await slugsByName("zh-a");
    expect(a).toEqual(await slugsByName("zh-b"));
    expect(Object.keys(a).sort()).toEqual([...names].sort());
    const slugs = Object.values(a) as string[];
    expect(new Set(slugs).size).toBe(names.length);
    for (const slug of slugs) expect(slug).not.toMatch(/^x(-\d+)?$/);
    expect(a["百度文心"]).toBe("bai-du-wen-xin");
    expect(a["BERT 中文"]).toBe("bert-zhong-wen");
    expect(a["???"]).toMatch(/^sys-[0-9a-f]{6}$/);
    expect(a["Москва LM"]).toBe("moskva-lm");
    expect(a["Ünïcödé"]).toBe("unicode");
    expect([a.Beta, a.beta].sort()).toEqual(["beta", "beta-2"]);
  }, 60_000);
});
