import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { parseConfig } from "../../api/config.ts";
import { parseCsvRows } from "../../cli/csv.ts";
import { MAX_PAIRWISE_SYSTEMS, PAIRWISE_METHODS, rankTable, TASK_METHODS, type RankInput } from "../../ranking/index.ts";
import { createServices } from "../../service/index.ts";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";
import { seedGlue } from "../helpers/glue.ts";


const LB = "/api/v1/benchmarks/toy/leaderboard";

/**
 * Hand-checked toy benchmark (n = 3):
 *          acc (higher, w1)  latency (lower, w2)  f1 (higher, w1)
 *   a      200               10                   80
 *   b      85                5                    85
 *   c      80                20                   -
 * mean: a (200-20+80)/4 = 65, b (85-10+85)/4 = 40, c (80-40)/3 = 13.33  -> a, b, c
 * borda: acc a2 b1 c0; latency x2: b4 a2 c0; f1 (m=2, k=1): b 1+2/3, a 1/3, c (n-1)/2 = 1
 *        -> a 13/3, b 20/3, c 1  -> b, a, c
 * copeland: M(b,a) = 3 > M(a,b) = 1; a and b beat c 3:0 -> b 2, a 1, c 0; kemeny b, a, c
 */
async function seedToy(api: TestApi) {
  const created = await api.call("POST", "/api/v1/benchmarks", {
    body: {
      slug: "toy",
      name: "Toy",
      tasks: [
        { slug: "acc", name: "Accuracy", metric: "acc" },
        { slug: "latency", higherIsBetter: false, weight: 2, group: "cost" },
        { slug: "f1" },
      ],
    },
  });
  expect(created.status).toBe(201);
  const sub = await api.call("POST", "/api/v1/benchmarks/toy/submissions", {
    body: {
      submissions: [
        { system: { slug: "a", name: "System A", url: "https://example.org/a" }, scores: { acc: 200, latency: 10, f1: 80 } },
        { system: { slug: "b", name: "System B" }, scores: { acc: 85, latency: 5, f1: 85 } },
        { system: { slug: "c", name: "System C" }, scores: { acc: 80, latency: 20 } },
      ],
    },
  });
  expect(sub.status).toBe(201);
}

const TOY_INPUT: RankInput = {
  tasks: [{ slug: "acc" }, { slug: "latency", higherIsBetter: false, weight: 2 }, { slug: "f1" }],
  systems: [
    { slug: "a", scores: { acc: 200, latency: 10, f1: 80 } },
    { slug: "b", scores: { acc: 85, latency: 5, f1: 85 } },
    { slug: "c", scores: { acc: 80, latency: 20 } },
  ],
};

const ranksOf = (body: { systems: { slug: string; results: Record<string, { rank: number }> }[] }, method: string) =>
  Object.fromEntries(body.systems.map((s) => [s.slug, s.results[method].rank]));

