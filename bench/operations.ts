/**
 * Operations overhead, through the real app over in-memory PGlite, each a ratio against a
 * baseline measured in the same run (nothing asserted):
 * - a cached leaderboard GET with the Node entry's request log (pino, to /dev/null) and metrics
 *   (prom-client) vs the same app without them;
 * - a submission with an Idempotency-Key (reserve + store the answer) vs one without, and the
 *   replay of a key vs a fresh submission.
 */
import pino from "pino";
import { createApp } from "../api/app.ts";
import { parseConfig } from "../api/config.ts";
import { createNodeObservability } from "../api/observability-node.ts";
import { openMemoryDatabase } from "../db/node.ts";
import { createServices } from "../service/index.ts";
import { now, printTable, rng } from "./util.ts";

const ADMIN = "bench-admin-token-0123456789";
const headers = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };

/** Requests per second of `fn` run `n` times in a row (after 50 warm-up calls). */
async function rate(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(-1 - i);
  const t0 = now();
  for (let i = 0; i < n; i++) await fn(i);
  return (n * 1000) / (now() - t0);
}

export async function runOperationsBenches(): Promise<void> {
  const database = await openMemoryDatabase();
  const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN, PODIUM_RATE_LIMIT_PER_MINUTE: "0" });
  const services = createServices(database, { adminToken: config.adminToken });
  const plain = createApp({ services, config });
  const observability = createNodeObservability({ leaderboards: services.leaderboards, compute: services.compute, computeWorkers: 1 }, pino(pino.destination("/dev/null")));
  const observed = createApp({ services, config, observability });

  const random = rng(7);
  const tasks = Array.from({ length: 10 }, (_, i) => ({ slug: `t${i}` }));
  await plain.request("/api/v1/benchmarks", { method: "POST", headers, body: JSON.stringify({ slug: "b", name: "B", tasks }) });
  const submissions = Array.from({ length: 100 }, (_, i) => ({ system: { slug: `s${i}` }, scores: Object.fromEntries(tasks.map((t) => [t.slug, random()])) }));
  await plain.request("/api/v1/benchmarks/b/submissions", { method: "POST", headers, body: JSON.stringify({ submissions }) });

  const read = (app: typeof plain) => async () => {
    const res = await app.request("/api/v1/benchmarks/b/leaderboard?methods=mean,borda");
    await res.arrayBuffer();
  };
  const baseRead = await rate(2000, read(plain));
  const loggedRead = await rate(2000, read(observed));

  const submit = (key?: (i: number) => string) => async (i: number) => {
    const res = await plain.request("/api/v1/benchmarks/b/submissions", {
      method: "POST",
      headers: key ? { ...headers, "idempotency-key": key(i) } : headers,
      body: JSON.stringify({ system: { slug: `w${i % 50}` }, scores: { t0: i } }),
    });
    if (res.status !== 201) throw new Error(`submission: ${res.status}`);
    await res.arrayBuffer();
  };
  const baseWrite = await rate(300, submit());
  const keyedWrite = await rate(300, submit((i) => `k-${i}`));
  // replays: the same key and body again (no write)
  await submit(() => "replayed")(7);
  const replay = await rate(300, async () => submit(() => "replayed")(7));

  printTable([
    ["operation", "req/s", "vs baseline"],
    ["cached leaderboard GET (baseline)", baseRead.toFixed(0), "1.00"],
    ["  + pino request log + prom-client metrics", loggedRead.toFixed(0), (loggedRead / baseRead).toFixed(2)],
    ["submission (baseline)", baseWrite.toFixed(0), "1.00"],
    ["  with a fresh Idempotency-Key", keyedWrite.toFixed(0), (keyedWrite / baseWrite).toFixed(2)],
    ["  replay of a kept answer", replay.toFixed(0), (replay / baseWrite).toFixed(2)],
  ]);
  await database.close();
}
