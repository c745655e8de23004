/**
 * Bootstrap uncertainty on leaderboards (README "Uncertainty and robustness"; the statistics
 * are ranking/bootstrap.ts, defined in ranking/README.md). Level-neutral: the caller supplies
 * the bootstrap of its level (tasks or instances) and this module adds `interval`, `pTop1`,
 * `tieGroups` and the `uncertainty` metadata to a computed leaderboard. Pure: no I/O.
 */
import {
  BOOTSTRAP_INTERVAL,
  DEFAULT_BOOTSTRAP_SAMPLES,
  MAX_BOOTSTRAP_SAMPLES,
  PAIRWISE_METHODS,
  TIE_GROUP_SEPARATION,
  type BootstrapOptions,
  type BootstrapResult,
  type InstanceTable,
} from "../ranking/index.ts";
import { invalid } from "./errors.ts";
import type { Leaderboard, UncertaintyCell, UncertaintyMethod, UncertaintyQuery, UncertaintySummary } from "./leaderboard-types.ts";

export type { UncertaintyCell, UncertaintyMethod, UncertaintyQuery, UncertaintySummary } from "./leaderboard-types.ts";

/** The query parameters as received (`samples`/`seed` are ignored without `uncertainty`). */
export interface UncertaintyParams {
  uncertainty?: UncertaintyMethod;
  samples?: number;
  seed?: number;
}

export const DEFAULT_SEED = 0;
/** Seeds are unsigned 32-bit integers (the PRNG takes seeds modulo 2^32: one spelling per seed). */
export const MAX_SEED = 2 ** 32 - 1;
/** Kemeny costs ~3-5 ms per resample on 100 systems: its samples are capped lower. */
export const MAX_KEMENY_SAMPLES = 2000;
/**
 * Per-resample Kemeny budget in solver steps (not milliseconds): the solver reads its clock once
 * per local-search pass and once per 1024 branch-and-bound nodes, and the clock handed to it
 * counts those reads. So a resample either is proven optimal within this much work or uses the
 * best order found after it, on every machine: same seed, same answer. On GLUE (105 systems)
 * ~99.7% of resamples are proven optimal within 50 steps.
 */
export const BOOTSTRAP_KEMENY_STEPS = 50;

/** A work-counting clock for the Kemeny solver (`now: () => steps++`). */
export function stepClock(): () => number {
  let steps = 0;
  return () => steps++;
}

/** Defaults and the cross-field rule (kemeny caps samples); 400 naming the field. */
export function normalizeUncertainty(params: UncertaintyParams, methods: readonly string[]): UncertaintyQuery | undefined {
  if (params.uncertainty === undefined) return undefined;
  if (params.uncertainty !== "bootstrap") throw invalid("unknown uncertainty method", [{ field: "uncertainty", message: 'must be "bootstrap"' }]);
  const samples = params.samples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  const seed = params.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_BOOTSTRAP_SAMPLES)
    throw invalid("invalid samples", [{ field: "samples", message: `must be an integer 1..${MAX_BOOTSTRAP_SAMPLES}` }]);
  if (methods.includes("kemeny") && samples > MAX_KEMENY_SAMPLES)
    throw invalid("too many samples for kemeny", [{ field: "samples", message: `must be at most ${MAX_KEMENY_SAMPLES} when kemeny is among the methods` }]);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw invalid("invalid seed", [{ field: "seed", message: `must be an integer 0..${MAX_SEED}` }]);
  return { method: "bootstrap", samples, seed };
}

/**
 * Bootstrap work cap, in resampled score cells (samples x scores in the table: systems x tasks
 * at task level, stored instance scores at instance level). A resample costs about a
 * microsecond per cell or more, so the cap keeps a request within the compute time limit;
 * GLUE (105 x 14) keeps its full 10000 samples.
 */
export const MAX_BOOTSTRAP_CELL_SAMPLES = 16_000_000;

/**
 * The instance-level cap: a resample there reweights Borda points computed once (a few
 * nanoseconds per stored score and method, ranking/bootstrap.ts instanceRanker), so 10M instance
 * scores get 50 samples, about 3 s of CPU (bench: `npm run bench instances`).
 */
export const MAX_INSTANCE_BOOTSTRAP_CELL_SAMPLES = 500_000_000;

/**
 * Pairwise methods (copeland, minimax, kemeny) rebuild the n x n pairwise matrix on every
 * resample, n^2 m operations each: a cap of its own, in those operations times samples (about
 * a second of work per 10^9). GLUE (105 x 14) keeps up to 6478 samples; 3,000 x 20 gets 5.
 */
export const MAX_BOOTSTRAP_PAIRWISE_WORK = 1_000_000_000;

/**
 * 400 naming `samples` (with this table's maximum) when the bootstrap is too much work: over
 * `cells` scores, and for pairwise methods over a `systems` x `systems` x `tasks` matrix per resample.
 */
