/** A task as readers see it; its own module so that pure compute code (the worker) needs no database module. */
import type { TaskRecord } from "../db/index.ts";

/** A task as readers see it (the benchmark's JSON and leaderboard columns): no id, no position. */
export type PublicTask = Omit<TaskRecord, "id" | "position">;

export function publicTask(t: TaskRecord): PublicTask {
  return { slug: t.slug, name: t.name, metric: t.metric, higherIsBetter: t.higherIsBetter, weight: t.weight, group: t.group };
}
