/**
 * Hot reads under load: the real server (a child process) on PostgreSQL when DATABASE_URL is
 * set, else embedded PGlite; autocannon at 50 connections against `/healthz` and the cached
 * GLUE leaderboard (gzip), its badge and its page. Reported as req/s and as a share of
 * `/healthz` measured just before (targets: JSON >= 0.5, badge >= 0.5, page >= 0.3).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { parseWideCsv, slugifyAll } from "../cli/csv.ts";
import { createScratchPostgresDatabase, type Database } from "../db/index.ts";
import { freePort, start, stop, waitHealthy } from "../test/helpers/server.ts";
import { printTable, rng } from "./util.ts";

const ADMIN = "pod_bench-admin-token-0123456789";
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/** GLUE from the shared data when present (105 systems x 11 tasks), else a table of that shape. */
function glueTable(): { tasks: string[]; systems: { slug: string; name: string; scores: Record<string, number> }[] } {
  const candidates = [path.resolve(import.meta.dirname, "../../shared/data/glue.csv"), "/work/shared/data/glue.csv"];
  const file = candidates.find(existsSync);
  if (file) {
    const wide = parseWideCsv(readFileSync(file, "utf8"));
    const tasks = slugifyAll(wide.tasks);
    const slugs = slugifyAll(wide.systems.map((s) => s.name));
    return {
      tasks,
      systems: wide.systems.map((s, i) => ({
        slug: slugs[i],
        name: s.name,
        scores: Object.fromEntries(wide.tasks.flatMap((t, j) => (s.scores[t] === null || s.scores[t] === undefined ? [] : [[tasks[j], s.scores[t] as number]]))),
      })),
    };
  }
  const r = rng(105);
  const tasks = Array.from({ length: 11 }, (_, t) => `task${t}`);
  return { tasks, systems: Array.from({ length: 105 }, (_, i) => ({ slug: `system-${i}`, name: `System ${i}`, scores: Object.fromEntries(tasks.map((t) => [t, Math.round(r() * 1000) / 10])) })) };
}

async function post(base: string, route: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${route}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST ${route}: ${res.status} ${await res.text()}`);
}

async function reqPerSec(url: string, headers: Record<string, string> = {}): Promise<number> {
  const warm = await fetch(url, { headers });
  if (warm.status !== 200) throw new Error(`${url}: ${warm.status}`);
  await warm.arrayBuffer();
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

export async function runHotReadBenches(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  let scratch: Database | undefined;
  let dataDir: string | undefined;
  const env: Record<string, string> = { PODIUM_ADMIN_TOKEN: ADMIN, PODIUM_RATE_LIMIT_PER_MINUTE: "0" };
  if (serverUrl) {
    const created = await createScratchPostgresDatabase(serverUrl, `podium_bench_${randomBytes(4).toString("hex")}`);
    scratch = created.database;
    env.DATABASE_URL = created.url;
  } else env.PODIUM_DATA_DIR = dataDir = mkdtempSync(path.join(tmpdir(), "podium-bench-"));
  const server = start(env, await freePort());
  try {
    await waitHealthy(server);
    const base = `http://127.0.0.1:${server.port}`;
    const glue = glueTable();
    await post(base, "/api/v1/benchmarks", { slug: "glue", name: "GLUE", tasks: glue.tasks.map((slug) => ({ slug })) });
    await post(base, "/api/v1/benchmarks/glue/submissions", { submissions: glue.systems.map((s) => ({ system: { slug: s.slug, name: s.name }, scores: s.scores })) });
    const badgeOf = glue.systems[0].slug;
    const gzip = { "accept-encoding": "gzip" };
    const br = { "accept-encoding": "gzip, deflate, br" };
    const targets: [string, string, Record<string, string>, number | null][] = [
      ["leaderboard JSON (gzip)", "/api/v1/benchmarks/glue/leaderboard", gzip, 0.5],
      ["leaderboard JSON (br)", "/api/v1/benchmarks/glue/leaderboard", br, null],
      ["leaderboard JSON (identity)", "/api/v1/benchmarks/glue/leaderboard", {}, null],
      ["badge.svg", `/api/v1/benchmarks/glue/systems/${badgeOf}/badge.svg`, gzip, 0.5],
      ["GLUE page (gzip)", "/benchmarks/glue", gzip, 0.3],
      ["GLUE page (br)", "/benchmarks/glue", br, null],
    ];
    const rows: (string | number)[][] = [["read", "req/s", "/healthz req/s", "x /healthz", "target"]];
    // /healthz right before each read: on a shared machine the load drifts within a run.
    for (const [name, route, headers, target] of targets) {
      const healthz = await reqPerSec(`${base}/healthz`);
      const rps = await reqPerSec(`${base}${route}`, headers);
      rows.push([name, Math.round(rps), Math.round(healthz), (rps / healthz).toFixed(2), target === null ? "" : `>= ${target}`]);
    }
    console.log(`  ${serverUrl ? "PostgreSQL" : "PGlite"}, ${CONNECTIONS} connections, ${SECONDS} s each, GLUE ${glue.systems.length} x ${glue.tasks.length}`);
    printTable(rows);
  } finally {
    await stop(server);
    await scratch?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

// `npx tsx bench/hot-reads.ts` runs this group alone.
if (import.meta.url === `file://${process.argv[1]}`) await runHotReadBenches();
