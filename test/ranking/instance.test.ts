/**
 * rankInstances (which streams column by column, without the flat table) against the flat
 * definition of SEMANTICS.md built from the task-level engine: every (task, instance) a column
 * of one Table weighted by its task's weight; borda = Borda of that table; borda2 = per task the
 * unweighted sum of its columns' Borda points, then Borda over tasks; the Condorcet winner of the
 * flat table. Bit for bit: same sums in the same order.
 */
import { describe, expect, it } from "vitest";
import { computeMethod, condorcetWinnerIndex, createRng, rankInstances, Table, type InstanceTable } from "../../ranking/index.ts";

function randomTable(seed: number, n: number, tasks: number, k: number, levels: number): InstanceTable {
  const rng = createRng(seed);
  return {
    systems: Array.from({ length: n }, (_, s) => `s${s}`),
    tasks: Array.from({ length: tasks }, (_, t) => ({
      slug: `t${t}`,
      higherIsBetter: rng.int(2) === 0,
      weight: 1 + rng.int(3) / 2,
      instances: Array.from({ length: k + rng.int(3) }, (_, i) => `i${i}`),
      scores: new Float64Array(0),
    })).map((t) => ({ ...t, scores: Float64Array.from({ length: n * t.instances.length }, () => (rng.int(6) === 0 ? NaN : rng.int(levels) / 4 - 1)) })),
  };
}

/** The reference: the flat table and the task-level engine. */
function reference(table: InstanceTable) {
  const n = table.systems.length;
  const cols: { ti: number; i: number }[] = [];
  table.tasks.forEach((t, ti) => t.instances.forEach((_, i) => cols.push({ ti, i })));
  const m = cols.length;
  const scores = new Float64Array(n * m);
  cols.forEach(({ ti, i }, j) => {
    const t = table.tasks[ti];
    for (let s = 0; s < n; s++) scores[s * m + j] = t.scores[s * t.instances.length + i];
  });
  const flat = new Table({
    systems: table.systems,
    tasks: cols.map(({ ti, i }) => `${ti}/${i}`),
    scores,
    higherIsBetter: cols.map(({ ti }) => table.tasks[ti].higherIsBetter),
    weights: cols.map(({ ti }) => table.tasks[ti].weight),
  });
  const borda = computeMethod(flat, "borda");
  // per column Borda points: the borda of that column alone with weight 1
  const T = table.tasks.length;
  const perTask = new Float64Array(n * T);
  cols.forEach(({ ti }, j) => {
    const one = new Table({ systems: table.systems, tasks: ["c"], scores: Float64Array.from({ length: n }, (_, s) => scores[s * m + j]), higherIsBetter: [flat.sign[j] > 0] });
    const p = computeMethod(one, "borda");
    for (let s = 0; s < n; s++) perTask[s * T + ti] += p[s];
  });
  const borda2 = computeMethod(
    new Table({ systems: table.systems, tasks: table.tasks.map((t) => t.slug), scores: perTask, weights: table.tasks.map((t) => t.weight) }),
    "borda",
  );
  const winner = condorcetWinnerIndex(flat);
  return { borda, borda2, condorcet: winner >= 0 ? table.systems[winner] : null };
}

describe("rankInstances equals the flat-table definition", () => {
  it.each([
    [1, 4, 2, 5, 3],
    [2, 7, 3, 9, 5],
    [3, 12, 4, 20, 40],
    [4, 3, 1, 1, 2],
    [5, 30, 2, 70, 8],
  ])("seed %i: %i systems, %i tasks, ~%i instances, %i score levels (ties, missing)", (seed, n, tasks, k, levels) => {
    const table = randomTable(seed, n, tasks, k, levels);
    const r = rankInstances(table, ["mean", "borda", "borda2"]);
    const want = reference(table);
    const bySlug = new Map(r.systems.map((s) => [s.slug, s]));
    table.systems.forEach((slug, s) => {
      expect(bySlug.get(slug)!.results.borda.score, `${slug} borda`).toBe(want.borda[s]);
      expect(bySlug.get(slug)!.results.borda2.score, `${slug} borda2`).toBe(want.borda2[s]);
    });
    expect(r.agreement.condorcetWinner).toBe(want.condorcet);
  });

  it("a clear winner on every instance is the Condorcet winner and first by every method", () => {
    const table = randomTable(9, 6, 3, 8, 4);
    for (const t of table.tasks) {
      const k = t.instances.length;
      for (let i = 0; i < k; i++) t.scores[2 * k + i] = t.higherIsBetter ? 10 : -10;
    }
    const r = rankInstances(table, ["mean", "borda", "borda2"]);
    expect(r.agreement.condorcetWinner).toBe("s2");
    for (const m of ["mean", "borda", "borda2"]) expect(r.systems.find((s) => s.slug === "s2")!.results[m].rank).toBe(1);
  });
});
