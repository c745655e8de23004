/**
 * Instance-level methods (SEMANTICS.md "Instance-level methods"): each task has instances, and
 * every (task, instance) column is ranked like a task. `mean`, one-level `borda`, two-level `borda2`.
 */
import { addBordaPoints, computeMethod, condorcetWinnerIndex } from "./methods.ts";
import { buildResponse, outcomeFromScores, type MethodOutcome } from "./response.ts";
import { Table } from "./table.ts";
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

/** Every (task, instance) as a column of one task-level Table, weighted by its task's weight. */
function flatTable(table: InstanceTable): Table {
  const n = table.systems.length;
  const cols: string[] = [];
  const higher: boolean[] = [];
  const weights: number[] = [];
  for (const t of table.tasks)
    for (const i of t.instances) {
      cols.push(`${t.slug}/${i}`);
      higher.push(t.higherIsBetter);
      weights.push(t.weight);
    }
  const m = cols.length;
  const scores = new Float64Array(n * m);
  let off = 0;
  for (const t of table.tasks) {
    const k = t.instances.length;
    for (let s = 0; s < n; s++) for (let i = 0; i < k; i++) scores[s * m + off + i] = t.scores[s * k + i];
    off += k;
  }
  return new Table({ systems: table.systems, tasks: cols, scores, higherIsBetter: higher, weights });
}

/** One value per (system, task) from that task's instance columns (a systems x instances slice). */
function taskLevelTable(table: InstanceTable, perTask: (t: InstanceTask, ti: number) => Float64Array, direction: (t: InstanceTask) => boolean): Table {
  const n = table.systems.length;
  const m = table.tasks.length;
  const scores = new Float64Array(n * m);
  table.tasks.forEach((t, ti) => {
    const v = perTask(t, ti);
    for (let s = 0; s < n; s++) scores[s * m + ti] = v[s];
  });
  return new Table({
    systems: table.systems,
    tasks: table.tasks.map((t) => t.slug),
    scores,
    higherIsBetter: table.tasks.map(direction),
    weights: table.tasks.map((t) => t.weight),
  });
}

export function rankInstances(table: InstanceTable, methods: readonly InstanceMethod[] = INSTANCE_METHODS): RankResponse {
  const n = table.systems.length;
  if (n === 0) throw new RankingInputError([{ field: "systems", message: "at least one system is required" }]);
  for (const meth of methods)
    if (!(INSTANCE_METHODS as readonly string[]).includes(meth))
      throw new RankingInputError([{ field: "methods", message: `unknown instance-level method "${meth}"` }]);
  const flat = flatTable(table);
  const means = taskLevelTable(
    table,
    (t) => {
      const k = t.instances.length;
      const out = new Float64Array(n);
      for (let s = 0; s < n; s++) {
        let sum = 0;
        let c = 0;
        for (let i = 0; i < k; i++) {
          const v = t.scores[s * k + i];
          if (v === v) (sum += v), c++;
        }
        out[s] = c ? sum / c : NaN;
      }
      return out;
    },
    (t) => t.higherIsBetter,
  );
  const outcomes: MethodOutcome[] = methods.map((method) => {
    if (method === "mean") return outcomeFromScores(method, computeMethod(means, "mean"));
    if (method === "borda") return outcomeFromScores(method, computeMethod(flat, "borda"));
    // borda2: per task, the unweighted sum over its instances of the Borda points, then Borda over tasks
    let col = 0;
    const perTask = taskLevelTable(
      table,
      (t) => {
        const out = new Float64Array(n);
        for (let i = 0; i < t.instances.length; i++) addBordaPoints(flat, col++, 1, out);
        return out;
      },
      () => true,
    );
    return outcomeFromScores(method, computeMethod(perTask, "borda"));
  });
  return buildResponse(table.systems, means.coverage, outcomes, condorcetWinnerIndex(flat));
}