describe.each(backends())("leaderboard on %s", (kind) => {
  const api = useTestApi(kind);

  describe("happy", () => {
    it("ranks a hand-checked benchmark (lower-is-better task, weight, missing score)", async () => {
      await seedToy(api);
      const res = await api.call("GET", `${LB}?methods=mean,borda,copeland,kemeny,mean`, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = res.body;
      expect(body.benchmark).toEqual({ slug: "toy", name: "Toy", revision: 1 });
      expect(body.methods).toEqual(["mean", "borda", "copeland", "kemeny"]);
      expect(body.tasks).toEqual([
        { slug: "acc", name: "Accuracy", metric: "acc", higherIsBetter: true, weight: 1, group: null },
        { slug: "latency", name: "latency", metric: null, higherIsBetter: false, weight: 2, group: "cost" },
        { slug: "f1", name: "f1", metric: null, higherIsBetter: true, weight: 1, group: null },
      ]);
      // rows in the first method's order
      expect(body.systems.map((s: { slug: string }) => s.slug)).toEqual(["a", "b", "c"]);
      const [a, b, c] = body.systems;
      expect(a).toMatchObject({ name: "System A", url: "https://example.org/a", coverage: 3, scores: { acc: 200, latency: 10, f1: 80 } });
      expect(a.submissionId).toEqual(expect.any(Number));
      expect(a.submittedAt).toEqual(expect.any(String));
      expect(c).toMatchObject({ name: "System C", url: null, coverage: 2, scores: { acc: 80, latency: 20 } });
      expect(c.scores).not.toHaveProperty("f1");

      expect(a.results.mean.score).toBeCloseTo(65, 12);
      expect(b.results.mean.score).toBeCloseTo(40, 12);
      expect(c.results.mean.score).toBeCloseTo(40 / 3, 12);
      expect(ranksOf(body, "mean")).toEqual({ a: 1, b: 2, c: 3 });

      expect(a.results.borda.score).toBeCloseTo(13 / 3, 12);
      expect(b.results.borda.score).toBeCloseTo(20 / 3, 12);
      expect(c.results.borda.score).toBeCloseTo(1, 12);
      expect(ranksOf(body, "borda")).toEqual({ a: 2, b: 1, c: 3 });

      expect([a.results.copeland.score, b.results.copeland.score, c.results.copeland.score]).toEqual([1, 2, 0]);
      expect(ranksOf(body, "kemeny")).toEqual({ a: 2, b: 1, c: 3 });
      expect(body.kemeny).toMatchObject({ order: ["b", "a", "c"], exact: true, agreement: 3 + 3 + 3 });
      expect(body.agreement.kendallTau.mean.borda).toBeCloseTo(1 / 3, 12);
      expect(body.agreement.kendallTau.borda.kemeny).toBe(1);
      expect(body.agreement.condorcetWinner).toBe("b");
    });

    it("defaults to every task-level method and matches rankTable on the same table", async () => {
      await seedToy(api);
      const res = await api.call("GET", LB, { token: null });
      expect(res.status).toBe(200);
      expect(res.body.methods).toEqual([...TASK_METHODS]);
      const expected = rankTable(TOY_INPUT);
      expect(res.body.systems.map((s: { slug: string; coverage: number; results: unknown }) => ({ slug: s.slug, coverage: s.coverage, results: s.results }))).toEqual(expected.systems);
      expect(res.body.kemeny).toEqual(expected.kemeny);
      expect(res.body.agreement).toEqual(expected.agreement);
    });

    it("an empty benchmark is an empty leaderboard, not an error", async () => {
      await api.createBenchmark("toy", ["x", "y"]);
      const res = await api.call("GET", LB, { token: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ benchmark: { slug: "toy", revision: 0 }, systems: [], kemeny: { order: [], exact: true } });
      expect(res.body.agreement.kendallTau.mean.borda).toBeNull();
      const csv = await api.call("GET", `${LB}?format=csv&methods=mean`, { token: null });
      expect(csv.status).toBe(200);
      expect(csv.body).toBe("system,name,coverage,mean_rank,mean_score,x,y\r\n");
    });

    it("sends a strong ETag and answers If-None-Match with 304 without recomputing", async () => {
      await seedToy(api);
      const first = await api.call("GET", `${LB}?methods=borda`, { token: null });
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^"lb-\d+-1-[0-9a-f]{8}"$/);
      expect(first.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
      const computed = api.services.leaderboards.stats.computed;

      for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const res = await api.call("GET", `${LB}?methods=borda`, { token: null, headers: { "if-none-match": inm } });
        expect(res.status, inm).toBe(304);
        expect(res.body).toBeUndefined();
        expect(res.headers.get("etag")).toBe(etag);
      }
      const miss = await api.call("GET", `${LB}?methods=borda`, { token: null, headers: { "if-none-match": '"lb-0-0-00000000"' } });
      expect(miss.status).toBe(200);
      expect(miss.headers.get("etag")).toBe(etag);
      // a hot leaderboard is served from the cache
      expect(api.services.leaderboards.stats.computed).toBe(computed);

      // the representation is part of the validator: other query, other format, other ETag
      const others = await Promise.all([`${LB}?methods=mean`, `${LB}?methods=borda&format=csv`, `${LB}?methods=borda,mean`].map((p) => api.call("GET", p, { token: null })));
      const tags = new Set([etag, ...others.map((r) => r.headers.get("etag"))]);
      expect(tags.size).toBe(4);
      // equivalent queries normalize to the same ETag
      const same = await api.call("GET", `${LB}?methods=borda,borda&level=task&format=json`, { token: null });
      expect(same.headers.get("etag")).toBe(etag);
      expect(await api.services.leaderboards.etag("toy", { methods: ["borda"] }, "json")).toBe(etag);
    });

    it("a new submission changes the ETag and shows up (cache invalidation by revision)", async () => {
      await seedToy(api);
      const before = await api.call("GET", `${LB}?methods=mean`, { token: null });
      const etag = before.headers.get("etag")!;
      expect(ranksOf(before.body, "mean")).toEqual({ a: 1, b: 2, c: 3 });

      const sub = await api.call("POST", "/api/v1/benchmarks/toy/submissions", { body: { system: { slug: "c" }, scores: { acc: 1000, latency: 1, f1: 99 } } });
      expect(sub.status).toBe(201);

      const after = await api.call("GET", `${LB}?methods=mean`, { token: null, headers: { "if-none-match": etag } });
      expect(after.status).toBe(200);
      expect(after.headers.get("etag")).not.toBe(etag);
      expect(after.body.benchmark.revision).toBe(2);
      expect(ranksOf(after.body, "mean")).toEqual({ c: 1, a: 2, b: 3 });
      expect(after.body.systems[0]).toMatchObject({ slug: "c", coverage: 3, scores: { acc: 1000, latency: 1, f1: 99 } });
    });

    it("a second process over the same database sees submissions made through the first", async () => {
      await seedToy(api);
      const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN });
      const other = createApp({ services: createServices(api.services.database, { adminToken: config.adminToken }), config });
      const get = async (headers: Record<string, string> = {}) => {
        const res = await other.request(`${LB}?methods=mean`, { headers });
        return { status: res.status, etag: res.headers.get("etag")!, body: (res.status === 200 ? await res.json() : undefined) as any };
      };
      const first = await get();
      expect(ranksOf(first.body, "mean")).toEqual({ a: 1, b: 2, c: 3 });
      expect((await get({ "if-none-match": first.etag })).status).toBe(304);

      // write through the first instance; the second one's cache must not hide it
      await api.call("POST", "/api/v1/benchmarks/toy/submissions", { body: { system: { slug: "d", name: "D" }, scores: { acc: 5000 } } });
      const after = await get({ "if-none-match": first.etag });
      expect(after.status).toBe(200);
      expect(after.body.benchmark.revision).toBe(2);
      expect(after.body.systems[0].slug).toBe("d");
      expect(after.etag).toBe((await api.call("GET", `${LB}?methods=mean`, { token: null })).headers.get("etag"));
    });

    it("?format=csv is the same table (parses back with the same ranks), formula-safe names", async () => {
      await seedToy(api);
      await api.call("POST", "/api/v1/benchmarks/toy/submissions", {
        body: { system: { slug: "evil", name: '=HYPERLINK("http://x","a, b")' }, scores: { acc: -1, latency: 100, f1: 0.5 } },
      });
      const json = await api.call("GET", `${LB}?methods=borda,mean,kemeny`, { token: null });
      const res = await api.call("GET", `${LB}?methods=borda,mean,kemeny&format=csv`, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe('inline; filename="toy-leaderboard.csv"');
      expect(res.headers.get("etag")).not.toBe(json.headers.get("etag"));
      const [header, ...rows] = parseCsvRows(res.body);
      expect(header).toEqual(["system", "name", "coverage", "borda_rank", "borda_score", "mean_rank", "mean_score", "kemeny_rank", "acc", "latency", "f1"]);
      expect(rows.map((r) => r[0])).toEqual(json.body.systems.map((s: { slug: string }) => s.slug));
      rows.forEach((row, i) => {
        const s = json.body.systems[i];
        const cell = (col: string) => row[header.indexOf(col)];
        expect(Number(cell("coverage"))).toBe(s.coverage);
        for (const m of ["borda", "mean", "kemeny"]) expect(Number(cell(`${m}_rank`))).toBe(s.results[m].rank);
        expect(Number(cell("borda_score"))).toBe(s.results.borda.score);
        for (const t of ["acc", "latency", "f1"]) expect(cell(t)).toBe(t in s.scores ? String(s.scores[t]) : "");
      });
      const evil = rows.find((r) => r[0] === "evil")!;
      expect(evil[1]).toBe(`'=HYPERLINK("http://x","a, b")`);
      expect(evil[header.indexOf("acc")]).toBe("-1"); // numbers are never prefixed
    });

    it("is a public read", async () => {
      await seedToy(api);
      expect((await api.call("GET", LB, { token: null })).status).toBe(200);
      expect((await api.call("GET", LB, { token: "pod_not-a-real-token" })).status).toBe(200);
    });

    it("GLUE over REST: every method equals rankTable, kemeny exact", async () => {
      const { taskSlugs, systems } = await seedGlue(api);
      const res = await api.call("GET", "/api/v1/benchmarks/glue/leaderboard", { token: null });
      expect(res.status).toBe(200);
      // the database orders systems by slug; the direct ranking gets the same order
      const bySlug = [...systems].sort((x, y) => (x.slug < y.slug ? -1 : x.slug > y.slug ? 1 : 0));
      const expected = rankTable({ tasks: taskSlugs.map((slug) => ({ slug })), systems: bySlug.map((s) => ({ slug: s.slug, scores: s.scores })) });
      expect(res.body.systems).toHaveLength(systems.length);
      for (const method of TASK_METHODS) expect(ranksOf(res.body, method), method).toEqual(ranksOf(expected, method));
      expect(res.body.kemeny.exact).toBe(true);
      expect(res.body.kemeny.order).toEqual(expected.kemeny!.order);
      expect(res.body.agreement).toEqual(expected.agreement);
    });
  });

  describe("errors", () => {
    it(`beyond ${MAX_PAIRWISE_SYSTEMS} systems: the default methods leave out the pairwise ones; naming one is a 400`, async () => {
      const n = MAX_PAIRWISE_SYSTEMS + 1;
      await api.createBenchmark("huge", ["x", "y"]);
      const submissions = Array.from({ length: n }, (_, s) => ({ system: { slug: `s${s}` }, scores: { x: (s * 37) % 101, y: (s * 53) % 89 } }));
      expect((await api.call("POST", "/api/v1/benchmarks/huge/submissions", { body: { submissions } })).status).toBe(201);
      const lb = await api.call("GET", "/api/v1/benchmarks/huge/leaderboard", { token: null });
      expect(lb.status).toBe(200);
      expect(lb.body.systems).toHaveLength(n);
      expect(lb.body.methods).toEqual(TASK_METHODS.filter((m) => !(PAIRWISE_METHODS as readonly string[]).includes(m)));
      expect(lb.body.kemeny).toBeUndefined();
      const named = await api.call("GET", "/api/v1/benchmarks/huge/leaderboard?methods=mean,copeland", { token: null });
      expect(named.status).toBe(400);
      expect(named.body.error.details[0]).toMatchObject({ field: "methods", message: expect.stringContaining(`at most ${MAX_PAIRWISE_SYSTEMS}`) });
      // a benchmark within the limit still gets every method by default
      await seedToy(api);
      expect((await api.call("GET", LB, { token: null })).body.methods).toEqual([...TASK_METHODS]);
    });

    it("unknown benchmark: 404 envelope", async () => {
      const res = await api.call("GET", "/api/v1/benchmarks/nope/leaderboard", { token: null });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: "not_found", message: 'benchmark "nope" not found' } });
    });

    it("bad methods: 400 naming the field", async () => {
      await seedToy(api);
      const res = await api.call("GET", `${LB}?methods=mean,bogus`, { token: null });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details).toEqual([{ field: "methods[1]", message: expect.stringContaining('unknown method "bogus"') }]);
      const empty = await api.call("GET", `${LB}?methods=`, { token: null });
      expect(empty.status).toBe(400);
      expect(empty.body.error.details[0].field).toMatch(/^methods/);
    });

    it.each([
      ["level=everything", "level"],
      ["kemenyBudgetMs=-1", "kemenyBudgetMs"],
      ["kemenyBudgetMs=60001", "kemenyBudgetMs"],
      ["kemenyBudgetMs=1.5", "kemenyBudgetMs"],
      ["kemenyBudgetMs=soon", "kemenyBudgetMs"],
      // decimal digits only: z.coerce alone took "" as 0 and "0x10" / "1e3" as numbers
      ["kemenyBudgetMs=", "kemenyBudgetMs"],
      ["kemenyBudgetMs=0x10", "kemenyBudgetMs"],
      ["kemenyBudgetMs=1e3", "kemenyBudgetMs"],
      ["kemenyBudgetMs=%2010", "kemenyBudgetMs"],
      ["samples=", "samples"],
      ["samples=0x10", "samples"],
      ["seed=1e3", "seed"],
      ["format=xml", "format"],
    ])("%s: 400 naming %s", async (qs, field) => {
      await seedToy(api);
      const res = await api.call("GET", `${LB}?${qs}`, { token: null });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    });

    it("level=instance without instance-level scores: 400 with a clear message", async () => {
      await seedToy(api);
      const res = await api.call("GET", `${LB}?level=instance`, { token: null });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.message).toMatch(/no instance-level scores/);
      expect(res.body.error.details).toEqual([{ field: "level", message: expect.any(String) }]);
    });

    it("a bad slug is a 400", async () => {
      const res = await api.call("GET", "/api/v1/benchmarks/NOPE!/leaderboard", { token: null });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe("slug");
    });
  });
});
