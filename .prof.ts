import { createScratchPostgresDatabase, loadInstanceScores, replaceInstanceVectors, internInstanceNames, transaction, insertBenchmark } from "./db/index.ts";
import { instanceTableOf, computeInstanceLeaderboard } from "./service/instance-leaderboard.ts";
import { rankInstances } from "./ranking/index.ts";
import { createComputePool } from "./service/compute-pool.ts";
const S = 100, T = 10, I = 10000;
const { database } = await createScratchPostgresDatabase("postgres://postgres@127.0.0.1:5432/postgres", "podium_prof_inst");
const db = database.db;
try {
  const b = await insertBenchmark(db, { slug: "v", name: "V", tasks: Array.from({ length: T }, (_, t) => ({ slug: `t${t}`, name: `t${t}` })) } as any);
  await transaction(db, (tx) => internInstanceNames(tx, b.id, Array.from({ length: I }, (_, i) => `doc-${i}`)));
  for (let s = 0; s < S; s++) {
    const vectors = b.tasks.map((t: any, ti: number) => ({ taskId: t.id, scores: Float64Array.from({ length: I }, (_, i) => ((i * 7 + ti) % 101) + s / 1000 + Math.random() * 0.0009) }));
    await transaction(db, (tx) => replaceInstanceVectors(tx, b.id, `sys-${String(s).padStart(3, "0")}`, vectors, T * I));
  }
  const pool = createComputePool({ workers: 2 });
  await new Promise((r) => setTimeout(r, 8000));
  for (let rep = 0; rep < 4; rep++) {
    let t0 = performance.now();
    const data = (await loadInstanceScores(db, b.id))!;
    const tl = performance.now() - t0;
    t0 = performance.now();
    await pool.run({ kind: "instanceLeaderboard", benchmark: { slug: "v", name: "V" }, data, query: { level: "instance", methods: ["mean", "borda", "borda2"] } as any });
    console.log("load", tl.toFixed(0), "pool", (performance.now() - t0).toFixed(0));
  }
  await pool.close();
} finally {
  await database.close();
}
