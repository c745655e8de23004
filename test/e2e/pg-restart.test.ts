/**
 * A PostgreSQL restart under a running server (every backend of its database terminated, as a
 * restart or failover does) is survived without restarting the server: requests meanwhile get
 * 503 at worst (never a 5xx of another kind), the next ones succeed after a moment, and nothing
 * accepted is lost. Needs DATABASE_URL (vitest.config.ts leaves it out without one).
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { query } from "../../db/index.ts";
import { createPostgresDatabase } from "../helpers/database.ts";
import { freePort, start, stop, TEST_ADMIN_TOKEN, waitHealthy, type Running } from "../helpers/server.ts";

describe("PostgreSQL restart under a running server", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
  });

  it("terminated backends: the next requests succeed after a moment, nothing accepted is lost", { timeout: 120_000 }, async () => {
    const { database: direct, url } = await createPostgresDatabase();
    cleanup.push(() => direct.close());
    const server: Running = start({ DATABASE_URL: url, PODIUM_ADMIN_TOKEN: TEST_ADMIN_TOKEN, PODIUM_LOG_LEVEL: "silent" }, await freePort());
    cleanup.push(() => stop(server));
    await waitHealthy(server);
    const base = `http://127.0.0.1:${server.port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    expect((await call("POST", "/api/v1/benchmarks", { slug: "glue", name: "GLUE", tasks: [{ slug: "a" }] })).status).toBe(201);
    let accepted = 0;
    const write = async (i: number) => {
      const res = await call("POST", "/api/v1/benchmarks/glue/submissions", { system: { slug: `s${i}` }, scores: { a: i } });
      expect([201, 503], JSON.stringify(res.body)).toContain(res.status);
      if (res.status === 201) accepted++;
      return res.status;
    };
    for (let i = 0; i < 5; i++) expect(await write(i)).toBe(201);
    // warm every pooled connection
    await Promise.all(Array.from({ length: 10 }, () => call("GET", "/api/v1/benchmarks/glue/leaderboard")));

    const dbName = new URL(url).pathname.slice(1);
    const killed = await query(direct.db, sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`);
    expect(killed.length).toBeGreaterThan(0);

    // Right after: 201 or 503, never anything else; then, after a moment, writes and reads succeed.
    let ok = false;
    for (let attempt = 0; attempt < 100 && !ok; attempt++) {
      ok = (await write(100 + attempt)) === 201;
      if (!ok) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(await write(200 + i)).toBe(201);
    const lb = await call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean");
    expect(lb.status).toBe(200);
    expect(lb.body.systems).toHaveLength(accepted);
    expect((await call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(accepted);
    expect((await call("GET", "/readyz")).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});
