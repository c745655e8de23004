/**
 * Idempotency-Key (API.md "Idempotency") and concurrent writes: 200 concurrent submissions lose
 * nothing; a replay stores once and answers the same body; concurrent requests with one key
 * store once; another body with the same key is 422.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { query } from "../../db/index.ts";
import { backends } from "../helpers/database.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";

describe.each(backends())("idempotency on %s", (kind) => {
  const api = useTestApi(kind);
  const submit = (body: unknown, key?: string, token?: string) =>
    api.call("POST", "/api/v1/benchmarks/glue/submissions", { body, token, headers: key === undefined ? {} : { "idempotency-key": key } });
  const historyOf = async (system: string) => (await api.call("GET", `/api/v1/benchmarks/glue/systems/${system}/submissions`)).body.submissions ?? [];

  it("200 concurrent submissions lose nothing", async () => {
    await api.createBenchmark("glue");
    const token = await api.createToken("glue");
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => submit({ system: { slug: `s${i % 50}` }, scores: { cola: i, sst2: 200 - i } }, i % 2 ? `k-${i}` : undefined, i % 3 ? token : undefined)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    const ids = new Set(results.map((r) => r.body.submissions[0].id));
    expect(ids.size).toBe(200);
    const lb = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean")).body;
    expect(lb.benchmark.revision).toBe(200);
    expect(lb.systems).toHaveLength(50);
    for (const s of ["s0", "s17", "s49"]) expect(await historyOf(s)).toHaveLength(4);
    // each system shows its last submission (the highest id among its four)
    const bySystem = new Map<string, number>();
    for (const r of results) {
      const { id, system } = r.body.submissions[0];
      bySystem.set(system.slug, Math.max(bySystem.get(system.slug) ?? 0, id));
    }
    for (const row of lb.systems) expect(row.submissionId).toBe(bySystem.get(row.slug));
  });

  it("a replay stores once and answers the same status and body; another body is 422", async () => {
    await api.createBenchmark("glue");
    const body = { system: { slug: "bert" }, scores: { cola: 1 } };
    const first = await submit(body, "retry-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await submit(body, "retry-1");
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toMatch(/application\/json/);
    expect(await historyOf("bert")).toHaveLength(1);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(1);

    const other = await submit({ system: { slug: "bert" }, scores: { cola: 2 } }, "retry-1");
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_mismatch");
    // same body on another path is another request too
    expect((await api.call("POST", "/api/v1/benchmarks", { body, headers: { "idempotency-key": "retry-1" } })).status).toBe(422);
    expect(await historyOf("bert")).toHaveLength(1);
    // a new key stores again
    expect((await submit(body, "retry-2")).status).toBe(201);
    expect(await historyOf("bert")).toHaveLength(2);
  });

  it("keys are per token: another token's same key is a new request", async () => {
    await api.createBenchmark("glue");
    const token = await api.createToken("glue");
    const body = { system: { slug: "bert" }, scores: { cola: 1 } };
    expect((await submit(body, "same")).status).toBe(201);
    const res = await submit(body, "same", token);
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(await historyOf("bert")).toHaveLength(2);
  });

  it("concurrent requests with one key store once and all answer the same body", async () => {
    await api.createBenchmark("glue");
    const body = { system: { slug: "bert" }, scores: { cola: 1, sst2: 2 } };
    const results = await Promise.all(Array.from({ length: 20 }, () => submit(body, "burst")));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    for (const r of results) expect(r.body).toEqual(results[0].body);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    expect(await historyOf("bert")).toHaveLength(1);
  });

  it("rejected requests are not kept as 5xx; 4xx answers replay; bad keys are 400", async () => {
    await api.createBenchmark("glue");
    const bad = { system: { slug: "bert" }, scores: { nope: 1 } };
    const first = await submit(bad, "k400");
    expect(first.status).toBe(400);
    const again = await submit(bad, "k400");
    expect(again.status).toBe(400);
    expect(again.body).toEqual(first.body);
    for (const key of ["", "a b", "é", "x".repeat(201)]) {
      const res = await api.app.request("/api/v1/benchmarks/glue/submissions", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ system: { slug: "bert" }, scores: { cola: 1 } }),
      });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(((await res.json()) as any).error.details[0].field).toBe("Idempotency-Key");
    }
    expect(await historyOf("bert")).toHaveLength(0);
    // POST /api/v1/rank stores nothing: no key is kept (a second call with another body is no mismatch)
    const rank = (x: number) => api.call("POST", "/api/v1/rank", { body: { systems: [{ slug: "a", scores: { t: x } }, { slug: "b", scores: { t: 1 } }] }, headers: { "idempotency-key": "rank" } });
    expect((await rank(0)).status).toBe(200);
    expect((await rank(2)).status).toBe(200);
    // without a valid token the key changes nothing: 401
    expect((await submit({ system: { slug: "bert" }, scores: { cola: 1 } }, "k401", "pod_wrong-token-000000000000")).status).toBe(401);
  });

  it("streamed uploads and token creation replay too", async () => {
    await api.createBenchmark("glue");
    const upload = (body: string, key: string) =>
      api.app.request("/api/v1/benchmarks/glue/systems/bert/instances", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv", "idempotency-key": key },
        body,
      });
    const csv = "task,instance,score\ncola,1,0.5\ncola,2,0.7\n";
    const first = await upload(csv, "up-1");
    expect(first.status).toBe(201);
    const revision = (await api.call("GET", "/api/v1/benchmarks/glue")).body.revision;
    const again = await upload(csv, "up-1");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual({ rows: 2 });
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(revision);
    expect((await upload("task,instance,score\ncola,1,0.9\n", "up-1")).status).toBe(422);

    const t1 = await api.call("POST", "/api/v1/benchmarks/glue/tokens", { headers: { "idempotency-key": "tok" } });
    const t2 = await api.call("POST", "/api/v1/benchmarks/glue/tokens", { headers: { "idempotency-key": "tok" } });
    expect(t2.body).toEqual(t1.body);
    expect((await api.call("GET", "/api/v1/benchmarks/glue/tokens")).body.tokens).toHaveLength(1);
    // the stored answer does not hold the new token's plaintext readably
    const stored = await query<{ body: string }>(api.services.database.db, sql`select body from idempotency_keys`);
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.body).not.toContain(t1.body.token);
    expect(stored.map((r) => r.body).join("")).not.toContain("pod_");
  });
});
