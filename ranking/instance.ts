/**
 * Instance-level methods (SEMANTICS.md "Instance-level methods"): each task has instances, and
 * every (task, instance) column is ranked like a task. `mean`, one-level `borda`, two-level `borda2`.
 */
import { computeMethod } from "./methods.ts";
import { tied } from "./ranks.ts";
import { buildResponse, outcomeFromScores, type MethodOutcome } from "./response.ts";
import { averageRankInSorted, Table } from "./table.ts";
import { INSTANCE_METHODS, RankingInputError, type InstanceMethod, type RankResponse } from "./types.ts";

export interface InstanceTask {
  slug: string;
  higherIsBetter: boolean;
  weight: number;
  instances: string[];
  /** systems x instances row-major, NaN missing. */
  scores: Float64Array;
}
export interface InstanceTable {
  systems: string[];
  tasks: InstanceTask[];
}

/**
 * Per (task, instance) column, every system's Borda points, streamed to `add(taskIndex, points)`
 * column by column (tasks in order, instances in order): the points of SEMANTICS.md as
 * addBordaPoints (methods.ts) computes them from the column's average ranks, without building
 * the flat systems x columns table (10^5 columns of 10^2 systems: three 80 MB copies saved).
 * A column's ranks: its values sorted (native sort), each system's found by binary search.
 */
/** Columns transposed at a time by forEachColumnPoints. */
const COLUMN_BLOCK = 64;

function forEachColumnPoints(table: InstanceTable, add: (ti: number, points: Float64Array) => void): void {
  const n = table.systems.length;
  const block = new Float64Array(COLUMN_BLOCK * n);
  const sorted = new Float64Array(n);
  const points = new Float64Array(n);
  const unscored = (n - 1) / 2;
  let currentTask = 0;
  table.tasks.forEach((t, ti) => {
    currentTask = ti;
    const k = t.instances.length;
    const sign = t.higherIsBetter ? 1 : -1;
    const x = t.scores;
    for (let i0 = 0; i0 < k; i0 += COLUMN_BLOCK) {
      // a block of columns, transposed: each system's row is read in runs (not one cache miss a value)
      const width = Math.min(COLUMN_BLOCK, k - i0);
      for (let s = 0; s < n; s++) {
        const row = s * k + i0;
        for (let j = 0; j < width; j++) block[j * n + s] = sign * x[row + j] + 0;
      }
      for (let j = 0; j < width; j++) columnPoints(block.subarray(j * n, (j + 1) * n));
    }
  });

  function columnPoints(oriented: Float64Array): void {
    {
      let c = 0;
      for (let s = 0; s < n; s++) {
        const v = oriented[s];
        if (v === v) sorted[c++] = v;
      }
      const values = sorted.subarray(0, c);
      values.sort();
      const missing = n - c;
      for (let s = 0; s < n; s++) {
        const v = oriented[s];
        if (v !== v) {
          points[s] = unscored;
          continue;
        }
        const r = averageRankInSorted(values, v);
        points[s] = c - r + (missing * (c + 1 - r)) / (c + 1);
      }
      add(currentTask, points);
    }
  }
}

/**
 * The Condorcet winner over every (task, instance) column weighted by its task's weight (as
 * condorcetWinnerIndex of the flat table, methods.ts: the same sums in the same order), or -1.
 */
function instanceCondorcetWinner(table: InstanceTable): number {
  const n = table.systems.length;
  const majority = (s: number, u: number): number => {
    let su = 0;
    let us = 0;
    for (const t of table.tasks) {
      const k = t.instances.length;
      const sign = t.higherIsBetter ? 1 : -1;
      const w = t.weight;
      const x = t.scores;
      const bs = s * k;
      const bu = u * k;
      for (let i = 0; i < k; i++) {
        const a = sign * x[bs + i];
        const b = sign * x[bu + i];
        if (a !== a || b !== b) continue;
        if (a > b) su += w;
        else if (a < b) us += w;
        else {
          su += w / 2;
          us += w / 2;
        }
      }
    }
    return tied(su, us) ? 0 : su > us ? 1 : -1;
  };
  if (n === 0) return -1;
  let candidate = 0;
  for (let s = 1; s < n; s++) if (majority(candidate, s) <= 0) candidate = s;
  for (let u = 0; u < n; u++) if (u !== candidate && majority(candidate, u) <= 0) return -1;
  return candidate;
}

/** n x tasks table of per-(system, task) values. */
function perTaskTable(table: InstanceTable, scores: Float64Array, higherIsBetter: (t: InstanceTask) => boolean): Table {
  return new Table({
    systems: table.systems,
    tasks: table.tasks.map((t) => t.slug),
    scores,
    higherIsBetter: table.tasks.map(higherIsBetter),
    weights: table.tasks.map((t) => t.weight),
  });
}

export function rankInstances(table: InstanceTable, methods: readonly InstanceMethod[] = INSTANCE_METHODS): RankResponse {
  const n = table.systems.length;
  if (n === 0) throw new RankingInputError([{ field: "systems", message: "at least one system is required" }]);
  for (const meth of methods)
    if (!(INSTANCE_METHODS as readonly string[]).includes(meth))
      throw new RankingInputError([{ field: "methods", message: `unknown instance-level method "${meth}"` }]);
  const m = table.tasks.length;
  // per task, each system's mean over its scored instances
  const meanScores = new Float64Array(n * m);
  table.tasks.forEach((t, ti) => {
    const k = t.instances.length;
    for (let s = 0; s < n; s++) {
      let sum = 0;
      let c = 0;
      for (let i = 0; i < k; i++) {
        const v = t.scores[s * k + i];
        if (v === v) (sum += v), c++;
      }
      meanScores[s * m + ti] = c ? sum / c : NaN;
    }
  });
  const means = perTaskTable(table, meanScores, (t) => t.higherIsBetter);
  // one-level borda: every column's points weighted by its task's weight; borda2: per task the
  // unweighted sum of its columns' points, then Borda over tasks
  const bordaSums = new Float64Array(n);
  const taskPoints = new Float64Array(n * m);
  if (methods.some((meth) => meth !== "mean"))
    forEachColumnPoints(table, (ti, points) => {
      const w = table.tasks[ti].weight;
      for (let s = 0; s < n; s++) {
        bordaSums[s] += w * points[s];
        taskPoints[s * m + ti] += 1 * points[s];
      }
    });
  const outcomes: MethodOutcome[] = methods.map((method) => {
    if (method === "mean") return outcomeFromScores(method, computeMethod(means, "mean"));
    if (method === "borda") return outcomeFromScores(method, bordaSums);
    return outcomeFromScores(method, computeMethod(perTaskTable(table, taskPoints, () => true), "borda"));
  });
  return buildResponse(table.systems, means.coverage, outcomes, instanceCondorcetWinner(table));
}
