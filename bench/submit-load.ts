/**
 * Write throughput: N concurrent clients (autocannon connections) submitting single submissions
 * to ONE benchmark of a real server (`npm start`) on a scratch PostgreSQL database.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/submit-load.ts [clients] [seconds]
 *
 * Prints submissions/s and the error count. Not part of `npm run bench` (it needs PostgreSQL).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { createScratchPostgresDatabase } from "../db/index.ts";
import { freePort, start, stop, waitHealthy } from "../test/helpers/server.ts";

/** CPU time (user + system, ms) of a process so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error("set DATABASE_URL to a PostgreSQL server (a scratch database is created and dropped)");
const clients = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 10);
const adminToken = "pod_bench-admin-token-0123456789";

// close() drops the scratch database.
const { database, url } = await createScratchPostgresDatabase(serverUrl, `podium_bench_${process.pid}`);
const server = start({ DATABASE_URL: url, PODIUM_ADMIN_TOKEN: adminToken, PODIUM_RATE_LIMIT_PER_MINUTE: "0" }, await freePort());
try {
  await waitHealthy(server);
  const base = `http://127.0.0.1:${server.port}`;
  const auth = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const created = await fetch(`${base}/api/v1/benchmarks`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ slug: "load", name: "Load", tasks: [{ slug: "a" }, { slug: "b" }, { slug: "c" }] }),
  });
  if (created.status !== 201) throw new Error(`create benchmark: ${created.status} ${await created.text()}`);

  let n = 0;
  const cpuBefore = cpuMs(server.child.pid!);
  const result = await autocannon({
    url: `${base}/api/v1/benchmarks/load/submissions`,
    connections: clients,
    duration: seconds,
    method: "POST",
    headers: auth,
    requests: [
      {
        // A different system per request (200 systems): writers contend on the benchmark, not on one system.
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ system: { slug: `sys-${n++ % 200}` }, scores: { a: Math.random(), b: 1, c: 2 } }) }),
      },
    ],
  });
  const cpuPerWrite = (cpuMs(server.child.pid!) - cpuBefore) / Math.max(1, result["2xx"]);
  const ok = result["2xx"];
  const failed = result.non2xx + result.errors + result.timeouts;
  const revision = (await (await fetch(`${base}/api/v1/benchmarks/load`)).json()) as { revision?: number };
  console.log(
    `${clients} clients, ${seconds} s: ${(ok / seconds).toFixed(0)} submissions/s, ${failed} failed, latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, server CPU ${cpuPerWrite.toFixed(1)} ms/submission, revision ${revision.revision}`,
  );
} finally {
  await stop(server);
  await database.close();
}
