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

/** Scores stored in a snapshot (the non-NaN entries of its vectors: the size of an instance-level bootstrap). */
export function instanceScoreCount(data: Pick<InstanceScores, "cells">): number {
  let count = 0;
  for (const cell of data.cells) {
    const v = cell.scores;
    for (let i = 0; i < v.length; i++) if (v[i] === v[i]) count++;
  }
  return count;
}

/** The vectors' buffers, to transfer (not copy) a snapshot to a worker thread. */
export function instanceBuffers(data: Pick<InstanceScores, "cells">): ArrayBuffer[] {
  return data.cells.map((c) => c.scores.buffer as ArrayBuffer);
}

/**
 * The ranking input plus each system's per-task means (task slug -> mean of its instances).
 * A task's columns are the instance ordinals some system scored on it, in ordinal order (the
 * instance "names" are the ordinals: nothing shown depends on them).
 */
export function instanceTableOf(data: InstanceScores): { table: InstanceTable; means: Record<string, number>[] } {
  const n = data.systems.length;
  const systemIndex = new Map(data.systems.map((s, i) => [s.id, i]));
  const means: Record<string, number>[] = data.systems.map(() => ({}));
  const byTask = new Map(data.tasks.map((t) => [t.id, [] as InstanceScores["cells"]]));
  for (const cell of data.cells) if (systemIndex.has(cell.systemId)) byTask.get(cell.taskId)?.push(cell);
  const table: InstanceTable = { systems: data.systems.map((s) => s.slug), tasks: [] };
  for (const task of data.tasks) {
    const cells = byTask.get(task.id)!;
    // the ordinals scored by some system on this task -> column
    let width = 0;
    for (const c of cells) width = Math.max(width, c.scores.length);
    const column = new Int32Array(width).fill(-1);
    for (const c of cells) {
      const v = c.scores;
      for (let i = 0; i < v.length; i++) if (v[i] === v[i]) column[i] = 0;
    }
    let k = 0;
    for (let i = 0; i < width; i++) if (column[i] === 0) column[i] = k++;
    // Tasks without any instance score are left out (they would rank nobody).
    if (k === 0) continue;
    const scores = new Float64Array(n * k).fill(NaN);
    for (const c of cells) {
      const s = systemIndex.get(c.systemId)!;
      const v = c.scores;
      const row = s * k;
      let sum = 0;
      let count = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== x) continue;
        scores[row + column[i]] = x;
        sum += x;
        count++;
      }
      if (count) means[s][task.slug] = sum / count;
    }
    const instances: string[] = [];
    for (let i = 0; i < width; i++) if (column[i] >= 0) instances.push(String(i));
    table.tasks.push({ slug: task.slug, higherIsBetter: task.higherIsBetter, weight: task.weight, instances, scores });
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
