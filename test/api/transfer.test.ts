/**
 * Export and restore (API.md "Export and restore"): a benchmark (or all) exported as NDJSON and
 * restored into an empty server gives identical leaderboards (both levels, with ETags) and
 * histories; all or nothing; 409 when a slug exists; admin only.
 */
import { describe, expect, it } from "vitest";
import { backends } from "../helpers/database.ts";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";

async function populate(api: TestApi) {
  await api.createBenchmark("glue");
  await api.createBenchmark("other", ["x", "y"]);
  const r = await api.call("POST", "/api/v1/benchmarks/glue/submissions", {
    body: {
      submissions: [
        { system: { slug: "bert", name: "BERT", url: "https://example.org/bert", metadata: { params: "110M" } }, scores: { cola: 60, sst2: 90 }, metadata: { run: 1 } },
        { system: { slug: "roberta" }, scores: { cola: 63, sst2: 94, mnli: 87 } },
        { system: { slug: "spam" }, scores: { cola: 99, sst2: 99, mnli: 99 } },
        { system: { slug: "bert" }, scores: { cola: 61, mnli: 80 } },
      ],
    },
  });
  expect(r.status).toBe(201);
  await api.call("DELETE", `/api/v1/benchmarks/glue/submissions/${r.body.submissions[3].id}`, { body: { reason: "bad run" } });
  await api.call("PATCH", "/api/v1/benchmarks/glue/systems/spam", { body: { hidden: true, reason: "spam" } });
  await api.call("PATCH", "/api/v1/benchmarks/glue", { body: { tasks: [{ slug: "cola", higherIsBetter: false, group: "g" }] } });
  for (const [system, body] of [
    ["bert", "task,instance,score\ncola,a,0.5\ncola,b,0.7\nsst2,a,1\n"],
    ["roberta", "task,instance,score\ncola,a,0.6\ncola,b,0.2\nsst2,a,0\n"],
  ]) {
    const res = await api.app.request(`/api/v1/benchmarks/glue/systems/${system}/instances`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv" },
      body,
    });
    expect(res.status).toBe(201);
  }
  await api.call("POST", "/api/v1/benchmarks/other/submissions", { body: { system: { slug: "a" }, scores: { x: 1, y: 2 } } });
}

/** Everything the restore must reproduce. */
async function observe(api: TestApi, slug = "glue") {
  const get = async (path: string) => {
    const res = await api.call("GET", path);
    return { status: res.status, etag: res.headers.get("etag"), body: res.body };
  };
  return {
    benchmark: await get(`/api/v1/benchmarks/${slug}`),
    task: await get(`/api/v1/benchmarks/${slug}/leaderboard`),
    csv: await get(`/api/v1/benchmarks/${slug}/leaderboard?format=csv`),
    instance: await get(`/api/v1/benchmarks/${slug}/leaderboard?level=instance`),
    histories: await Promise.all(["bert", "roberta", "spam", "a"].map((s) => get(`/api/v1/benchmarks/${slug}/systems/${s}/submissions`))),
    badge: await get(`/api/v1/benchmarks/${slug}/systems/roberta/badge.json`),
    audit: await get(`/api/v1/benchmarks/${slug}/audit`),
  };
}

const importBody = (api: TestApi, body: string | Uint8Array, token = ADMIN_TOKEN, type = "application/x-ndjson") =>
  api.app.request("/api/v1/import", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });

