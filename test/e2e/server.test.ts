/**
 * The real server process (`node --import tsx api/server.ts`) over HTTP: first start with a
 * generated admin token, a second process on the same data directory refused, restart keeps
 * data. With DATABASE_URL set, the same flow against a fresh PostgreSQL database.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../helpers/database.ts";
import { freePort, start, stop, waitHealthy, type Running } from "../helpers/server.ts";

async function http(port: number, method: string, p: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** Create a benchmark, a token and two submissions; check the envelope on a few errors. */
async function flow(port: number, admin: string) {
  expect((await http(port, "POST", "/api/v1/benchmarks", admin, { slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }, { slug: "sst2" }] })).status).toBe(201);
  expect((await http(port, "POST", "/api/v1/benchmarks", admin, { slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }] })).status).toBe(409);
  const tok = await http(port, "POST", "/api/v1/benchmarks/glue/tokens", admin);
  expect(tok.status).toBe(201);
  const token = tok.body.token as string;
  expect((await http(port, "POST", "/api/v1/benchmarks/glue/submissions", undefined, { system: { slug: "bert" }, scores: { cola: 1 } })).status).toBe(401);
  expect((await http(port, "POST", "/api/v1/benchmarks/glue/submissions", token, { system: { slug: "bert" }, scores: { nope: 1 } })).body.error.code).toBe("invalid_request");
  expect((await http(port, "POST", "/api/v1/benchmarks/glue/submissions", token, { system: { slug: "bert", name: "BERT" }, scores: { cola: 60.5, sst2: 93 } })).status).toBe(201);
  expect((await http(port, "POST", "/api/v1/benchmarks/glue/submissions", token, { system: { slug: "bert" }, scores: { cola: 62 } })).status).toBe(201);
  return token;
}

async function expectKept(port: number, admin: string, token: string) {
  const b = await http(port, "GET", "/api/v1/benchmarks/glue");
  expect(b.body.revision).toBe(2);
  const h = await http(port, "GET", "/api/v1/benchmarks/glue/systems/bert/submissions");
  expect(h.body.submissions.map((s: { scores: object }) => s.scores)).toEqual([{ cola: 62 }, { cola: 60.5, sst2: 93 }]);
  expect((await http(port, "POST", "/api/v1/benchmarks/glue/submissions", token, { system: { slug: "bert" }, scores: { cola: 63 } })).status).toBe(201);
  expect((await http(port, "POST", "/api/v1/benchmarks/glue/tokens", admin)).status).toBe(201);
}

describe("server process (embedded PGlite)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "podium-e2e-"));
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null) await stop(r);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts, serves the flow, refuses a second process, restarts with data kept", async () => {
    const env = { PODIUM_DATA_DIR: dataDir };
    const first = start(env, await freePort());
    running.push(first);
    await waitHealthy(first);
    const admin = /pod_[A-Za-z0-9_-]{43}/.exec(first.output())?.[0];
    expect(admin, first.output()).toBeDefined();
    const token = await flow(first.port, admin!);

    const second = start(env, await freePort());
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/another Podium process \(pid \d+\) is using/);

    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain("shutting down");
    expect(existsSync(path.join(dataDir, "podium.lock"))).toBe(false);

    const again = start(env, await freePort());
    running.push(again);
    await waitHealthy(again);
    expect(again.output()).not.toMatch(/pod_[A-Za-z0-9_-]{43}/);
    await expectKept(again.port, admin!, token);
    expect(await stop(again)).toBe(0);
  }, 120_000);
});

// Declared only with DATABASE_URL (as .ci/run does) so the embedded-only run reports no skipped suite.
if (process.env.DATABASE_URL) describe("server process (PostgreSQL via DATABASE_URL)", () => {
  it("serves the flow and keeps data across a restart", async () => {
    const { database, url } = await createPostgresDatabase();
    const admin = "pod_e2e-admin-token-0123456789";
    const env = { DATABASE_URL: url, PODIUM_ADMIN_TOKEN: admin, PODIUM_DATA_DIR: path.join(tmpdir(), "podium-unused") };
    try {
      const first = start(env, await freePort());
      await waitHealthy(first);
      expect(first.output()).toContain("PostgreSQL");
      const token = await flow(first.port, admin);
      expect(await stop(first)).toBe(0);
      const again = start(env, await freePort());
      await waitHealthy(again);
      await expectKept(again.port, admin, token);
      expect(await stop(again)).toBe(0);
    } finally {
      await database.close();
    }
  }, 120_000);
});
