/**
 * Operations of the real server process: the generated admin token survives a failed start (port
 * in use) and is printed by the next start; one JSON log line per request (pino) with the
 * request id; Prometheus /metrics (prom-client) with request durations by route pattern and
 * status, cache and compute pool figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, start, startTestServer, stop, waitHealthy, type Running, type TestServer } from "../helpers/server.ts";

const TOKEN = /pod_[A-Za-z0-9_-]{43}/;

describe("server operations", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "podium-ops-"));
  const running: Running[] = [];
  let blocker: Server | undefined;
  let server: TestServer | undefined;
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) await stop(r);
    blocker?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a start that cannot listen does not swallow the generated admin token: the next start prints it", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, "127.0.0.1", resolve));
    const failed = start({ PODIUM_DATA_DIR: dataDir }, port);
    running.push(failed);
    expect(await failed.exited).toBe(1);
    expect(failed.output()).toMatch(/cannot listen/);
    expect(failed.output()).not.toMatch(TOKEN);

    const ok = start({ PODIUM_DATA_DIR: dataDir }, await freePort());
    running.push(ok);
    await waitHealthy(ok);
    const admin = TOKEN.exec(ok.output())?.[0];
    expect(admin, ok.output()).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${ok.port}/api/v1/benchmarks`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }] }),
    });
    expect(res.status).toBe(201);
    await stop(ok);
  });

  it("logs one JSON line per request with its id, and serves Prometheus metrics", async () => {
    server = await startTestServer();
    const auth = { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" };
    expect((await fetch(`${server.url}/api/v1/benchmarks`, { method: "POST", headers: auth, body: JSON.stringify({ slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }] }) })).status).toBe(201);
    expect((await fetch(`${server.url}/api/v1/benchmarks/glue/submissions`, { method: "POST", headers: auth, body: JSON.stringify({ system: { slug: "bert" }, scores: { cola: 1 } }) })).status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/api/v1/benchmarks/glue/leaderboard?methods=mean`, { headers: { "x-request-id": `lb-${i}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toBe(`lb-${i}`);
      await res.arrayBuffer();
    }
    expect((await fetch(`${server.url}/api/v1/benchmarks/nope`)).status).toBe(404);

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/podium_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/benchmarks\/:slug\/leaderboard",status="200"\} 3/);
    expect(text).toMatch(/podium_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/benchmarks\/:slug",status="404"\} 1/);
    expect(text).toMatch(/podium_leaderboard_cache_hits_total 2/);
    expect(text).toMatch(/podium_leaderboard_cache_misses_total 1/);
    expect(text).toMatch(/podium_leaderboard_cache_bytes [1-9]/);
    expect(text).toMatch(/podium_compute_pool_queued 0/);
    expect(text).toMatch(/podium_compute_pool_utilization /);
    expect(text).toMatch(/podium_process_cpu_user_seconds_total/);

    await new Promise((r) => setTimeout(r, 200)); // pino writes asynchronously
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    const lb = lines.filter((l) => l.req?.route === "/api/v1/benchmarks/:slug/leaderboard");
    expect(lb.map((l) => l.req.requestId)).toEqual(["lb-0", "lb-1", "lb-2"]);
    expect(lb[0]).toMatchObject({ level: 30, service: "podium", req: { method: "GET", status: 200, path: "/api/v1/benchmarks/glue/leaderboard" } });
    expect(typeof lb[0].req.durationMs).toBe("number");
    const write = lines.find((l) => l.req?.route === "/api/v1/benchmarks/:slug/submissions");
    expect(write.req).toMatchObject({ method: "POST", status: 201, principal: "admin" });
    // one line per request: the three leaderboard reads, no more
    expect(lines.filter((l) => l.req?.path === "/api/v1/benchmarks/glue/leaderboard")).toHaveLength(3);
  });
});
