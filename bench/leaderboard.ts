/**
 * Leaderboard cache bench: a cold request (cache cleared: load scores + rank every method) vs a
 * hot one (one revision read, cached body), through the real app over in-memory PGlite.
 */
import { createApp } from "../api/app.ts";
import { parseConfig } from "../api/config.ts";
import { openMemoryDatabase } from "../db/node.ts";
import { createServices } from "../service/index.ts";
import { ms, now, printTable, rng } from "./util.ts";

const ADMIN = "bench-admin-token-0123456789";

async function medianAsync(fn: () => Promise<unknown>, runs: number, before?: () => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    before?.();
    const t0 = now();
    await fn();
    if (i >= 2) times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

export async function runLeaderboardBenches(): Promise<void> {
  const database = await openMemoryDatabase();
  const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN });
  const services = createServices(database, { adminToken: config.adminToken });
  const app = createApp({ services, config });
  const headers = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  try {
    const rows: (string | number)[][] = [["systems x tasks", "cold", "hot", "cold/hot"]];
    for (const [n, m] of [
      [100, 10],
      [500, 30],
    ] as const) {
      const slug = `b${n}x${m}`;
      const tasks = Array.from({ length: m }, (_, t) => ({ slug: `t${t}`, higherIsBetter: t % 5 !== 4 }));
      await app.request("/api/v1/benchmarks", { method: "POST", headers, body: JSON.stringify({ slug, name: slug, tasks }) });
      const r = rng(n * 31 + m);
      const submissions = Array.from({ length: n }, (_, s) => ({
        system: { slug: `s${s}` },
        scores: Object.fromEntries(tasks.filter(() => r() > 0.05).map((t) => [t.slug, Math.round(r() * 1000) / 10])),
      }));
      const res = await app.request(`/api/v1/benchmarks/${slug}/submissions`, { method: "POST", headers, body: JSON.stringify({ submissions }) });
      if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
      // kemeny on hundreds of random systems would dominate; bench the other methods
      const url = `/api/v1/benchmarks/${slug}/leaderboard?methods=mean,mean-minmax,mean-zscore,winrate,plurality,dowdall,borda,copeland,minimax`;
      const get = async () => (await app.request(url)).text();
      const cold = await medianAsync(get, 9, () => services.leaderboards.clearCache());
      const hot = await medianAsync(get, 31);
      rows.push([`${n} x ${m}`, ms(cold), ms(hot), `${(cold / hot).toFixed(1)}x`]);
    }
    printTable(rows);
  } finally {
    await database.close();
  }
}
