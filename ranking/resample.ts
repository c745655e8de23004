/**
 * Shared pieces of the bootstrap and robustness analyses: tables over a multiset of columns,
 * and the ranks of one task-level method.
 */
import { solveKemeny, type KemenyOptions } from "./kemeny.ts";
import { computeMethod, type ScoreMethod } from "./methods.ts";
import { ranksFromOrder, ranksFromScores } from "./ranks.ts";
import { Table, type TableSpec, type TaskRanks } from "./table.ts";
import type { TaskMethod } from "./types.ts";

/**
 * A table over some columns of a parent table: a column's per-task ranks depend on that column
 * alone, so they are copied from the parent (computed once) instead of sorted again.
 */
class ColumnSubset extends Table {
  private subsetRanks?: TaskRanks;
  constructor(
    spec: TableSpec,
    private readonly parent: Table,
    private readonly cols: readonly number[],
  ) {
    super(spec);
  }

  override get ranks(): TaskRanks {
    if (!this.subsetRanks) {
      const { n } = this;
      const from = this.parent.ranks;
      const avgRank = new Float64Array(n * this.cols.length);
      const count = new Int32Array(this.cols.length);
      this.cols.forEach((t, j) => {
        avgRank.set(from.avgRank.subarray(t * n, (t + 1) * n), j * n);
        count[j] = from.count[t];
      });
      this.subsetRanks = { avgRank, count };
    }
    return this.subsetRanks;
  }
}

/**
 * The table restricted to the columns with a positive multiplicity, each column's weight
 * multiplied by its multiplicity (directions kept). Every method of SEMANTICS.md is linear in
 * the task weights, so this ranks exactly like the table holding each column `mult[t]` times.
 */
export function weightedColumns(table: Table, mult: ArrayLike<number>): Table {
  const { n, m } = table;
  const cols: number[] = [];
  for (let t = 0; t < m; t++) if (mult[t] > 0) cols.push(t);
  const k = cols.length;
  const scores = new Float64Array(n * k);
  for (let s = 0; s < n; s++) for (let j = 0; j < k; j++) scores[s * k + j] = table.scores[s * m + cols[j]];
  const spec: TableSpec = {
    systems: table.systems,
    tasks: cols.map((t) => table.tasks[t]),
    scores,
    higherIsBetter: cols.map((t) => table.sign[t] > 0),
    weights: cols.map((t) => table.weights[t] * mult[t]),
  };
  return new ColumnSubset(spec, table, cols);
}

export interface MethodRanks {
  /** Competition ranks (1 = best); kemeny: position in the order. */
  ranks: Int32Array;
  /** False only for a kemeny order not proven optimal within the budget. */
  exact: boolean;
  /** Kemeny only: the order (system indices, best first). */
  order?: number[];
}

/** Ranks of one task-level method; kemeny via solveKemeny with the given options (time budget, clock). */
export function methodRanks(table: Table, method: TaskMethod, kemeny: KemenyOptions = {}): MethodRanks {
  if (method !== "kemeny") return { ranks: ranksFromScores(computeMethod(table, method as ScoreMethod)), exact: true };
  const r = solveKemeny(table.pairwise, table.n, kemeny);
  return { ranks: ranksFromOrder(r.order, table.n), exact: r.exact, order: r.order };
}

/** System indices sorted by rank, ties in input order (the order of RankResponse.systems). */
export function rankOrder(ranks: ArrayLike<number>): number[] {
  return Array.from({ length: ranks.length }, (_, i) => i).sort((a, b) => ranks[a] - ranks[b] || a - b);
}
