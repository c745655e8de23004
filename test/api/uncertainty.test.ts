import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { parseConfig } from "../../api/config.ts";
import { parseCsvRows } from "../../cli/csv.ts";
import { TASK_METHODS } from "../../ranking/index.ts";
import { createServices } from "../../service/index.ts";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";
import { seedGlue } from "../helpers/glue.ts";


const LB = "/api/v1/benchmarks/unc/leaderboard";

/**
 * "top" beats everyone on every task (interval [1, 1], pTop1 1 under any method); the others
 * trade places, so their intervals are wide. "twin" duplicates "b": one tie group.
 */
const SCORES: Record<string, number[]> = {
  top: [99, 99, 99, 99, 99, 99],
  b: [80, 60, 70, 50, 90, 40],
  twin: [80, 60, 70, 50, 90, 40],
  c: [60, 80, 50, 70, 40, 90],
  d: [70, 70, 60, 60, 65, 55],
  e: [10, 20, 15, 5, 12, 8],
};
const TASKS = ["t1", "t2", "t3", "t4", "t5", "t6"];

async function seed(api: TestApi) {
  await api.createBenchmark("unc", TASKS);
  const submissions = Object.entries(SCORES).map(([slug, v]) => ({ system: { slug }, scores: Object.fromEntries(TASKS.map((t, i) => [t, v[i]])) }));
  const res = await api.call("POST", "/api/v1/benchmarks/unc/submissions", { body: { submissions } });
  expect(res.status).toBe(201);
}

type Cell = { rank: number; score?: number; interval?: [number, number]; pTop1?: number };
type Body = { methods: string[]; systems: { slug: string; results: Record<string, Cell> }[]; tieGroups: Record<string, string[][]>; uncertainty: any };

/** The systems in a method's rank order (ties: by slug, the snapshot's order, as the tie groups use). */
const rankOrder = (body: Body, method: string) =>
  body.systems
    .map((s) => ({ s: s.slug, r: s.results[method].rank }))
    .sort((x, y) => x.r - y.r || (x.s < y.s ? -1 : x.s > y.s ? 1 : 0))
    .map((x) => x.s);

