/**
 * Robustness of one method's ranking (`GET /api/v1/benchmarks/{slug}/robustness`):
 * leave-one-task-out agreement and winners, and the Condorcet winner.
 */
import { DEFAULT_KEMENY_BUDGET_MS, defaultNow, type KemenyOptions } from "./kemeny.ts";
import { condorcetWinnerIndex } from "./methods.ts";
import { kendallTauB } from "./ranks.ts";
import { methodRanks, rankOrder, weightedColumns } from "./resample.ts";
import type { Table } from "./table.ts";
import { isTaskMethod, pairwiseLimitIssue, RankingInputError, TASK_METHODS, type TaskMethod } from "./types.ts";

/** Default total Kemeny budget of a robustness analysis, in per-solve budgets. */
export const ROBUSTNESS_KEMENY_TOTAL_BUDGETS = 1;

export interface RobustnessOptions {
  /** Kemeny time budget per solve (the full table and each reduced one), default DEFAULT_KEMENY_BUDGET_MS. */
  kemenyBudgetMs?: number;
  /**
   * Kemeny budget of all the solves together (default ROBUSTNESS_KEMENY_TOTAL_BUDGETS x
   * kemenyBudgetMs): each solve gets at most its fair share of what is left, so the whole
   * analysis stays bounded however many tasks there are.
   */
  kemenyTotalBudgetMs?: number;
  /** Clock for the Kemeny solver (see BootstrapOptions.now). */
  now?: () => number;
  /** The method's full-data ranks (aligned with the systems), e.g. the leaderboard's own; computed when absent. */
  fullRanks?: ArrayLike<number>;
}

export interface LeaveOneTaskOut {
  /** The task left out. */
  task: string;
  /** Kendall tau-b between the full ranking and the ranking without the task; null when undefined (a ranking is one tie, or n < 2). */
  kendallTau: number | null;
  /** The first system without the task: best rank, ties broken by input order (as RankResponse.systems). */
  top1: string;
  /** Every system ranked first without the task (length > 1 when tied for first). */
  top1Tied: string[];
}

export interface RobustnessReport {
  method: TaskMethod;
  /** The first system on the full data (best rank, ties by input order). */
  top1: string;
  /** One entry per task, in task order. */
  leaveOneTaskOut: LeaveOneTaskOut[];
  /** Tasks whose removal changes top1. */
  top1Changes: string[];
  /** Smallest leave-one-out kendallTau (null if none is defined). */
  minKendallTau: number | null;
  /** The system that strictly beats every other in the pairwise matrix M (any method), and its rank under `method`. */
  condorcet: { winner: string | null; rank: number | null };
  /** Kemeny only: whether every order was proven optimal. */
  kemenyExact?: boolean;
}

function firsts(table: Table, ranks: ArrayLike<number>): { top1: string; tied: string[] } {
  const order = rankOrder(ranks);
  const best = ranks[order[0]];
  return { top1: table.systems[order[0]], tied: order.filter((s) => ranks[s] === best).map((s) => table.systems[s]) };
}

function check(table: Table, method: TaskMethod, opts: RobustnessOptions): void {
  if (!isTaskMethod(method))
    throw new RankingInputError([{ field: "method", message: `unknown method "${method}" (known: ${TASK_METHODS.join(", ")})` }]);
  if (table.n === 0) throw new RankingInputError([{ field: "systems", message: "at least one system is required" }]);
  if (opts.fullRanks && opts.fullRanks.length !== table.n) throw new RankingInputError([{ field: "fullRanks", message: `must have one rank per system (${table.n})` }]);
  const tooLarge = pairwiseLimitIssue(table.n, [method]);
  if (tooLarge) throw new RankingInputError([{ ...tooLarge, field: "method" }]);
}

/**
 * Kemeny options for each of `solves` solves sharing `total` clock units: a solve gets at most
 * `perSolve`, and at most an even share of what is left. The solve's start is the clock reading
 * its budget is computed from (passed as startedAt: one clock read per solve, as before).
 */
function sharedKemenyBudget(perSolve: number, total: number, solves: number, now: () => number): () => KemenyOptions {
  const end = now() + total;
  let left = solves;
  return () => {
    const startedAt = now();
    const share = Math.max(0, end - startedAt) / Math.max(1, left--);
    return { budgetMs: Math.min(perSolve, share), now, startedAt };
  };
}

function analyse(table: Table, method: TaskMethod, opts: RobustnessOptions): { full: ArrayLike<number>; entries: LeaveOneTaskOut[]; exact: boolean } {
  check(table, method, opts);
  const perSolve = opts.kemenyBudgetMs ?? DEFAULT_KEMENY_BUDGET_MS;
  const nextKemeny =
    method === "kemeny"
      ? sharedKemenyBudget(perSolve, opts.kemenyTotalBudgetMs ?? ROBUSTNESS_KEMENY_TOTAL_BUDGETS * perSolve, table.m + (opts.fullRanks ? 0 : 1), opts.now ?? defaultNow)
      : () => ({});
  let exact = true;
  let full = opts.fullRanks;
  if (!full) {
    const r = methodRanks(table, method, nextKemeny());
    exact = r.exact;
    full = r.ranks;
  }
  const keep = new Int32Array(table.m);
  const entries = table.tasks.map((task, t) => {
    keep.fill(1);
    keep[t] = 0;
    const r = methodRanks(weightedColumns(table, keep), method, nextKemeny());
    exact &&= r.exact;
    const { top1, tied } = firsts(table, r.ranks);
    return { task, kendallTau: kendallTauB(full, r.ranks), top1, top1Tied: tied };
  });
  return { full, entries, exact };
}

/** For every task: the method's ranking without it, against the full ranking. */
export function leaveOneTaskOut(table: Table, method: TaskMethod, opts: RobustnessOptions = {}): LeaveOneTaskOut[] {
  return analyse(table, method, opts).entries;
}

/** The body of the robustness endpoint: leave-one-task-out, its summary, and the Condorcet winner. */
export function robustnessReport(table: Table, method: TaskMethod, opts: RobustnessOptions = {}): RobustnessReport {
  const { full, entries, exact } = analyse(table, method, opts);
  const { top1 } = firsts(table, full);
  const taus = entries.map((e) => e.kendallTau).filter((x): x is number => x !== null);
  const cw = condorcetWinnerIndex(table);
  const report: RobustnessReport = {
    method,
    top1,
    leaveOneTaskOut: entries,
    top1Changes: entries.filter((e) => e.top1 !== top1).map((e) => e.task),
    minKendallTau: taus.length ? Math.min(...taus) : null,
    condorcet: { winner: cw >= 0 ? table.systems[cw] : null, rank: cw >= 0 ? full[cw] : null },
  };
  if (method === "kemeny") report.kemenyExact = exact;
  return report;
}
