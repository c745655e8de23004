/**
 * Instance-level leaderboards (`level=instance`): the stored instance scores as a ranking
 * `InstanceTable` (per task: systems x instances, NaN missing) ranked with `rankInstances`.
 * Only systems with instance scores appear; a row's `scores` are its per-task means over its
 * instances, `submissionId`/`submittedAt` its newest instance upload. Pure: no I/O.
 */
import { bootstrapInstanceLevel, INSTANCE_METHODS, rankInstances, TASK_METHODS, type InstanceMethod, type InstanceTable } from "../ranking/index.ts";
import type { BenchmarkRecord, InstanceScores } from "../db/index.ts";
import type { Leaderboard, LeaderboardSystem, NormalizedQuery } from "./leaderboard-types.ts";
import { requiredTasks, splitByCoverage } from "./coverage.ts";
import { publicTask } from "./public-task.ts";
import { attachUncertainty } from "./uncertainty.ts";

/** Every method name of either level (query validation; the level decides which apply). */
export const LEADERBOARD_METHODS = [...TASK_METHODS, ...INSTANCE_METHODS.filter((m) => !(TASK_METHODS as readonly string[]).includes(m))] as [
  (typeof TASK_METHODS)[number] | InstanceMethod,
  ...((typeof TASK_METHODS)[number] | InstanceMethod)[],
];

/** The ranking input plus each system's per-task means (task slug -> mean of its instances). */
export function instanceTableOf(data: InstanceScores): { table: InstanceTable; means: Record<string, number>[] } {
  const n = data.systems.length;
  const systemIndex = new Map(data.systems.map((s, i) => [s.id, i]));
  const means: Record<string, number>[] = data.systems.map(() => ({}));
  const tasks = data.tasks.map((t) => ({ task: t, columns: new Map<string, number>(), cells: [] as InstanceScores["cells"] }));
  const byId = new Map(data.tasks.map((t, i) => [t.id, tasks[i]]));
  for (const cell of data.cells) {
    const t = byId.get(cell.taskId);
    if (!t || !systemIndex.has(cell.systemId)) continue;
    t.cells.push(cell);
    for (const inst of cell.instances) if (!t.columns.has(inst)) t.columns.set(inst, t.columns.size);
  }
  const table: InstanceTable = { systems: data.systems.map((s) => s.slug), tasks: [] };
  for (const { task, columns, cells } of tasks) {
    // Tasks without any instance score are left out (they would rank nobody).
    if (columns.size === 0) continue;
    const k = columns.size;
    const scores = new Float64Array(n * k).fill(NaN);
    for (const cell of cells) {
      const s = systemIndex.get(cell.systemId)!;
      let sum = 0;
      for (let j = 0; j < cell.instances.length; j++) {
        scores[s * k + columns.get(cell.instances[j])!] = cell.scores[j];
        sum += cell.scores[j];
      }
      if (cell.scores.length) means[s][task.slug] = sum / cell.scores.length;
    }
    table.tasks.push({ slug: task.slug, higherIsBetter: task.higherIsBetter, weight: task.weight, instances: [...columns.keys()], scores });
  }
  return { table, means };
}

export function computeInstanceLeaderboard(benchmark: Pick<BenchmarkRecord, "slug" | "name">, all: InstanceScores, query: NormalizedQuery): Leaderboard {
  // coverage policy: systems with instance scores on fewer tasks are left out of the ranking
  const need = query.minCoverage ? requiredTasks(query.minCoverage, all.tasks.length) : 0;
  const covered = new Map<number, Set<number>>();
  for (const cell of all.cells) if (cell.scores.length) (covered.get(cell.systemId) ?? covered.set(cell.systemId, new Set()).get(cell.systemId)!).add(cell.taskId);
  const { kept, below } = splitByCoverage(all.systems, (s) => covered.get(s.id)?.size ?? 0, need);
  const data = below.length ? { ...all, systems: kept } : all;
  const { table, means } = instanceTableOf(data);
  const ranked = rankInstances(table, query.methods as InstanceMethod[]);
  const index = new Map(data.systems.map((s, i) => [s.slug, i]));
  const rows: LeaderboardSystem[] = ranked.systems.map((r) => {
    const i = index.get(r.slug)!;
    const s = data.systems[i];
    // metadata: attached to the snapshot by the moderation view (service/moderation.ts visibleInstanceScores)
    return { slug: r.slug, name: s.name, url: s.url, metadata: (s as { metadata?: unknown }).metadata ?? null, submissionId: s.uploadId, submittedAt: s.uploadedAt, coverage: r.coverage, scores: means[i], results: r.results };
  });
  const lb: Leaderboard = {
    benchmark: { slug: benchmark.slug, name: benchmark.name, revision: data.revision },
    level: "instance",
    tasks: data.tasks.map(publicTask),
    methods: ranked.methods,
    systems: rows,
    agreement: ranked.agreement,
  };
  if (query.minCoverage) {
    lb.coverage = { minCoverage: query.minCoverage, requiredTasks: need };
    const { means: belowMeans } = below.length ? instanceTableOf({ ...all, systems: below }) : { means: [] };
    lb.incomplete = below.map((s, i) => ({ slug: s.slug, name: s.name, url: s.url, metadata: (s as { metadata?: unknown }).metadata ?? null, submissionId: s.uploadId, submittedAt: s.uploadedAt, coverage: covered.get(s.id)?.size ?? 0, scores: belowMeans[i] }));
  }
  const u = query.uncertainty;
  if (!u) return lb;
  // instances resampled within each task, in the snapshot's system order (not the first method's):
  // each method's groups depend on its own resamples only
  return attachUncertainty(lb, table.systems, u, (opts) => bootstrapInstanceLevel(table, query.methods as InstanceMethod[], opts));
}
