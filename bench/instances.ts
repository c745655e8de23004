/**
 * Instance level at volume (`npm run bench instances [-- --size=SxTxI --backend=B --concurrency=C]`):
 * S systems x T tasks x I instances of synthetic scores whose order is known (on every
 * (task, instance), system s scores above system s-1; so every method ranks sys-<S-1> first and
 * the leaderboard is checked against it). Default 100 x 10 x 10,000 (10M scores).
 *
 * Per backend (PostgreSQL when DATABASE_URL is set: a fresh `podium_bench_<pid>` database,
 * dropped afterwards; PGlite in memory; `--backend=postgres|pglite|both`):
 * - baseline: COPY of the same rows as CSV `system,task,instance,score` into a keyed table
 *   (primary key (system, task, instance)): `psql \copy` from a file on PostgreSQL, `COPY ... FROM
 *   '/dev/blob'` on PGlite;
 * - ingestion: every system's `task,instance,score` CSV POSTed by `curl` (separate processes,
 *   `--concurrency` at a time, default 2) to a real HTTP server in this process (compute pool as
 *   `npm start` has it); rows/s and the ratio to COPY;
 * - bytes per stored score: pg_database_size before/after the uploads (every table, index, TOAST);
 * - the level=instance leaderboard (mean, borda, borda2): cold (cache empty: read, transfer to a
 *   worker, rank, serialize) and cached (median of 20 GETs), with the longest /healthz wait
 *   during the cold one; and the bootstrap with as many samples as its cap allows (<= 100).
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { createApp } from "../api/app.ts";
import { parseConfig } from "../api/config.ts";
import { query } from "../db/index.ts";
import { createScratchPostgresDatabase, openMemoryDatabase, type Database } from "../db/node.ts";
import { createComputePool, DEFAULT_COMPUTE_TIMEOUT_MS } from "../service/compute-pool.ts";
import { MAX_INSTANCE_BOOTSTRAP_CELL_SAMPLES } from "../service/uncertainty.ts";
import { createServices } from "../service/index.ts";
import { now, printTable, rng } from "./util.ts";

const ADMIN = "bench-admin-token-0123456789";
const TARGETS = { copyRatio: 1.0, bytesPerScore: 10, coldMs: 3000, cachedMs: 50 };

interface Size {
  systems: number;
  tasks: number;
  instances: number;
}

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

function sizeOption(): Size {
  const text = option("size") ?? process.env.BENCH_INSTANCES_SIZE ?? "100x10x10000";
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text);
  if (!m) throw new Error(`--size must be SYSTEMSxTASKSxINSTANCES (got "${text}")`);
  return { systems: Number(m[1]), tasks: Number(m[2]), instances: Number(m[3]) };
}

const sys = (s: number) => `sys-${String(s).padStart(3, "0")}`;

/**
 * The synthetic rows as files: one upload body per system (`task,instance,score`) and one COPY
 * file of every row (`system,task,instance,score`). Score = base(task, instance) + s/1000 +
 * noise in [0, 0.0009): strictly increasing in s on every (task, instance).
 */
function writeData(dir: string, size: Size): { bodies: string[]; copyFile: string; bytes: number } {
  const base = new Float64Array(size.tasks * size.instances);
  const r = rng(42);
  for (let i = 0; i < base.length; i++) base[i] = r() * 10;
  const noise = rng(7);
  const bodies: string[] = [];
  const copyParts: string[] = [];
  let bytes = 0;
  for (let s = 0; s < size.systems; s++) {
    const lines: string[] = ["task,instance,score"];
    const copy: string[] = [];
    for (let t = 0; t < size.tasks; t++)
      for (let i = 0; i < size.instances; i++) {
        const score = (base[t * size.instances + i] + s / 1000 + noise() * 0.0009).toFixed(6);
        const row = `t${t},doc-${i},${score}`;
        lines.push(row);
        copy.push(`${sys(s)},${row}`);
      }
    const file = path.join(dir, `${sys(s)}.csv`);
    const text = lines.join("\n") + "\n";
    writeFileSync(file, text);
    bytes += text.length;
    bodies.push(file);
    copyParts.push(copy.join("\n") + "\n");
  }
  const copyFile = path.join(dir, "copy.csv");
  writeFileSync(copyFile, copyParts.join(""));
  return { bodies, copyFile, bytes };
}