describe.each(backends())("bootstrap uncertainty on %s", (kind) => {
  const api = useTestApi(kind);
  const get = (query: string, headers: Record<string, string> = {}) => api.call("GET", `${LB}?${query}`, { token: null, headers });

  it("same seed, same body; another seed is fine too", async () => {
    await seed(api);
    const q = "methods=mean,borda,kemeny&uncertainty=bootstrap&samples=300&seed=42";
    const a = await get(q);
    expect(a.status).toBe(200);
    api.services.leaderboards.clearCache();
    const b = await get(q);
    expect(b.body).toEqual(a.body);
    expect(a.body.uncertainty).toEqual({
      method: "bootstrap",
      level: "task",
      samples: 300,
      seed: 42,
      percentiles: [0.025, 0.975],
      separation: 0.95,
      kemeny: { budgetSteps: 50, exactResamples: 300 },
    });
    const other = await get("methods=mean,borda,kemeny&uncertainty=bootstrap&samples=300&seed=43");
    expect(other.status).toBe(200);
    expect(other.body.uncertainty.seed).toBe(43);
    // the point ranks never depend on the seed
    for (const m of ["mean", "borda", "kemeny"]) expect(rankOrder(other.body, m)).toEqual(rankOrder(a.body, m));
  });

  it("defaults: samples 1000, seed 0; the plain leaderboard has no uncertainty fields", async () => {
    await seed(api);
    const res = await get("methods=borda&uncertainty=bootstrap");
    expect(res.body.uncertainty).toMatchObject({ samples: 1000, seed: 0 });
    expect(res.body.uncertainty).not.toHaveProperty("kemeny");
    expect((await get("methods=borda&uncertainty=bootstrap&samples=1000&seed=0")).headers.get("etag")).toBe(res.headers.get("etag"));
    const plain = await get("methods=borda");
    expect(plain.body).not.toHaveProperty("tieGroups");
    expect(plain.body).not.toHaveProperty("uncertainty");
    expect(plain.body.systems[0].results.borda).not.toHaveProperty("interval");
  });

  it("samples and seed without uncertainty are validated, then ignored (same body, same ETag)", async () => {
    await seed(api);
    const plain = await get("methods=mean");
    const ignored = await get("methods=mean&samples=50&seed=9");
    expect(ignored.status).toBe(200);
    expect(ignored.body).toEqual(plain.body);
    expect(ignored.headers.get("etag")).toBe(plain.headers.get("etag"));
    expect((await get("methods=mean&samples=0")).status).toBe(400);
  });

  it("every method: a dominant system has interval [1, 1] and pTop1 1; pTop1 sums to 1; intervals hold the rank span", async () => {
    await seed(api);
    const res = await get("uncertainty=bootstrap&samples=400&seed=7");
    expect(res.status).toBe(200);
    const body = res.body as Body;
    expect(body.methods).toEqual([...TASK_METHODS]);
    for (const method of body.methods) {
      const top = body.systems.find((s) => s.slug === "top")!.results[method];
      expect(top, method).toMatchObject({ rank: 1, interval: [1, 1], pTop1: 1 });
      const sum = body.systems.reduce((acc, s) => acc + s.results[method].pTop1!, 0);
      expect(sum, method).toBeCloseTo(1, 12);
      for (const s of body.systems) {
        const { interval, pTop1 } = s.results[method];
        expect(Number.isInteger(interval![0]) && Number.isInteger(interval![1]), method).toBe(true);
        expect(1 <= interval![0] && interval![0] <= interval![1] && interval![1] <= body.systems.length, method).toBe(true);
        expect(pTop1! >= 0 && pTop1! <= 1).toBe(true);
      }
    }
    // the bottom system is last in every resample (under methods that separate the rest)
    for (const method of ["mean", "borda", "copeland", "kemeny"]) expect(body.systems.find((s) => s.slug === "e")!.results[method].interval, method).toEqual([6, 6]);
  });

  it("tieGroups: every system exactly once, in rank order; top alone, twins together", async () => {
    await seed(api);
    const body = (await get("uncertainty=bootstrap&samples=300&seed=1")).body as Body;
    expect(Object.keys(body.tieGroups)).toEqual(body.methods);
    for (const method of body.methods) {
      const groups = body.tieGroups[method];
      expect(groups.flat(), method).toEqual(rankOrder(body, method));
      expect(groups.every((g) => g.length > 0)).toBe(true);
      expect(groups[0], method).toEqual(["top"]);
      expect(groups.find((g) => g.includes("b")), method).toContain("twin");
    }
  });

  it("CSV: <method>_lo, <method>_hi, <method>_ptop1 after each method's columns", async () => {
    await seed(api);
    const q = "methods=mean,kemeny&uncertainty=bootstrap&samples=200&seed=3";
    const json = (await get(q)).body as Body;
    const csv = await get(`${q}&format=csv`);
    expect(csv.status).toBe(200);
    const [header, ...rows] = parseCsvRows(csv.body).filter((r) => r.length > 1);
    expect(header).toEqual(["system", "name", "coverage", "mean_rank", "mean_score", "mean_lo", "mean_hi", "mean_ptop1", "kemeny_rank", "kemeny_lo", "kemeny_hi", "kemeny_ptop1", ...TASKS]);
    expect(rows).toHaveLength(json.systems.length);
    rows.forEach((row, i) => {
      const s = json.systems[i];
      expect(row[0]).toBe(s.slug);
      expect(row.slice(5, 8).map(Number)).toEqual([...s.results.mean.interval!, s.results.mean.pTop1]);
      expect(row.slice(9, 12).map(Number)).toEqual([...s.results.kemeny.interval!, s.results.kemeny.pTop1]);
    });
    const plain = await get("methods=mean&format=csv&samples=5");
    expect(plain.body.split("\r\n")[0]).toBe(["system,name,coverage,mean_rank,mean_score", ...TASKS].join(","));
  });

  it("the ETag varies with the seed and samples; 304 on a match; hot requests do not recompute", async () => {
    await seed(api);
    const q = "methods=borda&uncertainty=bootstrap&samples=100";
    const etag = async (query: string) => (await get(query)).headers.get("etag")!;
    const seed1 = await etag(`${q}&seed=1`);
    expect(await etag(`${q}&seed=1`)).toBe(seed1);
    const others = [await etag(`${q}&seed=2`), await etag(q), await etag("methods=borda&uncertainty=bootstrap&samples=101&seed=1"), await etag("methods=borda")];
    expect(new Set([seed1, ...others]).size).toBe(5);
    const first = await get(`${q}&seed=5`);
    const computed = api.services.leaderboards.stats.computed;
    expect((await get(`${q}&seed=5`, { "if-none-match": first.headers.get("etag")! })).status).toBe(304);
    expect((await get(`${q}&seed=5`)).body).toEqual(first.body);
    expect(api.services.leaderboards.stats.computed).toBe(computed);
  });

  it("400 naming the field: uncertainty, samples, seed, kemeny sample cap", async () => {
    await seed(api);
    const cases: [string, string][] = [
      ["uncertainty=jackknife", "uncertainty"],
      ["uncertainty=bootstrap&samples=0", "samples"],
      ["uncertainty=bootstrap&samples=10001", "samples"],
      ["uncertainty=bootstrap&samples=1.5", "samples"],
      ["uncertainty=bootstrap&samples=many", "samples"],
      ["uncertainty=bootstrap&seed=-1", "seed"],
      ["uncertainty=bootstrap&seed=4294967296", "seed"],
      ["uncertainty=bootstrap&seed=x", "seed"],
      ["methods=borda,kemeny&uncertainty=bootstrap&samples=2001", "samples"],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details.map((d: { field: string }) => d.field), query).toEqual([field]);
    }
    expect((await get("methods=borda&uncertainty=bootstrap&samples=10000&seed=4294967295")).status).toBe(200);
  });

  it("page: the uncertainty checkbox shows interval bars and the tie-group bands of the primary method; the system page shows P(first)", async () => {
    await seed(api);
    const page = await api.call("GET", "/benchmarks/unc?methods=borda&methods=mean&sort=mean&uncertainty=bootstrap", { token: null });
    expect(page.status).toBe(200);
    const html: string = page.body;
    expect(html).toContain('<input type="checkbox" name="uncertainty" value="bootstrap" checked=""/>');
    const json = (await get("methods=borda,mean&uncertainty=bootstrap")).body as Body;
    const rows = [...html.matchAll(/<tr data-system="([^"]*)" class="([^"]*)" data-tie-group="(\d+)"[^>]*>(.*?)<\/tr>/gs)].map((m) => ({ slug: m[1], cls: m[2], group: Number(m[3]), html: m[4] }));
    expect(rows.map((r) => r.slug)).toEqual(json.tieGroups.mean.flat());
    rows.forEach((r) => expect(r.group, r.slug).toBe(json.tieGroups.mean.findIndex((g) => g.includes(r.slug)) + 1));
    const top = rows.find((r) => r.slug === "top")!;
    expect(top.cls).toContain("settled");
    expect(top.html).toContain('<span class="iv" title="95% bootstrap interval of the mean rank">1</span>');
    expect(top.html).toContain('<svg class="ibar"');
    const b = json.systems.find((s) => s.slug === "b")!.results.borda;
    const [lo, hi] = b.interval!;
    expect(rows.find((r) => r.slug === "b")!.html).toContain(`title="95% bootstrap interval of the borda rank">${lo === hi ? lo : `${lo}–${hi}`}</span>`);
    expect(html).toContain("Bootstrap over 1000 resamples of the tasks (seed 0)");
    expect(html).toContain("uncertainty=bootstrap&amp;samples=1000&amp;seed=0");
    const system: string = (await api.call("GET", "/benchmarks/unc/systems/top?uncertainty=bootstrap", { token: null })).body;
    expect(system).toMatch(/<tr data-method="mean">.*?<td>100%<\/td>/s);

    const plain: string = (await api.call("GET", "/benchmarks/unc?methods=borda", { token: null })).body;
    expect(plain).toContain('<input type="checkbox" name="uncertainty" value="bootstrap"/>');
    expect(plain).not.toContain('class="iv"');
    expect(plain).not.toContain("data-tie-group");
  });

  it("unknown benchmark: 404; empty benchmark: empty groups", async () => {
    expect((await api.call("GET", "/api/v1/benchmarks/nope/leaderboard?uncertainty=bootstrap", { token: null })).status).toBe(404);
    await api.createBenchmark("unc", TASKS);
    const res = await get("methods=mean,kemeny&uncertainty=bootstrap");
    expect(res.status).toBe(200);
    expect(res.body.tieGroups).toEqual({ mean: [], kemeny: [] });
  });

  it("level=instance resamples instances within each task: dominant system settled, deterministic, CSV columns", async () => {
    await api.createBenchmark("unc", ["x", "y"]);
    // per instance: "top" always best, p and q alternate, "low" always worst
    const rows = (system: string) =>
      ["x", "y"].flatMap((task) =>
        Array.from({ length: 8 }, (_, i) => {
          const score = { top: 100, p: i % 2 ? 60 : 40, q: i % 2 ? 40 : 60, low: 0 }[system]!;
          return `${task},i${i},${score}`;
        }),
      );
    for (const system of ["top", "p", "q", "low"]) {
      const res = await api.app.request(`/api/v1/benchmarks/unc/systems/${system}/instances`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv" },
        body: ["task,instance,score", ...rows(system)].join("\n") + "\n",
      });
      expect(res.status, await res.text()).toBe(201);
    }
    const q = "level=instance&uncertainty=bootstrap&samples=200&seed=5";
    const a = await get(q);
    expect(a.status).toBe(200);
    expect(a.body.uncertainty).toMatchObject({ level: "instance", samples: 200, seed: 5 });
    expect(a.body.methods).toEqual(["mean", "borda", "borda2"]);
    for (const method of a.body.methods) {
      const by = Object.fromEntries(a.body.systems.map((s: { slug: string; results: Record<string, Cell> }) => [s.slug, s.results[method]]));
      expect(by.top, method).toMatchObject({ interval: [1, 1], pTop1: 1 });
      expect(by.low.interval, method).toEqual([4, 4]);
      expect(a.body.tieGroups[method][0], method).toEqual(["top"]);
      expect(a.body.tieGroups[method].flat(), method).toEqual(rankOrder(a.body, method));
      // p and q swap places from resample to resample: one group
      expect(a.body.tieGroups[method].find((g: string[]) => g.includes("p")), method).toContain("q");
    }
    api.services.leaderboards.clearCache();
    expect((await get(q)).body).toEqual(a.body);
    const csv = await get(`${q}&format=csv`);
    expect(csv.body.split("\r\n")[0]).toContain("borda2_rank,borda2_score,borda2_lo,borda2_hi,borda2_ptop1");
    expect((await get("level=instance&methods=borda2&uncertainty=bootstrap&samples=10001")).status).toBe(400);
  });

  it("GLUE kemeny: two fresh app instances with the same seed agree exactly", { timeout: 60_000 }, async () => {
    await seedGlue(api);
    const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN });
    const fresh = () => createApp({ services: createServices(api.services.database, { adminToken: config.adminToken }), config });
    const url = "/api/v1/benchmarks/glue/leaderboard?methods=kemeny,borda&uncertainty=bootstrap&samples=150&seed=11";
    const a = (await (await fresh().request(url)).json()) as any;
    const b = (await (await fresh().request(url)).json()) as any;
    expect(b).toEqual(a);
    expect(a.systems).toHaveLength(105);
    expect(a.uncertainty.kemeny.exactResamples).toBeGreaterThan(100);
    expect(a.tieGroups.kemeny.flat()).toEqual(a.kemeny.order);
    expect(a.systems.reduce((x: number, s: { results: Record<string, Cell> }) => x + s.results.kemeny.pTop1!, 0)).toBeCloseTo(1, 12);
  });
});
