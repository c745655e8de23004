/**
 * The Workers acceptance harness: a fresh PostgreSQL database migrated by Node (`npm run
 * migrate`), the Worker under `wrangler dev` (workerd from node_modules, Hyperdrive's local
 * connection string pointing at that database) and the Node server on the same database.
 * Offline: no Request.cf fetch, no metrics, no login (local mode needs none).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { repoRoot } from "../helpers/examples.ts";
import { freePort, start, stop, waitHealthy, type Running } from "../helpers/server.ts";

/** The PostgreSQL server the suite makes its database on (DATABASE_URL's server, as test:pg). */
export const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** `url` naming database `name`. */
export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function onServer(statement: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database, migrated by Node through `npm run migrate` (scripts/migrate.ts). */
export async function createMigratedDatabase(): Promise<ScratchDatabase> {
  const name = `podium_workers_${randomBytes(5).toString("hex")}`;
  await onServer(`create database ${name}`);
  const url = databaseUrl(serverUrl, name);
  const drop = () => onServer(`drop database if exists ${name} with (force)`);
  const migrate = spawnSync("npm", ["run", "--silent", "migrate"], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (migrate.status !== 0) {
    await drop();
    throw new Error(`npm run migrate failed (${migrate.status}):\n${migrate.stdout}${migrate.stderr}`);
  }
  return { name, url, drop };
}

/**
 * Hyperdrive's local mode wants a password in the connection string; with the usual trust or
 * peer authentication of a local server any password is accepted, so one is added when absent.
 */
export function hyperdriveLocalUrl(url: string): string {
  const u = new URL(url);
  if (!u.password) u.password = "podium";
  return u.toString();
}

export interface WranglerDev {
  url: string;
  output(): string;
  close(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`wrangler dev exited early:\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev not ready in time:\n${output()}`);
}

/** `wrangler dev` on a free port with the admin token as a `--var`, against `connectionString`. */
export async function startWranglerDev(connectionString: string, adminToken: string): Promise<WranglerDev> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const state = mkdtempSync(path.join(tmpdir(), "podium-wrangler-"));
  const wrangler = path.join(repoRoot, "node_modules/wrangler/bin/wrangler.js");
  const child = spawn(
    process.execPath,
    [
      wrangler,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      state,
      "--var",
      `PODIUM_ADMIN_TOKEN:${adminToken}`,
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveLocalUrl(connectionString),
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        NO_COLOR: "1",
        CI: "true",
      },
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // wrangler, and the workerd it started, are in this process group (detached above).
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* gone */
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(state, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/healthz`, child, () => out, 90_000);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, output: () => out, close };
}

export interface NodeServer {
  url: string;
  running: Running;
  close(): Promise<void>;
}

/** The Node server (`api/server.ts`) on the same database, with the same admin token. */
export async function startNodeServer(databaseUrl: string, adminToken: string): Promise<NodeServer> {
  const running = start({ DATABASE_URL: databaseUrl, PODIUM_ADMIN_TOKEN: adminToken, PODIUM_WORKERS: "1" }, await freePort());
  const close = async () => {
    if (running.child.exitCode === null && running.child.signalCode === null) await stop(running);
  };
  try {
    await waitHealthy(running);
  } catch (err) {
    await close();
    throw err;
  }
  return { url: `http://127.0.0.1:${running.port}`, running, close };
}
