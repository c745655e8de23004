/**
 * Pairwise evidence (SEMANTICS.md "Pairwise evidence", after Himmi et al. 2023): for every
 * ordered pair of systems, the share of the columns (tasks, or (task, instance) pairs) scored by
 * both where the first beats the second, ties counting half, the number n of those columns, and
 * the one-sided Hoeffding half-width sqrt(ln(1/delta) / (2n)). Pure: no I/O.
 */
import type { InstanceTable } from "./instance.ts";
import { tied } from "./ranks.ts";
import type { Table } from "./table.ts";

export const DEFAULT_PAIRWISE_DELTA = 0.05;

/**
 * Most pair-column comparisons one matrix may take (n (n - 1) / 2 per column): about a second
 * of work. GLUE's 105 x 14 is 76,440; 100 systems with 200,000 instance scores each is ~10^9.
 */
export const MAX_PAIRWISE_EVIDENCE_WORK = 1_000_000_000;

/** Most systems a matrix lists: 4 matrices of n^2 cells (500: a ~6 MB JSON body). */
export const MAX_PAIRWISE_EVIDENCE_SYSTEMS = 500;

export interface PairwiseEvidence {
  systems: string[];
  /** wins[i][j]: share of the common columns where systems[i] beats systems[j] (ties half); null on the diagonal and when n = 0. */
  wins: (number | null)[][];
  /** n[i][j]: columns scored by both (0 on the diagonal). */
  n: number[][];
  /** sqrt(ln(1/delta) / (2 n)); null on the diagonal and when n = 0. */
  halfWidth: (number | null)[][];
  /** wins - halfWidth > 1/2 (false on the diagonal and when n = 0). */
  separated: boolean[][];
}

/** Comparisons a matrix over `columns` columns of `systems` systems takes. */
export function pairwiseEvidenceWork(systems: number, columns: number): number {
  return ((systems * (systems - 1)) / 2) * columns;
}

/**
 * Adds one column's outcomes: `values` holds the column's oriented scores (higher is better,
 * NaN missing) at values[off + s]. twice[i * n + j] counts 2 per win of i over j and 1 per tie;
 * count[i * n + j] the columns both scored.
 */
function addColumn(values: ArrayLike<number>, off: number, stride: number, n: number, twice: Float64Array, count: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const a = values[off + i * stride];
    if (a !== a) continue;
    for (let j = i + 1; j < n; j++) {
      const b = values[off + j * stride];
      if (b !== b) continue;
      count[i * n + j]++;
      // tied(a, b), with the common case (clearly apart) decided without it
      const d = a > b ? a - b : b - a;
      if (d <= 1e-9 || (d <= 1e-9 * (1 + (a < 0 ? -a : a) + (b < 0 ? -b : b)) && tied(a, b))) {
        twice[i * n + j]++;
        twice[j * n + i]++;
      } else if (a > b) twice[i * n + j] += 2;
      else twice[j * n + i] += 2;
    }
  }
}

function assemble(systems: string[], twice: Float64Array, count: Float64Array, delta: number): PairwiseEvidence {
  const n = systems.length;
  const log = Math.log(1 / delta);
  const out: PairwiseEvidence = { systems, wins: [], n: [], halfWidth: [], separated: [] };
  for (let i = 0; i < n; i++) {
    const wins: (number | null)[] = [];
    const ns: number[] = [];
    const hw: (number | null)[] = [];
    const sep: boolean[] = [];
    for (let j = 0; j < n; j++) {
      const c = i === j ? 0 : count[Math.min(i, j) * n + Math.max(i, j)];
      ns.push(c);
      if (c === 0) {
        wins.push(null);
        hw.push(null);
        sep.push(false);
        continue;
      }
      const share = twice[i * n + j] / (2 * c);
      const h = Math.sqrt(log / (2 * c));
      wins.push(share);
      hw.push(h);
      sep.push(share - h > 0.5);
    }
    out.wins.push(wins);
    out.n.push(ns);
    out.halfWidth.push(hw);
    out.separated.push(sep);
  }
  return out;
}

/** Task level: the columns are the table's tasks (each in its direction); task weights play no part. */
export function pairwiseTaskLevel(table: Table, delta = DEFAULT_PAIRWISE_DELTA): PairwiseEvidence {
  const { n, m } = table;
  const twice = new Float64Array(n * n);
  const count = new Float64Array(n * n);
  const o = table.oriented; // task-major: o[t * n + s]
  for (let t = 0; t < m; t++) addColumn(o, t * n, 1, n, twice, count);
  return assemble(table.systems, twice, count, delta);
}

/** Instance level: the columns are every (task, instance), each in its task's direction. */
export function pairwiseInstanceLevel(table: InstanceTable, delta = DEFAULT_PAIRWISE_DELTA): PairwiseEvidence {
  const n = table.systems.length;
  const twice = new Float64Array(n * n);
  const count = new Float64Array(n * n);
  for (const task of table.tasks) {
    const k = task.instances.length;
    const sign = task.higherIsBetter ? 1 : -1;
    const oriented = sign === 1 ? task.scores : task.scores.map((v) => -v);
    // systems x instances row-major: column i is oriented[i + s * k]
    for (let i = 0; i < k; i++) addColumn(oriented, i, k, n, twice, count);
  }
  return assemble(table.systems, twice, count, delta);
}
