/** Small helpers shared by the bench files. */

export const now = (): number => performance.now();

/** Median wall time (ms) of `fn` over `runs` runs after `warmup` runs. */
export function timeMedian(fn: () => unknown, runs = 15, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Deterministic PRNG (LCG) in [0, 1). */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
}

export const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;

export function printTable(rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map(String));
  const w = cells[0].map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  for (const r of cells) console.log("  " + r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join("  "));
}
