/** Run the real CLI (`node cli/podium.js ...`) as a user would, without PODIUM_URL/PODIUM_TOKEN from this process. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { repoRoot } from "../helpers/examples.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function podium(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = { ...process.env };
  delete base.PODIUM_URL;
  delete base.PODIUM_TOKEN;
  return new Promise((resolve) => {
    execFile(process.execPath, ["cli/podium.js", ...args], { cwd: repoRoot, env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A real server for the calling test file (started before its tests, closed after): `server.url`
 * and `server.adminToken` once started, `get` reads JSON from it, `admin()` the CLI's flags for it.
 */
export function useImportServer() {
  let running: TestServer | undefined;
  beforeAll(async () => {
    running = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await running?.close();
  });
  const started = (): TestServer => {
    if (!running) throw new Error("the test server is not started (use it inside a test)");
    return running;
  };
  const server = {
    get url() {
      return started().url;
    },
    get adminToken() {
      return started().adminToken;
    },
  };
  return {
    server,
    async get(p: string): Promise<{ status: number; body: any }> {
      const res = await fetch(server.url + p);
      return { status: res.status, body: await res.json() };
    },
    admin: () => ["--url", server.url, "--token", server.adminToken],
  };
}

/** A temporary directory for CSV files of one suite. */
export function csvDir(prefix: string): { dir: string; write: (name: string, text: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** A wide CSV of `systems` x `tasks` with reproducible scores ("System 0", ...; task0, ...). */
export function generatedCsv(systems: number, tasks: number, seed = 1): string {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x / 2 ** 32).toFixed(6);
  };
  const header = ["system", ...Array.from({ length: tasks }, (_, j) => `task${j}`)].join(",");
  const rows = Array.from({ length: systems }, (_, i) => [`System ${i}`, ...Array.from({ length: tasks }, next)].join(","));
  return [header, ...rows].join("\n") + "\n";
}
