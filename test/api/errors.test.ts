import { describe, expect, it } from "vitest";
import { backends } from "../helpers/database.ts";
import { useTestApi } from "../helpers/app.ts";

function expectEnvelope(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), ...(res.body?.error?.details !== undefined ? { details: res.body.error.details } : {}) } });
}

const fields = (res: { body: any }) => (res.body.error.details as { field: string }[]).map((d) => d.field);

describe.each(backends())("API errors on %s", (kind) => {
  const api = useTestApi(kind, { bodyLimitBytes: 64 * 1024 });
  const submit = (body: unknown, slug = "glue") => api.call("POST", `/api/v1/benchmarks/${slug}/submissions`, { body });

  it("409 for a taken benchmark slug", async () => {
    await api.createBenchmark("glue");
    const res = await api.call("POST", "/api/v1/benchmarks", { body: { slug: "glue", name: "Again", tasks: [{ slug: "a" }] } });
    expectEnvelope(res, 409, "conflict");
  });

  it("400 naming the fields for bad slugs, names, duplicate tasks", async () => {
    let res = await api.call("POST", "/api/v1/benchmarks", { body: { slug: "Bad Slug", name: "", tasks: [{ slug: "-x" }] } });
    expectEnvelope(res, 400, "invalid_request");
    expect(fields(res)).toEqual(expect.arrayContaining(["slug", "name", "tasks[0].slug"]));
    res = await api.call("POST", "/api/v1/benchmarks", { body: { slug: "ok", name: "x".repeat(201), tasks: [] } });
    expect(fields(res)).toEqual(expect.arrayContaining(["name", "tasks"]));
    res = await api.call("POST", "/api/v1/benchmarks", { body: { slug: "ok", name: "Ok", tasks: [{ slug: "a" }, { slug: "a" }] } });
    expectEnvelope(res, 400, "invalid_request");
    expect(fields(res)).toEqual(["tasks[1].slug"]);
    res = await api.call("POST", "/api/v1/benchmarks", { body: { slug: "ok", name: "Ok", tasks: [{ slug: "a", weight: 0 }] } });
    expect(fields(res)).toEqual(["tasks[0].weight"]);
    expect((await api.call("GET", "/api/v1/benchmarks")).body.benchmarks).toEqual([]);
  });

  it("400 for malformed JSON, 415 for a wrong content type, 413 for a large body", async () => {
    await api.createBenchmark("glue");
    expectEnvelope(await submit("{not json"), 400, "invalid_request");
    expectEnvelope(await api.call("POST", "/api/v1/benchmarks", { body: "{}", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
    expectEnvelope(await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type");
    const big = { system: { slug: "bert" }, scores: { cola: 1 }, metadata: { pad: "x".repeat(70 * 1024) } };
    expectEnvelope(await submit(big), 413, "payload_too_large");
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(0);
  });

  it("400 for unknown tasks, non-numeric, non-finite and missing scores", async () => {
    await api.createBenchmark("glue");
    let res = await submit({ system: { slug: "bert" }, scores: { nope: 1 } });
    expectEnvelope(res, 400, "invalid_request");
    expect(fields(res)).toEqual(["scores.nope"]);
    res = await submit({ system: { slug: "bert" }, scores: { cola: "60.5" } });
    expect(fields(res)).toEqual(["scores.cola"]);
    res = await submit('{"system": {"slug": "bert"}, "scores": {"cola": 1e999}}');
    expectEnvelope(res, 400, "invalid_request");
    expect(fields(res)).toEqual(["scores.cola"]);
    res = await submit({ system: { slug: "bert" }, scores: { cola: null } });
    expect(fields(res)).toEqual(["scores.cola"]);
    res = await submit({ system: { slug: "bert" }, scores: {} });
    expect(fields(res)).toEqual(["scores"]);
    res = await submit({ system: { slug: "Bad Slug!" }, scores: { cola: 1 } });
    expect(fields(res)).toEqual(["system.slug"]);
    res = await submit({ system: { slug: "bert", name: "" }, scores: { cola: 1 } });
    expect(fields(res)).toEqual(["system.name"]);
    expectEnvelope(await submit([1, 2]), 400, "invalid_request");
    expectEnvelope(await submit({}), 400, "invalid_request");
    expectEnvelope(await submit({ submissions: [] }), 400, "invalid_request");
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(0);
  });

  it("a single submission with a wrong-typed system or scores names that field, not a missing `submissions`", async () => {
    await api.createBenchmark("glue");
    let res = await submit({ system: "bert", scores: { cola: 1 } });
    expectEnvelope(res, 400, "invalid_request");
    expect(fields(res)).toEqual(["system"]);
    res = await submit({ system: { slug: "bert" }, scores: [1] });
    expect(fields(res)).toEqual(["scores"]);
    res = await submit({ system: "bert", scores: "x" });
    expect(fields(res)).toEqual(["system", "scores"]);
    res = await submit({ submissions: "x" });
    expect(fields(res)).toEqual(["submissions"]);
    res = await submit({ submissions: [{ system: { slug: "bert" }, scores: { cola: "1" } }] });
    expect(fields(res)).toEqual(["submissions[0].scores.cola"]);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(0);
  });

  it("a bulk submission with one bad entry stores nothing", async () => {
    await api.createBenchmark("glue");
    for (const bad of [{ nope: 1 }, { cola: "x" }]) {
      const res = await submit({
        submissions: [
          { system: { slug: "bert" }, scores: { cola: 1 } },
          { system: { slug: "roberta" }, scores: bad },
        ],
      });
      expectEnvelope(res, 400, "invalid_request");
      expect(fields(res)[0]).toMatch(/^submissions\[1\]\.scores\./);
    }
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(0);
    expectEnvelope(await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/submissions"), 404, "not_found");
  });

  it("400, not 500, for values the database refuses (NUL, lone surrogates)", async () => {
    await api.createBenchmark("glue");
    for (const raw of [
      '{"system":{"slug":"bert","name":"a\\u0000b"},"scores":{"cola":1}}',
      '{"system":{"slug":"bert","metadata":{"k":"a\\u0000b"}},"scores":{"cola":1}}',
      '{"system":{"slug":"bert","name":"\\ud800"},"scores":{"cola":1}}',
    ])
      expectEnvelope(await submit(raw), 400, "invalid_request");
    const res = await api.call("POST", "/api/v1/benchmarks", { body: '{"slug":"x","name":"a\\u0000","tasks":[{"slug":"a"}]}' });
    expectEnvelope(res, 400, "invalid_request");
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(0);
    expect((await submit({ system: { slug: "bert" }, scores: { cola: 1 } })).status).toBe(201);
  });

  it("404 for unknown benchmarks, systems and routes", async () => {
    await api.createBenchmark("glue");
    expectEnvelope(await api.call("GET", "/api/v1/benchmarks/nope"), 404, "not_found");
    expectEnvelope(await submit({ system: { slug: "bert" }, scores: { cola: 1 } }, "nope"), 404, "not_found");
    expectEnvelope(await api.call("POST", "/api/v1/benchmarks/nope/tokens"), 404, "not_found");
    expectEnvelope(await api.call("GET", "/api/v1/benchmarks/glue/systems/nope/submissions"), 404, "not_found");
    expectEnvelope(await api.call("GET", "/api/v1/nothing-here"), 404, "not_found");
    expectEnvelope(await api.call("GET", "/api/v1/benchmarks/Bad%20Slug"), 400, "invalid_request");
  });

  it("400 for bad rank tables, never 5xx", async () => {
    let res = await api.call("POST", "/api/v1/rank", { body: { systems: [{ slug: "a", scores: { x: 1 } }], tasks: [{ slug: "y" }] } });
    expectEnvelope(res, 400, "invalid_request");
    expect(fields(res)).toEqual(["systems[0].scores.x"]);
    res = await api.call("POST", "/api/v1/rank", { body: { systems: [{ slug: "a", scores: { x: 1 } }], methods: ["nope"] } });
    expect(fields(res)).toEqual(["methods[0]"]);
    res = await api.call("POST", "/api/v1/rank", { body: { systems: [] } });
    expect(fields(res)).toEqual(["systems"]);
    res = await api.call("POST", "/api/v1/rank", { body: { systems: [{ slug: "a", scores: { x: 1 } }, { slug: "a", scores: { x: 2 } }] } });
    expectEnvelope(res, 400, "invalid_request");
    res = await api.call("POST", "/api/v1/rank", { body: { systems: [{ slug: "a", scores: { x: 1 } }], kemenyBudgetMs: -1 } });
    expect(fields(res)).toEqual(["kemenyBudgetMs"]);
  });
});
