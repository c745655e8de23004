import { describe, expect, it } from "vitest";
import { backends } from "../helpers/database.ts";
import { useTestApi } from "../helpers/app.ts";

describe.each(backends())("API happy paths on %s", (kind) => {
  const api = useTestApi(kind);

  it("answers /healthz", async () => {
    const res = await api.call("GET", "/healthz", { token: null });
    expect(res).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("creates, lists and shows a benchmark", async () => {
    const res = await api.call("POST", "/api/v1/benchmarks", {
      body: {
        slug: "glue",
        name: "GLUE <b>",
        description: "General Language Understanding",
        tasks: [{ slug: "cola", name: "CoLA", metric: "mcc", group: "single" }, { slug: "sst2", higherIsBetter: false, weight: 2 }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: "glue",
      name: "GLUE <b>",
      revision: 0,
      tasks: [
        { slug: "cola", name: "CoLA", metric: "mcc", higherIsBetter: true, weight: 1, group: "single" },
        { slug: "sst2", name: "sst2", metric: null, higherIsBetter: false, weight: 2, group: null },
      ],
    });
    const list = await api.call("GET", "/api/v1/benchmarks", { token: null });
    expect(list.status).toBe(200);
    expect(list.body.benchmarks).toEqual([expect.objectContaining({ slug: "glue", name: "GLUE <b>", revision: 0, taskCount: 2, systemCount: 0 })]);
    const one = await api.call("GET", "/api/v1/benchmarks/glue", { token: null });
    expect(one.status).toBe(200);
    expect(one.body.tasks).toHaveLength(2);
  });

  it("submits with a benchmark token, bumps the revision, keeps history newest first", async () => {
    await api.createBenchmark("glue");
    const token = await api.createToken("glue");
    expect(token).toMatch(/^pod_[A-Za-z0-9_-]{43}$/);

    const first = await api.call("POST", "/api/v1/benchmarks/glue/submissions", {
      token,
      body: { system: { slug: "bert", name: "BERT", url: "https://example.org/bert", metadata: { params: 110 } }, scores: { cola: 60.5, sst2: 93.2 } },
    });
    expect(first.status).toBe(201);
    expect(first.body.submissions).toEqual([{ id: expect.any(Number), system: { slug: "bert", name: "BERT" }, createdAt: expect.any(String) }]);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(1);

    const second = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body: { system: { slug: "bert" }, scores: { cola: 62 } } });
    expect(second.status).toBe(201);
    expect(second.body.submissions[0].system.name).toBe("BERT");
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(2);

    const history = await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/submissions", { token: null });
    expect(history.status).toBe(200);
    expect(history.body.submissions.map((s: { id: number }) => s.id)).toEqual([second.body.submissions[0].id, first.body.submissions[0].id]);
    expect(history.body.submissions[0].scores).toEqual({ cola: 62 });
    expect(history.body.submissions[1].scores).toEqual({ cola: 60.5, sst2: 93.2 });
  });

  it("accepts a bulk submission as one revision", async () => {
    await api.createBenchmark("glue");
    const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", {
      body: {
        submissions: [
          { system: { slug: "bert" }, scores: { cola: 1, sst2: 2 } },
          { system: { slug: "roberta", name: "RoBERTa" }, scores: { mnli: 3 } },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.submissions.map((s: { system: { slug: string } }) => s.system.slug)).toEqual(["bert", "roberta"]);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(1);
    const current = await api.services.scores.loadCurrentScores((await api.services.scores.getBenchmarkBySlug("glue"))!.id);
    expect(current!.systems.map((s) => [s.slug, s.scores])).toEqual([
      ["bert", { cola: 1, sst2: 2 }],
      ["roberta", { mnli: 3 }],
    ]);
  });

  it("serializes concurrent submissions: one revision each, all kept", async () => {
    await api.createBenchmark("glue");
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: `s${i % 3}` }, scores: { cola: i } } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(12);
    const history = await api.call("GET", "/api/v1/benchmarks/glue/systems/s0/submissions");
    expect(history.body.submissions).toHaveLength(4);
  });

  it("ranks a table statelessly", async () => {
    const res = await api.call("POST", "/api/v1/rank", {
      token: null,
      body: {
        tasks: [{ slug: "cola", higherIsBetter: true, weight: 1 }],
        systems: [{ slug: "bert", scores: { cola: 60.5 } }, { slug: "roberta", scores: { cola: 63.6 } }],
        methods: ["mean", "borda", "copeland", "kemeny"],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.methods).toEqual(["mean", "borda", "copeland", "kemeny"]);
    expect(res.body.systems[0]).toMatchObject({ slug: "roberta", coverage: 1, results: { mean: { score: 63.6, rank: 1 }, kemeny: { rank: 1 } } });
    expect(res.body.kemeny).toMatchObject({ order: ["roberta", "bert"], exact: true });
  });

  it("ranks huge finite scores (±1e308) without overflowing the mean family", async () => {
    const res = await api.call("POST", "/api/v1/rank", {
      token: null,
      body: {
        systems: [
          { slug: "a", scores: { x: 1e308, y: 1e308 } },
          { slug: "b", scores: { x: -1e308, y: -1e308 } },
          { slug: "c", scores: { x: 1e307, y: 0 } },
        ],
        methods: ["mean", "mean-minmax", "mean-zscore"],
      },
    });
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.systems.map((s: any) => [s.slug, s.results]));
    expect(res.body.systems.map((s: any) => s.slug)).toEqual(["a", "c", "b"]);
    expect(by.a.mean).toEqual({ score: 1e308, rank: 1 });
    expect(by.b.mean).toEqual({ score: -1e308, rank: 3 });
    expect(by.c.mean).toEqual({ score: 5e306, rank: 2 });
    // minmax: x range 2e308 (overflows as hi - lo); c = (1.1e308 / 2e308 + 1e308 / 2e308) / 2
    expect(by.a["mean-minmax"]).toEqual({ score: 1, rank: 1 });
    expect(by.b["mean-minmax"]).toEqual({ score: 0, rank: 3 });
    expect(by.c["mean-minmax"].score).toBeCloseTo(0.525, 12);
    // zscore is scale-free: x = 1e307 * (10, -10, 1), y = 1e308 * (1, -1, 0)
    const z = (vals: number[], i: number) => {
      const mu = vals.reduce((a, b) => a + b) / vals.length;
      return (vals[i] - mu) / Math.sqrt(vals.reduce((a, v) => a + (v - mu) ** 2, 0) / vals.length);
    };
    expect(by.a["mean-zscore"].score).toBeCloseTo((z([10, -10, 1], 0) + z([1, -1, 0], 0)) / 2, 9);
    expect(by.b["mean-zscore"].rank).toBe(3);
    expect(by.c["mean-zscore"].score).toBeCloseTo((z([10, -10, 1], 2) + z([1, -1, 0], 2)) / 2, 9);
  });

  it("serves an OpenAPI 3.1 document", async () => {
    const res = await api.call("GET", "/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(["/healthz", "/api/v1/rank", "/api/v1/benchmarks", "/api/v1/benchmarks/{slug}/submissions"]),
    );
  });
});