export function checkBootstrapWork(
  u: UncertaintyQuery | undefined,
  cells: number,
  pairwise?: { systems: number; tasks: number; methods: readonly string[] },
  maxCellSamples = MAX_BOOTSTRAP_CELL_SAMPLES,
): void {
  if (!u || cells === 0) return;
  const perResamplePairwise = pairwise && pairwise.methods.some((m) => (PAIRWISE_METHODS as readonly string[]).includes(m)) ? pairwise.systems ** 2 * pairwise.tasks : 0;
  const max = Math.min(Math.floor(maxCellSamples / cells), perResamplePairwise ? Math.floor(MAX_BOOTSTRAP_PAIRWISE_WORK / perResamplePairwise) : Infinity);
  if (u.samples <= max) return;
  const what = perResamplePairwise ? `${cells} scores, pairwise methods` : `${cells} scores`;
  throw invalid("too many samples for this table", [
    {
      field: "samples",
      message: max >= 1 ? `must be at most ${max} for this table (${what})` : `this table (${what}) is too large for a bootstrap`,
    },
  ]);
}

/** Cache-key part ("" without uncertainty, so plain leaderboards keep their keys). */
export function uncertaintyKey(u: UncertaintyQuery | undefined): string {
  return u ? `|${u.method}:${u.samples}:${u.seed}` : "";
}

/**
 * Adds the bootstrap to a leaderboard: `bootstrap` runs the level's resampling
 * (`bootstrapTaskLevel(table, methods, opts)` or `bootstrapInstanceLevel(...)`) over a table
 * whose systems are `systems` (in that order; pass the snapshot's order, not the rows', so that
 * no method's answer depends on which method is listed first: ties within a tie group follow
 * it). The leaderboard's own ranks are passed as
 * `fullRanks`, so the groups follow the displayed ranks and Kemeny's full solve is not repeated.
 */
export function attachUncertainty(
  lb: Leaderboard,
  systems: readonly string[],
  u: UncertaintyQuery,
  bootstrap: (opts: BootstrapOptions) => BootstrapResult,
): Leaderboard {
  const summary: UncertaintySummary = {
    method: u.method,
    level: lb.level,
    samples: u.samples,
    seed: u.seed,
    percentiles: [BOOTSTRAP_INTERVAL[0], BOOTSTRAP_INTERVAL[1]],
    separation: TIE_GROUP_SEPARATION,
  };
  if (systems.length === 0) {
    if (lb.methods.includes("kemeny")) summary.kemeny = { budgetSteps: BOOTSTRAP_KEMENY_STEPS, exactResamples: 0 };
    return { ...lb, tieGroups: Object.fromEntries(lb.methods.map((m) => [m, []])), uncertainty: summary };
  }
  const index = new Map(systems.map((s, i) => [s, i]));
  const fullRanks: Record<string, Int32Array> = {};
  for (const method of lb.methods) {
    const ranks = (fullRanks[method] = new Int32Array(systems.length));
    for (const row of lb.systems) ranks[index.get(row.slug)!] = row.results[method].rank;
  }
  const boot = bootstrap({ samples: u.samples, seed: u.seed, kemenyBudgetMs: BOOTSTRAP_KEMENY_STEPS, now: stepClock(), fullRanks });
  if (boot.kemeny) summary.kemeny = { budgetSteps: boot.kemeny.budgetMs, exactResamples: boot.kemeny.exactResamples };
  const rows = lb.systems.map((row) => {
    const i = index.get(row.slug)!;
    const results: typeof row.results = {};
    for (const [method, cell] of Object.entries(row.results)) {
      const b = boot.results[method]?.[i];
      results[method] = b ? { ...cell, interval: b.interval, pTop1: b.pTop1 } : cell;
    }
    return { ...row, results };
  });
  return { ...lb, systems: rows, tieGroups: boot.tieGroups, uncertainty: summary };
}

/** The same instance table with its systems (rows of every task) in `order` (a permutation of its systems). */
export function reorderInstanceTable(table: InstanceTable, order: readonly string[]): InstanceTable {
  const from = new Map(table.systems.map((s, i) => [s, i]));
  const perm = order.map((s) => from.get(s)!);
  return {
    systems: [...order],
    tasks: table.tasks.map((t) => {
      const k = t.instances.length;
      const scores = new Float64Array(perm.length * k);
      perm.forEach((src, dst) => scores.set(t.scores.subarray(src * k, src * k + k), dst * k));
      return { ...t, scores };
    }),
  };
}

/** CSV header cells of one method's uncertainty columns. */
export function uncertaintyCsvHeader(method: string): string[] {
  return [`${method}_lo`, `${method}_hi`, `${method}_ptop1`];
}

/** CSV cells matching uncertaintyCsvHeader (empty when absent). */
export function uncertaintyCsvCells(cell: Partial<UncertaintyCell> | undefined): string[] {
  return cell?.interval ? [String(cell.interval[0]), String(cell.interval[1]), String(cell.pTop1)] : ["", "", ""];
}
