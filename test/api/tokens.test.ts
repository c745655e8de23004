import { describe, expect, it } from "vitest";
import { backends } from "../helpers/database.ts";
import { useTestApi } from "../helpers/app.ts";

describe.each(backends())("benchmark token management on %s", (kind) => {
  const api = useTestApi(kind);
  const body = { system: { slug: "bert" }, scores: { cola: 1 } };
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

  async function newToken(slug: string): Promise<{ id: number; token: string }> {
    const res = await api.call("POST", `/api/v1/benchmarks/${slug}/tokens`);
    expect(res.status).toBe(201);
    return res.body;
  }

  it("lists a benchmark's tokens (ids and dates only) and revokes one", async () => {
    await api.createBenchmark("glue");
    await api.createBenchmark("superglue");
    const a = await newToken("glue");
    const b = await newToken("glue");
    await newToken("superglue");

    let res = await api.call("GET", "/api/v1/benchmarks/glue/tokens");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tokens: [
        { id: a.id, label: null, createdAt: expect.stringMatching(ISO), lastUsedAt: null, revokedAt: null },
        { id: b.id, label: null, createdAt: expect.stringMatching(ISO), lastUsedAt: null, revokedAt: null },
      ],
    });

    res = await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${a.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();

    const list = (await api.call("GET", "/api/v1/benchmarks/glue/tokens")).body.tokens;
    expect(list[0]).toEqual({ id: a.id, label: null, createdAt: expect.stringMatching(ISO), lastUsedAt: null, revokedAt: expect.stringMatching(ISO) });
    expect(list[1].revokedAt).toBeNull();

    // idempotent: revoking again is 204 and keeps the first revocation time
    res = await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${a.id}`);
    expect(res.status).toBe(204);
    expect((await api.call("GET", "/api/v1/benchmarks/glue/tokens")).body.tokens[0].revokedAt).toBe(list[0].revokedAt);
  });

  it("a token has an optional label and a lastUsedAt set by its use", async () => {
    await api.createBenchmark("glue");
    const res = await api.call("POST", "/api/v1/benchmarks/glue/tokens", { body: { label: "CI uploader" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ label: "CI uploader", token: expect.stringMatching(/^pod_/) });
    const bad = await api.call("POST", "/api/v1/benchmarks/glue/tokens", { body: { label: "" } });
    expect(bad.status).toBe(400);
    let [listed] = (await api.call("GET", "/api/v1/benchmarks/glue/tokens")).body.tokens;
    expect(listed).toMatchObject({ id: res.body.id, label: "CI uploader", lastUsedAt: null });
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: res.body.token, body })).status).toBe(201);
    // the use is recorded in the background: wait for it
    for (let i = 0; i < 50 && !listed.lastUsedAt; i++) {
      await new Promise((r) => setTimeout(r, 20));
      [listed] = (await api.call("GET", "/api/v1/benchmarks/glue/tokens")).body.tokens;
    }
    expect(listed.lastUsedAt).toMatch(ISO);
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(listed.createdAt));
  });

  it("a revoked token gets 401; the others keep working", async () => {
    await api.createBenchmark("glue");
    const a = await newToken("glue");
    const b = await newToken("glue");
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: a.token, body })).status).toBe(201);
    expect((await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${a.id}`)).status).toBe(204);
    const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: a.token, body });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(1);
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: b.token, body })).status).toBe(201);
  });

  it("404 for an unknown id, another benchmark's token, an admin token or an unknown benchmark", async () => {
    await api.createBenchmark("glue");
    await api.createBenchmark("superglue");
    const foreign = await newToken("superglue");
    for (const path of [
      "/api/v1/benchmarks/glue/tokens/999999",
      `/api/v1/benchmarks/glue/tokens/${foreign.id}`,
      `/api/v1/benchmarks/nope/tokens/${foreign.id}`,
    ]) {
      const res = await api.call("DELETE", path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await api.call("GET", "/api/v1/benchmarks/nope/tokens")).status).toBe(404);
    // a stored (generated) admin token is no benchmark's token
    const { createServices } = await import("../../service/index.ts");
    const admin = await createServices(api.services.database).auth.ensureAdminToken();
    const { query } = await import("../../db/index.ts");
    const { sql } = await import("drizzle-orm");
    const [{ id: adminId }] = await query<{ id: number }>(api.services.database.db, sql`select id from tokens where role = 'admin'`);
    expect((await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${adminId}`)).status).toBe(404);
    expect((await api.call("POST", "/api/v1/benchmarks/glue/tokens", { token: admin })).status).toBe(201);
    // the foreign token was not revoked
    expect((await api.call("POST", "/api/v1/benchmarks/superglue/submissions", { token: foreign.token, body })).status).toBe(201);
    expect((await api.call("GET", "/api/v1/benchmarks/superglue/tokens")).body.tokens[0].revokedAt).toBeNull();
  });

  it("400 naming the field for a malformed id", async () => {
    await api.createBenchmark("glue");
    for (const id of ["abc", "0", "1.5", "1e3", "99999999999"]) {
      const res = await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${id}`);
      expect(res.status, id).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(["id"]);
    }
  });

  it("401 without a token; 403 for a benchmark token, even its own benchmark's", async () => {
    await api.createBenchmark("glue");
    const own = await newToken("glue");
    for (const token of [null, "pod_wrong"]) {
      expect((await api.call("GET", "/api/v1/benchmarks/glue/tokens", { token })).status).toBe(401);
      expect((await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${own.id}`, { token })).status).toBe(401);
    }
    let res = await api.call("GET", "/api/v1/benchmarks/glue/tokens", { token: own.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
    res = await api.call("DELETE", `/api/v1/benchmarks/glue/tokens/${own.id}`, { token: own.token });
    expect(res.status).toBe(403);
    // nothing was revoked
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token: own.token, body })).status).toBe(201);
  });

  it("never shows the token or its hash", async () => {
    await api.createBenchmark("glue");
    const { token } = await newToken("glue");
    const { hashToken } = await import("../../service/auth.ts");
    const res = await api.call("GET", "/api/v1/benchmarks/glue/tokens");
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(4, 20));
    expect(text).not.toContain(hashToken(token));
    expect(Object.keys(res.body.tokens[0]).sort()).toEqual(["createdAt", "id", "label", "lastUsedAt", "revokedAt"]);
  });

  it("documents the routes in /openapi.json", async () => {
    const doc = (await api.call("GET", "/openapi.json", { token: null })).body;
    expect(Object.keys(doc.paths["/api/v1/benchmarks/{slug}/tokens"]).sort()).toEqual(["get", "post"]);
    const del = doc.paths["/api/v1/benchmarks/{slug}/tokens/{id}"].delete;
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(["204", "401", "403", "404", "429"]));
    expect(del.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["id", "slug"]);
  });
});