describe.each(backends())("export and restore on %s", (kind) => {
  const source = useTestApi(kind);
  const target = useTestApi(kind);

  it("an export restored into an empty server gives identical leaderboards, histories and ETags", async () => {
    await populate(source);
    const exported = await source.app.request("/api/v1/export", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const text = await exported.text();
    const types = text.trim().split("\n").map((l) => JSON.parse(l).type);
    expect(types[0]).toBe("podium");
    expect(new Set(types)).toEqual(new Set(["podium", "benchmark", "task", "system", "submission", "instanceUpload", "instanceScores", "audit"]));

    const res = await importBody(target, text);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ benchmarks: ["glue", "other"] });
    for (const slug of ["glue", "other"]) expect(await observe(target, slug)).toEqual(await observe(source, slug));
    const lb = (await observe(target)).task.body;
    expect(lb.systems.map((s: { slug: string }) => s.slug).sort()).toEqual(["bert", "roberta"]); // spam stays hidden
    expect(lb.systems.find((s: { slug: string }) => s.slug === "bert").metadata).toEqual({ params: "110M" });

    // the restored server keeps working: new submissions get fresh ids
    const more = await target.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "bert" }, scores: { cola: 1 } } });
    expect(more.status).toBe(201);
    expect(more.body.submissions[0].id).toBeGreaterThan(Math.max(...lb.systems.map((s: { submissionId: number }) => s.submissionId)));
    // and a second restore of the same export is a 409 that changes nothing
    const again = await importBody(target, text);
    expect(again.status).toBe(409);
  });

  it("a single benchmark's export restores next to other data (new ids when taken), same leaderboard rankings", async () => {
    await populate(source);
    const text = await (await source.app.request("/api/v1/benchmarks/glue/export", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(text).not.toContain('"benchmark":"other"');
    await target.createBenchmark("zzz");
    await target.call("POST", "/api/v1/benchmarks/zzz/submissions", { body: { submissions: Array.from({ length: 6 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { cola: i } })) } });
    // rename the benchmark in the export: a restore under another slug
    const renamed = text.replaceAll('"slug":"glue"', '"slug":"glue2"').replaceAll('"benchmark":"glue"', '"benchmark":"glue2"');
    expect((await importBody(target, renamed)).status).toBe(201);
    const a = (await source.call("GET", "/api/v1/benchmarks/glue/leaderboard")).body;
    const b = (await target.call("GET", "/api/v1/benchmarks/glue2/leaderboard")).body;
    const strip = (lb: any) => lb.systems.map(({ submissionId: _id, ...rest }: any) => rest);
    expect(strip(b)).toEqual(strip(a));
    expect(b.benchmark.revision).toBe(a.benchmark.revision);
  });

  it("all or nothing: a bad line anywhere restores nothing and names the line", async () => {
    await populate(source);
    const text = await (await source.app.request("/api/v1/export", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const lines = text.trim().split("\n");
    const broken = [...lines.slice(0, -1), '{"type":"submission","benchmark":"other","id":999,"system":"nobody","createdAt":"2026-01-01T00:00:00Z","metadata":null,"retractedAt":null,"reason":null,"scores":{"x":1}}'];
    const res = await importBody(target, broken.join("\n"));
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.details[0].field).toBe(`line ${broken.length}`);
    expect((await target.call("GET", "/api/v1/benchmarks")).body.benchmarks).toEqual([]);
    // an instance row the upload service refuses (duplicate instance) rolls back everything too
    const dup = lines.map((l) => {
      const r = JSON.parse(l);
      if (r.type === "instanceScores") return JSON.stringify({ ...r, instances: r.instances.map(() => "same") });
      return l;
    });
    expect((await importBody(target, dup.join("\n"))).status).toBe(400);
    expect((await target.call("GET", "/api/v1/benchmarks")).body.benchmarks).toEqual([]);
    for (const junk of ["", "not json", '{"type":"benchmark"}', '{"type":"podium","version":2}', "[1,2]"])
      expect((await importBody(target, junk)).status, junk).toBe(400);
    expect((await importBody(target, text, ADMIN_TOKEN, "application/json")).status).toBe(415);
    expect((await target.call("GET", "/api/v1/benchmarks")).body.benchmarks).toEqual([]);
  });

  it("admin only: benchmark tokens get 403 on export and import", async () => {
    await populate(source);
    const token = await source.createToken("glue");
    expect((await source.call("GET", "/api/v1/benchmarks/glue/export", { token })).status).toBe(403);
    expect((await source.call("GET", "/api/v1/export", { token })).status).toBe(403);
    expect((await source.call("GET", "/api/v1/export", { token: null })).status).toBe(401);
    expect((await importBody(source, '{"type":"podium","version":1}\n', token)).status).toBe(403);
    expect((await source.call("GET", "/api/v1/benchmarks/nope/export")).status).toBe(404);
  });
});
