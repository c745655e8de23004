import { createScratchPostgresDatabase, loadInstanceScores, replaceInstanceVectors, internInstanceNames, transaction, insertBenchmark } from "./db/index.ts";
import { instanceTableOf, computeInstanceLeaderboard } from "./service/instance-leaderboard.ts";
import { rankInstances } from "./ranking/index.ts";
const S = 100, T = 10, I = 10000;
const { database } = await createScratchPostgresDatabase("postgres://postgres@127.0.0.1:5432/postgres", "podium_prof_inst3");
const db = database.db;
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const time = async <T>(label: string, f: () => T | Promise<T>): Promise<T> => { const t0 = performance.now(), c0 = cpu(); const r = await f(); console.log(label, "wall", (performance.now() - t0).toFixed(0), "cpu", (cpu() - c0).toFixed(0)); return r; };
try {
  const b = await insertBenchmark(db, { slug: "v", name: "V", tasks: Array.from({ length: T }, (_, t) => ({ slug: `t${t}`, name: `t${t}` })) } as any);
  await transaction(db, (tx) => internInstanceNames(tx, b.id, Array.from({ length: I }, (_, i) => `doc-${i}`)));
  for (let s = 0; s < S; s++) {
    const vectors = b.tasks.map((t: any, ti: number) => ({ taskId: t.id, scores: Float64Array.from({ length: I }, (_, i) => ((i * 7 + ti) % 101) + s / 1000 + Math.random() * 0.0009) }));
    await transaction(db, (tx) => replaceInstanceVectors(tx, b.id, `sys-${String(s).padStart(3, "0")}`, vectors, T * I));
  }
  for (let rep = 0; rep < 3; rep++) {
    const data = (await time("load", () => loadInstanceScores(db, b.id)))!;
    const { table } = await time("tableOf", () => instanceTableOf(data));
    await time("rank", () => rankInstances(table, ["mean", "borda", "borda2"]));
    const lb = await time("full compute", () => computeInstanceLeaderboard({ slug: "v", name: "V" }, data, { level: "instance", methods: ["mean", "borda", "borda2"] } as any));
    await time("json", () => JSON.stringify(lb).length);
  }
} finally {
  await database.close();
}
