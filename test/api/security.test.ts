import { describe, expect, it } from "vitest";
import { query } from "../../db/index.ts";
import { hashToken } from "../../service/auth.ts";
import { backends } from "../helpers/database.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";

describe.each(backends())("API auth on %s", (kind) => {
  const api = useTestApi(kind);
  const body = { system: { slug: "bert" }, scores: { cola: 1 } };

  it("401 without a token or with a bad one", async () => {
    for (const token of [null, "pod_wrong", ADMIN_TOKEN + "x", ""]) {
      const res = await api.call("POST", "/api/v1/benchmarks", { token, body: { slug: "x", name: "X", tasks: [{ slug: "a" }] } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
    const res = await api.app.request("/api/v1/benchmarks", { method: "POST", headers: { authorization: `Basic ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
  });

  it("checks the token before anything else (401 beats 404 and 400)", async () => {
    const res = await api.call("POST", "/api/v1/benchmarks/nope/submissions", { token: null, body: "{bad" });
    expect(res.status).toBe(401);
  });

  it("403 for a benchmark token on a foreign benchmark or on admin routes", async () => {
    await api.createBenchmark("glue");
    await api.createBenchmark("superglue");
    const token = await api.createToken("glue");
    let res = await api.call("POST", "/api/v1/benchmarks/superglue/submissions", { token, body });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
    res = await api.call("POST", "/api/v1/benchmarks", { token, body: { slug: "x", name: "X", tasks: [{ slug: "a" }] } });
    expect(res.status).toBe(403);
    res = await api.call("POST", "/api/v1/benchmarks/glue/tokens", { token });
    expect(res.status).toBe(403);
    // 404 before 403: unknown benchmarks are reported as such
    res = await api.call("POST", "/api/v1/benchmarks/nope/submissions", { token, body });
    expect(res.status).toBe(404);
    expect((await api.call("GET", "/api/v1/benchmarks/superglue")).body.revision).toBe(0);
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { token, body })).status).toBe(201);
  });

  it("stores only token hashes", async () => {
    await api.createBenchmark("glue");
    const token = await api.createToken("glue");
    const { sql } = await import("drizzle-orm");
    const rows = await query<{ hash: string }>(api.services.database.db, sql`select hash from tokens`);
    expect(rows.map((r) => r.hash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("generates an admin token once when none is configured", async () => {
    const { createServices } = await import("../../service/index.ts");
    const services = createServices(api.services.database);
    const token = await services.auth.ensureAdminToken();
    expect(token).toMatch(/^pod_/);
    expect(await services.auth.ensureAdminToken()).toBeNull();
    expect(await services.auth.authenticate(token!)).toEqual({ kind: "admin", tokenId: expect.any(Number) });
    const res = await api.call("POST", "/api/v1/benchmarks", { token: token!, body: { slug: "x", name: "X", tasks: [{ slug: "a" }] } });
    expect(res.status).toBe(201);
  });

  it("a configured PODIUM_ADMIN_TOKEN replaces (revokes) a generated admin token", async () => {
    const { createServices } = await import("../../service/index.ts");
    const generated = await createServices(api.services.database).auth.ensureAdminToken();
    expect(generated).toMatch(/^pod_/);
    const configured = createServices(api.services.database, { adminToken: ADMIN_TOKEN });
    expect(await configured.auth.ensureAdminToken()).toBeNull();
    const res = await api.call("POST", "/api/v1/benchmarks", { token: generated!, body: { slug: "x", name: "X", tasks: [{ slug: "a" }] } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    expect(await configured.auth.authenticate(ADMIN_TOKEN)).toEqual({ kind: "admin" });
  });
});
