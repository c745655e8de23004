/** The real server process (`node --import tsx api/server.ts`) on a free port, for e2e, CLI and browser tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./examples.ts";

export interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Spawn the server with `env` on top of this process's (minus DATABASE_URL and PODIUM_ADMIN_TOKEN). */
export function start(env: Record<string, string>, port: number): Running {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.PODIUM_ADMIN_TOKEN;
  const child = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
    cwd: repoRoot,
    env: { ...base, HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, port, output: () => out, exited };
}

export async function waitHealthy(server: Running, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited early:\n${server.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      if (res.status === 200 && server.output().includes("Podium listening")) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy in time:\n${server.output()}`);
}

export async function stop(server: Running): Promise<number | null> {
  server.child.kill("SIGTERM");
  return server.exited;
}

export const TEST_ADMIN_TOKEN = "pod_e2e-admin-token-0123456789";

export interface TestServer extends Running {
  url: string;
  adminToken: string;
  /** Stop the process and remove its data directory. */
  close(): Promise<void>;
}

/** A fresh embedded-database server (temp PODIUM_DATA_DIR, known admin token), healthy on return. */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "podium-srv-"));
  const running = start({ PODIUM_DATA_DIR: dataDir, PODIUM_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, await freePort());
  const close = async () => {
    if (running.child.exitCode === null && running.child.signalCode === null) await stop(running);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(running);
  } catch (e) {
    await close();
    throw e;
  }
  return { ...running, url: `http://127.0.0.1:${running.port}`, adminToken: TEST_ADMIN_TOKEN, close };
}