const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 1 << 24 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${stderr || err.message}`)) : resolve(stdout))),
  );

/** POST one body with curl; its HTTP status and reply. */
function curlUpload(url: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", ["-sS", "--fail-with-body", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H", `authorization: Bearer ${ADMIN}`, "-H", "content-type: text/csv", "--data-binary", `@${file}`, url]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", () => {
      const nl = out.lastIndexOf("\n");
      resolve({ status: Number(out.slice(nl + 1)), body: out.slice(0, nl) });
    });
  });
}

interface Backend {
  label: string;
  database: Database;
  /** COPY the CSV file into `copy_baseline`; wall ms. */
  copy(file: string): Promise<number>;
}

async function postgresBackend(serverUrl: string): Promise<Backend> {
  const { database, url } = await createScratchPostgresDatabase(serverUrl, `podium_bench_${process.pid}`);
  return {
    label: "PostgreSQL",
    database,
    async copy(file) {
      const t0 = now();
      await run("psql", [url, "-v", "ON_ERROR_STOP=1", "-qc", `\\copy copy_baseline from '${file}' with (format csv)`]);
      return now() - t0;
    },
  };
}

async function pgliteBackend(): Promise<Backend> {
  const database = await openMemoryDatabase();
  const client = (database.db as unknown as { $client: PGlite }).$client;
  return {
    label: "PGlite (in-memory)",
    database,
    async copy(file) {
      const blob = await openAsBlob(file);
      const t0 = now();
      await client.query(`copy copy_baseline from '/dev/blob' with (format csv)`, [], { blob });
      return now() - t0;
    },
  };
}

const dbSize = async (database: Database) => Number((await query<{ n: string }>(database.db, sql`select pg_database_size(current_database())::text as n`))[0].n);

/** GET `url` while probing /healthz every 20 ms: wall ms, status, body, the longest /healthz wait. */
async function timedGet(base: string, pathname: string): Promise<{ ms: number; status: number; body: string; healthMaxMs: number }> {
  let done = false;
  let healthMaxMs = 0;
  const probe = (async () => {
    while (!done) {
      const t0 = now();
      await (await fetch(`${base}/healthz`)).text();
      healthMaxMs = Math.max(healthMaxMs, now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t0 = now();
  const res = await fetch(`${base}${pathname}`);
  const body = await res.text();
  const ms = now() - t0;
  done = true;
  await probe;
  return { ms, status: res.status, body, healthMaxMs };
}

async function benchBackend(backend: Backend, size: Size, data: { bodies: string[]; copyFile: string; bytes: number }, concurrency: number): Promise<void> {
  const { database, label } = backend;
  const rows = size.systems * size.tasks * size.instances;
  const compute = createComputePool({ workers: 2 });
  const services = createServices(database, { adminToken: ADMIN, compute });
  const app = createApp({ services, config: parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN }) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // Baseline: COPY into a keyed table (then dropped, so it is not counted below).
    await database.db.execute(sql`create table copy_baseline (system text, task text, instance text, score float8, primary key (system, task, instance))`);
    const copyMs = await backend.copy(data.copyFile);
    const copied = Number((await query<{ n: number }>(database.db, sql`select count(*)::int as n from copy_baseline`))[0].n);
    if (copied !== rows) throw new Error(`COPY stored ${copied} rows, expected ${rows}`);
    const copyBytes = Number((await query<{ n: string }>(database.db, sql`select pg_total_relation_size('copy_baseline')::text as n`))[0].n);
    await database.db.execute(sql`drop table copy_baseline`);

    const tasks = Array.from({ length: size.tasks }, (_, t) => ({ slug: `t${t}` }));
    const created = await fetch(`${base}/api/v1/benchmarks`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "volume", name: "Volume", tasks }),
    });
    if (created.status !== 201) throw new Error(`benchmark: ${created.status} ${await created.text()}`);

    const before = await dbSize(database);
    let next = 0;
    const t0 = now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < size.systems) {
          const s = next++;
          const res = await curlUpload(`${base}/api/v1/benchmarks/volume/systems/${sys(s)}/instances`, data.bodies[s]);
          if (res.status !== 201) throw new Error(`upload ${sys(s)}: ${res.status} ${res.body}`);
        }
      }),
    );
    const ingestMs = now() - t0;
    const after = await dbSize(database);
    const bytesPerScore = (after - before) / rows;

    // Leaderboards: cold (empty cache) per method set, then cached.
    const lb = "/api/v1/benchmarks/volume/leaderboard?level=instance";
    const cold: [string, number, number][] = [];
    for (const methods of ["mean", "borda", "borda2", "mean,borda,borda2"]) {
      services.leaderboards.clearCache();
      const r = await timedGet(base, `${lb}&methods=${methods}`);
      if (r.status !== 200) throw new Error(`leaderboard ${methods}: ${r.status} ${r.body.slice(0, 300)}`);
      const board = JSON.parse(r.body) as { systems: { slug: string; results: Record<string, { rank: number }> }[] };
      // the known order: sys-<S-1> first ... sys-000 last, by every method
      for (const row of board.systems) {
        const expected = size.systems - Number(row.slug.slice(4));
        for (const m of methods.split(",")) if (row.results[m].rank !== expected) throw new Error(`${m}: ${row.slug} ranked ${row.results[m].rank}, expected ${expected}`);
      }
      cold.push([methods, r.ms, r.healthMaxMs]);
    }
    // The instance-level bootstrap at the largest sample count its cap allows (at most 100).
    const capSamples = Math.min(100, Math.floor(MAX_INSTANCE_BOOTSTRAP_CELL_SAMPLES / rows));
    let bootstrap: [number, number, number] | undefined;
    if (capSamples >= 1) {
      services.leaderboards.clearCache();
      const r = await timedGet(base, `${lb}&methods=mean,borda,borda2&uncertainty=bootstrap&samples=${capSamples}`);
      if (r.status !== 200) console.log(`  bootstrap (${capSamples} samples) failed: ${r.status} ${r.body.slice(0, 200)}`);
      else bootstrap = [capSamples, r.ms, r.healthMaxMs];
    }
    const cachedTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = now();
      const res = await fetch(`${base}${lb}&methods=mean,borda,borda2`);
      await res.arrayBuffer();
      cachedTimes.push(now() - t);
    }
    cachedTimes.sort((a, b) => a - b);
    const cachedMs = cachedTimes[cachedTimes.length >> 1];
    const coldAll = cold[cold.length - 1][1];

    const rate = (ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString("en-US")} rows/s`;
    const mark = (ok: boolean) => (ok ? "ok" : "MISSED");
    console.log(`  ${label}: ${size.systems} systems x ${size.tasks} tasks x ${size.instances.toLocaleString("en-US")} instances = ${rows.toLocaleString("en-US")} scores (${(data.bytes / 2 ** 20).toFixed(0)} MiB of CSV)`);
    printTable([
      ["", "time", "rate / size", "ratio", "target"],
      ["COPY into keyed table (baseline)", `${(copyMs / 1000).toFixed(2)} s`, rate(copyMs), "1.00x", ""],
      [`HTTP uploads (curl, ${concurrency} at a time)`, `${(ingestMs / 1000).toFixed(2)} s`, rate(ingestMs), `${(copyMs / ingestMs).toFixed(2)}x COPY`, `>= ${TARGETS.copyRatio}x ${mark(copyMs / ingestMs >= TARGETS.copyRatio)}`],
      ["bytes per stored score (database growth)", "", `${bytesPerScore.toFixed(2)} B`, `${(copyBytes / rows / bytesPerScore).toFixed(1)}x smaller than the COPY table (${(copyBytes / rows).toFixed(0)} B)`, `<= ${TARGETS.bytesPerScore} ${mark(bytesPerScore <= TARGETS.bytesPerScore)}`],
      ...cold.map(([m, ms, health]) => [`cold leaderboard ${m}`, `${(ms / 1000).toFixed(2)} s`, `/healthz max ${health.toFixed(0)} ms`, `${(ms / TARGETS.coldMs).toFixed(2)} of target`, m.includes(",") ? `<= 3 s ${mark(ms <= TARGETS.coldMs)}` : ""]),
      ...(bootstrap
        ? [[`cold bootstrap, ${bootstrap[0]} samples (the cap)`, `${(bootstrap[1] / 1000).toFixed(2)} s`, `/healthz max ${bootstrap[2].toFixed(0)} ms`, `${(bootstrap[1] / DEFAULT_COMPUTE_TIMEOUT_MS).toFixed(2)} of the job time limit`, ""]]
        : []),
      ["cached leaderboard mean,borda,borda2 (median of 20)", `${cachedMs.toFixed(1)} ms`, "", `${(coldAll / cachedMs).toFixed(0)}x faster than cold`, `<= ${TARGETS.cachedMs} ms ${mark(cachedMs <= TARGETS.cachedMs)}`],
    ]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await compute.close();
    await database.close();
  }
}

export async function runInstanceBenches(): Promise<void> {
  const size = sizeOption();
  const concurrency = Math.max(1, Number(option("concurrency") ?? 2));
  const serverUrl = process.env.DATABASE_URL;
  const which = option("backend") ?? (serverUrl ? "both" : "pglite");
  const dir = mkdtempSync(path.join(tmpdir(), "podium-bench-instances-"));
  try {
    const data = writeData(dir, size);
    if (which === "postgres" || which === "both") {
      if (!serverUrl) throw new Error("--backend=postgres needs DATABASE_URL");
      await benchBackend(await postgresBackend(serverUrl), size, data, concurrency);
    }
    if (which === "pglite" || which === "both") await benchBackend(await pgliteBackend(), size, data, concurrency);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
