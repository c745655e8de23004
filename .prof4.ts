import { bootstrapInstanceLevel, type InstanceTable } from "./ranking/index.ts";
const S = 100, T = 10, I = 10000;
const table: InstanceTable = { systems: Array.from({ length: S }, (_, s) => `s${s}`), tasks: [] };
for (let t = 0; t < T; t++) {
  const scores = new Float64Array(S * I);
  for (let s = 0; s < S; s++) for (let i = 0; i < I; i++) scores[s * I + i] = ((i * 7 + t) % 101) + s / 1000 + Math.random() * 0.0009;
  table.tasks.push({ slug: `t${t}`, higherIsBetter: true, weight: 1, instances: Array.from({ length: I }, (_, i) => String(i)), scores });
}
for (const m of [["mean"], ["borda"], ["borda2"]] as const) {
  for (const samples of [1, 11]) {
    const t0 = performance.now(); const c0 = process.cpuUsage();
    bootstrapInstanceLevel(table, m as any, { samples, seed: 1 });
    const c = process.cpuUsage(c0);
    console.log(m[0], samples, "wall", (performance.now() - t0).toFixed(0), "cpu", ((c.user + c.system) / 1000).toFixed(0));
  }
}
