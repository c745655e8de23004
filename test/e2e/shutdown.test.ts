/**
 * Graceful shutdown of the real server: in-flight requests finish after SIGTERM, idle keep-alive
 * connections do not hold the exit, and `npm start` delivers SIGTERM to the server.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, start, waitHealthy, TEST_ADMIN_TOKEN, type Running } from "../helpers/server.ts";
import { repoRoot } from "../helpers/examples.ts";

/** A first start creates the PGlite data directory: slow on a busy machine. */
const STARTUP_MS = 120_000;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "podium-stop-"));
  dirs.push(d);
  return d;
};
const children: Running[] = [];
/** Server processes started under npm (killed at the end if the test failed to stop them). */
const grandchildren: number[] = [];
afterAll(() => {
  for (const r of children) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
  for (const pid of grandchildren.filter(running)) process.kill(pid, "SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Resolves once `text` appears in the process's output. */
async function outputContains(server: Running, text: string): Promise<void> {
  while (!server.output().includes(text)) {
    if (server.child.exitCode !== null) throw new Error(`exited before printing "${text}":\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether something accepts connections on the port. */
async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/healthz`);
    return true;
  } catch {
    return false;
  }
}

describe("graceful shutdown", () => {
  it("a request in flight at SIGTERM completes (201), an idle keep-alive connection does not hold the exit, and the exit code is 0", async () => {
    const server = start({ PODIUM_DATA_DIR: tempDir(), PODIUM_ADMIN_TOKEN: TEST_ADMIN_TOKEN, PODIUM_SHUTDOWN_GRACE_MS: "30000" }, await freePort());
    children.push(server);
    await waitHealthy(server, STARTUP_MS);

    // An idle kept-alive connection in the agent's pool.
    const agent = new http.Agent({ keepAlive: true });
    const idle = await new Promise<number>((resolve, reject) =>
      http.get({ port: server.port, host: "127.0.0.1", path: "/healthz", agent }, (res) => res.resume().on("end", () => resolve(res.statusCode!))).on("error", reject),
    );
    expect(idle).toBe(200);

    // A slow upload: headers now (the server's 100 Continue proves it is handling the request), body after the signal.
    const body = JSON.stringify({ slug: "late", name: "Late", tasks: [{ slug: "t" }] });
    const req = http.request({
      port: server.port,
      host: "127.0.0.1",
      method: "POST",
      path: "/api/v1/benchmarks",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
    });
    const response = new Promise<{ status: number; connection?: string; text: string }>((resolve, reject) => {
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection, text }));
      });
      req.on("error", reject);
    });
    await new Promise<void>((resolve) => req.once("continue", () => resolve()));
    req.write(body.slice(0, 10));

    server.child.kill("SIGTERM");
    await outputContains(server, "shutting down");
    expect(await listening(server.port)).toBe(false); // no new connections
    req.end(body.slice(10));

    const reply = await response;
    expect(reply.status, reply.text).toBe(201);
    expect(JSON.parse(reply.text).slug).toBe("late");
    expect(reply.connection).toBe("close");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("Podium: stopped");
    agent.destroy();
  }, STARTUP_MS + 60_000);

  it.runIf(process.platform === "linux")("`npm start` passes SIGTERM to the server: npm exits 0, the port closes, no server process remains", async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: String(port), PODIUM_DATA_DIR: dataDir, PODIUM_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    delete env.DATABASE_URL;
    const child = spawn("npm", ["start"], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const npm: Running = { child, port, output: () => out, exited };
    children.push(npm);
    await waitHealthy(npm, STARTUP_MS);

    const processes = descendants(child.pid!);
    grandchildren.push(...processes);
    expect(processes.length, out).toBeGreaterThan(0);
    child.kill("SIGTERM"); // to npm only, as a process manager stopping `npm start` would

    expect(await exited, out).toBe(0);
    expect(out).toContain("Podium: stopped");
    expect(await listening(port)).toBe(false);
    expect(processes.filter(running), out).toEqual([]);
    expect(existsSync(path.join(dataDir, "podium.lock"))).toBe(false);
  }, STARTUP_MS + 60_000);
});

/** Every process below `pid` (Linux: /proc/<pid>/task/<tid>/children). */
function descendants(pid: number): number[] {
  let direct: number[] = [];
  try {
    direct = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return direct.flatMap((child) => [child, ...descendants(child)]);
}

/** Whether a process runs (a zombie waiting for a reaper that never comes does not count). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
