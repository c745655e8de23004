/**
 * The database path from the outside: concurrent writers of one benchmark, revisions that always
 * name one set of scores, no driver text in 400s, /readyz, and (PostgreSQL) outages answered
 * with 503 `unavailable` and healed without a restart.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { parseConfig } from "../../api/config.ts";
import { sql } from "drizzle-orm";
import { replaceInstanceVectors, bumpRevision, databaseFromUrl, query, transaction } from "../../db/index.ts";
import { asDomainError } from "../../service/errors.ts";
import { createServices } from "../../service/index.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";
import { backends, createPostgresDatabase } from "../helpers/database.ts";
import { freePort } from "../helpers/server.ts";

const DRIVER_TEXT = /UTF8|0x00|jsonb?\b|syntax|escape|sequence|SQL|postgres|pglite|relation|column/i;

function expectEnvelope(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body?.error).toMatchObject({ code, message: expect.any(String) });
}

describe.each(backends())("database path on %s", (kind) => {
  const api = useTestApi(kind, { rateLimitPerMinute: 0 });
  const submit = (body: unknown, slug = "glue") => api.call("POST", `/api/v1/benchmarks/${slug}/submissions`, { body });

  it("30 concurrent writers of one benchmark: all stored, one revision each, the newest submission current", async () => {
    await api.createBenchmark("glue");
    const writes = Array.from({ length: 30 }, (_, i) => ({ system: { slug: `s${i % 6}` }, scores: { cola: i, sst2: -i } }));
    const results = await Promise.all(writes.map((w) => submit(w)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(30);

    const ids = results.map((r) => r.body.submissions[0].id as number);
    expect(new Set(ids).size).toBe(30);
    const board = await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean");
    expect(board.status).toBe(200);
    for (let s = 0; s < 6; s++) {
      const history = (await api.call("GET", `/api/v1/benchmarks/glue/systems/s${s}/submissions`)).body.submissions as { id: number; scores: Record<string, number> }[];
      const mine = ids.filter((_, i) => i % 6 === s);
      expect(history.map((h) => h.id).sort((a, b) => a - b)).toEqual([...mine].sort((a, b) => a - b));
      // The leaderboard shows the system's newest stored submission.
      const row = board.body.systems.find((x: { slug: string }) => x.slug === `s${s}`);
      expect(row.submissionId).toBe(history[0].id);
    }
  });

  it("a revision always names one set of scores, even while writers commit", async () => {
    await api.createBenchmark("glue");
    const { id } = await api.services.benchmarks.require("glue");
    const seen = new Map<number, string>();
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const current = (await api.services.scores.loadCurrentScores(id))!;
        const signature = current.systems.map((s) => `${s.slug}:${s.submissionId}`).join(",");
        expect(seen.get(current.revision) ?? signature).toBe(signature);
        seen.set(current.revision, signature);
      }
    })();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => submit({ system: { slug: `s${i % 4}` }, scores: { cola: i } })));
    writing = false;
    await reader;
    expect(results.every((r) => r.status === 201)).toBe(true);
    const final = (await api.services.scores.loadCurrentScores(id))!;
    expect(final.revision).toBe(20);
    expect(final.systems).toHaveLength(4);
  });

  it("400 naming the field, never the driver's text, for text the database cannot store", async () => {
    await api.createBenchmark("glue");
    const cases: [string, string, string][] = [
      ['{"system":{"slug":"bert","name":"a\\u0000b"},"scores":{"cola":1}}', "system.name", "must not contain a NUL character"],
      ['{"system":{"slug":"bert"},"metadata":{"note":"x\\u0000"},"scores":{"cola":1}}', "metadata.note", "must not contain a NUL character"],
      ['{"submissions":[{"system":{"slug":"a"},"scores":{"cola":1}},{"system":{"slug":"b","name":"\\u0000"},"scores":{"cola":2}}]}', "submissions[1].system.name", "must not contain a NUL character"],
    ];
    for (const [raw, field, message] of cases) {
      const res = await submit(raw);
      expectEnvelope(res, 400, "invalid_request");
      expect(res.body.error.details).toEqual([{ field, message }]);
      expect(JSON.stringify(res.body)).not.toMatch(DRIVER_TEXT);
    }
    const created = await api.call("POST", "/api/v1/benchmarks", { body: '{"slug":"x","name":"a\\u0000","tasks":[{"slug":"a"}]}' });
    expectEnvelope(created, 400, "invalid_request");
    expect(created.body.error.details).toEqual([{ field: "name", message: "must not contain a NUL character" }]);
    const surrogate = await submit('{"system":{"slug":"bert","metadata":{"k":"\\ud800"}},"scores":{"cola":1}}');
    expect(surrogate.status).toBeLessThan(500);
    expect(JSON.stringify(surrogate.body)).not.toMatch(DRIVER_TEXT);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(surrogate.status === 201 ? 1 : 0);
  });

  it("/readyz answers ready while the database answers", async () => {
    const res = await api.call("GET", "/readyz", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready" });
    const doc = await api.call("GET", "/openapi.json", { token: null });
    expect(Object.keys(doc.body.paths)).toContain("/readyz");
  });
});

/** A TCP proxy to PostgreSQL that the test can cut (destroying every connection) and restore. */
async function startProxy(port: number, target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("error", () => {});
          s.on("close", () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await listen();
  return {
    async cut() {
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restore: listen,
  };
}

if (backends().includes("postgres"))
  describe("PostgreSQL outages", () => {
    it("answers 503 unavailable while the database is unreachable, and heals when it is back", { timeout: 90_000 }, async () => {
      const { database: direct, url } = await createPostgresDatabase();
      const target = new URL(url);
      const port = await freePort();
      const proxy = await startProxy(port, { host: target.hostname, port: Number(target.port || 5432) });
      const viaProxy = new URL(url);
      viaProxy.host = `127.0.0.1:${port}`;
      const database = databaseFromUrl(viaProxy.toString(), { poolSize: 4, connectTimeoutMs: 1000, poolWaitMs: 2000 });
      const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN, PODIUM_RATE_LIMIT_PER_MINUTE: "0" });
      const app = createApp({ services: createServices(database, { adminToken: ADMIN_TOKEN }), config });
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await app.request(path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any, headers: res.headers };
      };
      const write = (i: number) => call("POST", "/api/v1/benchmarks/glue/submissions", { system: { slug: `s${i}` }, scores: { a: i } });
      try {
        expect((await call("POST", "/api/v1/benchmarks", { slug: "glue", name: "GLUE", tasks: [{ slug: "a" }] })).status).toBe(201);
        expect((await write(0)).status).toBe(201);
        expect((await call("GET", "/readyz")).status).toBe(200);

        await proxy.cut();
        const during = await Promise.all([
          write(1),
          ...Array.from({ length: 8 }, (_, i) => write(10 + i)),
          call("GET", "/api/v1/benchmarks/glue"),
          call("GET", "/api/v1/benchmarks/glue/leaderboard"),
          call("GET", "/api/v1/benchmarks"),
        ]);
        for (const res of during) {
          expectEnvelope(res, 503, "unavailable");
          expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
          expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|CONNECTION_|127\.0\.0\.1/);
        }
        const ready = await call("GET", "/readyz");
        expectEnvelope(ready, 503, "unavailable");
        expect(ready.headers.get("retry-after")).not.toBeNull();
        expectEnvelope(await call("GET", "/healthz"), 503, "unavailable");

        await proxy.restore();
        let readyAgain = 0;
        for (let attempt = 0; attempt < 100 && readyAgain !== 200; attempt++) {
          readyAgain = (await call("GET", "/readyz")).status;
          if (readyAgain !== 200) await new Promise((r) => setTimeout(r, 200));
        }
        expect(readyAgain).toBe(200);
        expect((await write(2)).status).toBe(201);
        const after = await call("GET", "/api/v1/benchmarks/glue");
        expect(after.status).toBe(200);
        // Nothing written during the outage: revisions of the two accepted writes only.
        expect(after.body.revision).toBe(2);
      } finally {
        await database.close();
        await proxy.cut().catch(() => {});
        await direct.close();
      }
    });

    it("a submission chosen as a deadlock victim (against an upload creating the same system) is run again", { timeout: 60_000 }, async () => {
      const { database } = await createPostgresDatabase();
      const services = createServices(database, { adminToken: ADMIN_TOKEN });
      try {
        await services.benchmarks.create({ kind: "admin" }, { slug: "glue", name: "GLUE", tasks: [{ slug: "a", name: "A" }] });
        const { id } = await services.benchmarks.require("glue");
        let submitted: Promise<unknown> | undefined;
        // The upload's order: benchmark row first, then the system. The submission's: system, then benchmark.
        const upload = transaction(database.db, async (tx) => {
          await bumpRevision(tx, id);
          submitted = services.submissions.submit({ kind: "admin" }, "glue", [{ system: { slug: "x" }, scores: { a: 1 } }]);
          submitted.catch(() => {});
          const waitingOnLock = async () =>
            Number((await query<{ n: number }>(database.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0].n);
          while ((await waitingOnLock()) === 0) await new Promise((r) => setTimeout(r, 20));
          await replaceInstanceVectors(tx, id, "x", [], 0); // waits on the submission's new row: a deadlock
        }).catch((e: unknown) => e);
        await upload;
        const result = (await submitted) as { submissions: { system: { slug: string } }[] };
        expect(result.submissions[0].system.slug).toBe("x");
        expect((await services.submissions.history("glue", "x")).submissions.length).toBe(1);
      } finally {
        await database.close();
      }
    });

    it("bounds the wait for a pooled connection and the statement time (503, not a hang)", { timeout: 60_000 }, async () => {
      const { database: direct, url } = await createPostgresDatabase();
      const database = databaseFromUrl(url, { poolSize: 2, poolWaitMs: 200, statementTimeoutMs: 300 });
      const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN });
      const app = createApp({ services: createServices(database, { adminToken: ADMIN_TOKEN }), config });
      try {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        const holders = Array.from({ length: 2 }, () => database.db.transaction(() => held));
        const res = await app.request("/api/v1/benchmarks");
        expect(res.status).toBe(503);
        expect(((await res.json()) as any).error.code).toBe("unavailable");
        expect((await app.request("/readyz")).status).toBe(503);
        release();
        await Promise.all(holders);
        expect((await app.request("/api/v1/benchmarks")).status).toBe(200);
        expect((await app.request("/readyz")).status).toBe(200);

        const slow = await database.db.execute(sql`select pg_sleep(2)`).catch((e: unknown) => e);
        expect(asDomainError(slow)?.kind).toBe("unavailable");
      } finally {
        await database.close();
        await direct.close();
      }
    });
  });
