/**
 * Instance-level ingestion: 1,000,000 CSV rows streamed through the real HTTP route
 * (`app.request` with a ReadableStream body, generated on the fly) into in-memory PGlite (or,
 * when DATABASE_URL is set, into a fresh `podium_bench_<pid>` database on that PostgreSQL server,
 * dropped afterwards), vs a baseline that only decodes and parses the same stream. Reports rows/s
 * and the peak RSS delta of each (sampled every 5 ms), and their ratio; and how long `/healthz`
 * waits while the upload runs (probed every 20 ms: the longest answer). `BENCH_INSTANCE_ROWS`
 * overrides the size.
 */
import { createApp } from "../api/app.ts";
import { parseConfig } from "../api/config.ts";
import { createScratchPostgresDatabase, openMemoryDatabase, type Database } from "../db/node.ts";
import { createServices } from "../service/index.ts";
import { createUploadParser } from "../service/instance-parse.ts";
import { now, printTable } from "./util.ts";

const ADMIN = "bench-admin-token-0123456789";
const TASKS = 10;
const ROWS_PER_CHUNK = 2_000;

/** `task,instance,score` rows over TASKS tasks, produced chunk by chunk (never the whole body in memory). */
function csvStream(rows: number): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  let headerSent = false;
  return new ReadableStream({
    // Each chunk arrives in a later macrotask, as from a socket: without this the whole upload is
    // one microtask chain and no timer (or other request) could run until it ends.
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(enc.encode("task,instance,score\n"));
        return;
      }
      if (i >= rows) return controller.close();
      let text = "";
      const end = Math.min(rows, i + ROWS_PER_CHUNK);
      for (; i < end; i++) text += `t${i % TASKS},doc-${Math.floor(i / TASKS)},${((i * 7919) % 10007) / 10007}\n`;
      controller.enqueue(enc.encode(text));
    },
  });
}

/** Run `fn`, sampling RSS; returns wall ms and the peak RSS above the RSS at start (MiB). */
async function measure(fn: () => Promise<void>): Promise<{ ms: number; peakMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms: now() - t0, peakMiB: (peak - base) / 2 ** 20 };
}

/**
 * Probe `/healthz` every 20 ms until `work` settles: the slowest answer, and the CPU time this
 * process spent meanwhile (PGlite runs on this thread: on an idle machine the wait is about that
 * CPU time; on a busy one the wall time grows, the CPU time does not).
 */
async function probeHealthWhile(app: ReturnType<typeof createApp>, work: Promise<unknown>): Promise<{ maxMs: number; cpuMs: number; probes: number }> {
  let settled = false;
  void work.finally(() => (settled = true)).catch(() => {});
  let slowest = { maxMs: 0, cpuMs: 0 };
  let probes = 0;
  while (!settled) {
    const t0 = now();
    const cpu0 = process.cpuUsage();
    const res = await app.request("/healthz");
    await res.text();
    const ms = now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (ms > slowest.maxMs) slowest = { maxMs: ms, cpuMs: (cpu.user + cpu.system) / 1000 };
    probes++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ...slowest, probes };
}

/** In-memory PGlite, or a fresh database on the DATABASE_URL server (dropped by close()). */
async function benchDatabase(): Promise<{ database: Database; label: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { database: await openMemoryDatabase(), label: "PGlite (in-memory)" };
  const { database } = await createScratchPostgresDatabase(serverUrl, `podium_bench_${process.pid}`);
  return { database, label: "PostgreSQL" };
}

export async function runInstanceBenches(): Promise<void> {
  const rows = Number(process.env.BENCH_INSTANCE_ROWS ?? 1_000_000);

  // Baseline: decode + parse the same stream, no validation or writes.
  let parsed = 0;
  const parseOnly = await measure(async () => {
    const parser = createUploadParser("csv", { row: () => void parsed++, problem: (p) => { throw new Error(p.message); } });
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for await (const chunk of csvStream(rows) as unknown as AsyncIterable<Uint8Array>) parser.push(decoder.decode(chunk, { stream: true }));
    parser.end();
  });
  if (parsed !== rows) throw new Error(`parsed ${parsed} rows, expected ${rows}`);

  const { database, label } = await benchDatabase();
  const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN });
  const app = createApp({ services: createServices(database, { adminToken: ADMIN }), config });
  const headers = { authorization: `Bearer ${ADMIN}` };
  try {
    const tasks = Array.from({ length: TASKS }, (_, t) => ({ slug: `t${t}` }));
    await app.request("/api/v1/benchmarks", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ slug: "ingest", name: "Ingest", tasks }) });
    let status = 0;
    let body = "";
    let health = { maxMs: 0, cpuMs: 0, probes: 0 };
    const ingest = await measure(async () => {
      const upload = Promise.resolve(app.request("/api/v1/benchmarks/ingest/systems/big/instances", {
        method: "POST",
        headers: { ...headers, "content-type": "text/csv" },
        body: csvStream(rows),
        duplex: "half",
      } as RequestInit));
      health = await probeHealthWhile(app, upload);
      const res = await upload;
      status = res.status;
      body = await res.text();
    });
    if (status !== 201) throw new Error(`upload failed: ${status} ${body}`);
    const t0 = now();
    const lb = await app.request("/api/v1/benchmarks/ingest/leaderboard?level=instance&methods=mean");
    const lbMs = now() - t0;
    if (lb.status !== 200) throw new Error(`leaderboard failed: ${lb.status}`);

    const rate = (ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString("en-US")} rows/s`;
    printTable([
      [`${rows.toLocaleString("en-US")} rows (${TASKS} tasks)`, "time", "throughput", "peak RSS delta"],
      ["parse only (baseline)", `${(parseOnly.ms / 1000).toFixed(2)} s`, rate(parseOnly.ms), `${parseOnly.peakMiB.toFixed(0)} MiB`],
      [`HTTP upload -> ${label}`, `${(ingest.ms / 1000).toFixed(2)} s`, rate(ingest.ms), `${ingest.peakMiB.toFixed(0)} MiB`],
      ["ratio (upload / baseline)", `${(ingest.ms / parseOnly.ms).toFixed(1)}x`, "", `${(ingest.peakMiB / Math.max(1, parseOnly.peakMiB)).toFixed(1)}x`],
    ]);
    console.log(`  /healthz during the upload: longest wait ${(health.maxMs / 1000).toFixed(2)} s (CPU meanwhile ${(health.cpuMs / 1000).toFixed(2)} s; ${health.probes} probes)`);
    console.log(`  level=instance leaderboard (mean) over the ${rows.toLocaleString("en-US")} stored rows: ${(lbMs / 1000).toFixed(2)} s`);
  } finally {
    await database.close();
  }
}
