/**
 * Bootstrap uncertainty of rankings (README "Uncertainty and robustness"; definitions in README.md).
 *
 * Task level: each resample draws m tasks with replacement (a task drawn c times counts c
 * times: it is ranked as the table holding that column c times, computed as one column of
 * weight c * w_t). Instance level: each task's instances are drawn with replacement, k_t of
 * them for a task with k_t instances. Every requested method is ranked on the same resamples,
 * and the draws do not depend on the methods, so adding a method never changes another's answer.
 *
 * Per system and method: `interval` = nearest-rank 2.5th and 97.5th percentiles of its rank
 * over the resamples, `pTop1` = share of resamples where it ranks first (a k-way tie for first
 * gives 1/k each). `tieGroups`: the full-data rank order (ties: input order) cut where every
 * system sharing the group's first rank ranks strictly above every system sharing the next rank
 * in at least 95% of the resamples; systems sharing a rank are never split.
 */
import { DEFAULT_KEMENY_BUDGET_MS, type KemenyOptions } from "./kemeny.ts";
import type { InstanceTable } from "./instance.ts";
import { ranksFromScores, tied } from "./ranks.ts";
import { createRng } from "./random.ts";
import { methodRanks, rankOrder, weightedColumns } from "./resample.ts";
import { computeTaskRanks, Table } from "./table.ts";
import { INSTANCE_METHODS, pairwiseLimitIssue, RankingInputError, TASK_METHODS, type InputIssue, type InstanceMethod, type TaskMethod } from "./types.ts";

export const DEFAULT_BOOTSTRAP_SAMPLES = 1000;
export const MAX_BOOTSTRAP_SAMPLES = 10_000;
/** Per-resample Kemeny time budget (the main answer keeps DEFAULT_KEMENY_BUDGET_MS). */
export const DEFAULT_BOOTSTRAP_KEMENY_BUDGET_MS = 20;
/**
 * Largest Kemeny component solved by subset DP in a resample (the main answer keeps 20): the DP
 * does not watch the clock, and branch and bound proves components of this size quickly.
 */
export const BOOTSTRAP_KEMENY_DP_MAX = 14;
/** The interval's percentiles (as fractions) and the share of resamples that separates two systems. */
export const BOOTSTRAP_INTERVAL: readonly [number, number] = [0.025, 0.975];
export const TIE_GROUP_SEPARATION = 0.95;

export interface BootstrapOptions {
  /** Number of resamples, 1..MAX_BOOTSTRAP_SAMPLES (default 1000). */
  samples?: number;
  /** PRNG seed, an integer taken modulo 2^32 (default 0). Same seed, same answer. */
  seed?: number;
  /** Kemeny time budget per resample (default 20 ms): intervals use the best order found. */
  kemenyBudgetMs?: number;
  /** Kemeny time budget of the full-data order (default DEFAULT_KEMENY_BUDGET_MS); ignored when fullRanks has kemeny. */
  fullKemenyBudgetMs?: number;
  /**
   * Clock handed to the Kemeny solver (default performance.now). A step counter such as
   * `() => steps++` turns the budgets into work budgets, so kemeny is deterministic even when
   * resamples time out.
   */
  now?: () => number;
  /** Full-data ranks per method (aligned with the systems), e.g. the leaderboard's own; computed when absent. */
  fullRanks?: Partial<Record<string, ArrayLike<number>>>;
}

/** One system under one method. */
export interface SystemUncertainty {
  /** Full-data rank. */
  rank: number;
  /** [lo, hi]: nearest-rank 2.5th and 97.5th percentiles of the resampled rank (lo <= hi, 1 = best). */
  interval: [number, number];
  /** Share of resamples where the system ranks first; a k-way tie for first counts 1/k. Sums to 1 over systems. */
  pTop1: number;
}

export interface BootstrapResult {
  level: "task" | "instance";
  samples: number;
  seed: number;
  systems: string[];
  methods: string[];
  /** results[method][i] is systems[i] under that method. */
  results: Record<string, SystemUncertainty[]>;
  /** tieGroups[method]: slugs in full-data rank order (ties: input order), cut into indistinguishable groups. */
  tieGroups: Record<string, string[][]>;
  /** Present iff kemeny was requested (task level). */
  kemeny?: {
    budgetMs: number;
    /** Resamples whose Kemeny order was proven optimal; below `samples`, kemeny intervals use best-found orders. */
    exactResamples: number;
    /** Whether the full-data order was proven optimal (null when given in fullRanks). */
    fullExact: boolean | null;
  };
}

/** Nearest-rank percentile of sorted values: the k-th smallest with k = max(1, ceil(q * N)), q in [0, 1]. */
export function nearestRankPercentile(sorted: ArrayLike<number>, q: number): number {
  const N = sorted.length;
  if (N === 0) throw new RangeError("no values");
  // the 1e-9 keeps q * N from landing a hair above an integer (0.975 * 40 = 39.00000000000001)
  const k = Math.min(N, Math.max(1, Math.ceil(q * N - 1e-9)));
  return sorted[k - 1];
}

/** Rank samples of one method: ranks[r * n + s], plus kemeny's tie-aware separation counts. */
class MethodSamples {
  readonly ranks: Int32Array;
  /** top1.get(k)[s]: resamples where s shares first place with k - 1 others (exact counts, divided at the end). */
  readonly top1 = new Map<number, Int32Array>();
  /** Kemeny only: above[a * n + b] = resamples placing a above b with M(a,b) != M(b,a). */
  readonly above?: Int32Array;

  constructor(
    readonly n: number,
    readonly samples: number,
    kemeny: boolean,
  ) {
    this.ranks = new Int32Array(n * samples);
    if (kemeny) this.above = new Int32Array(n * n);
  }

  add(r: number, ranks: Int32Array, M?: Float64Array): void {
    const { n } = this;
    this.ranks.set(ranks, r * n);
    let firsts = 0;
    for (let s = 0; s < n; s++) if (ranks[s] === 1) firsts++;
    let counts = this.top1.get(firsts);
    if (!counts) this.top1.set(firsts, (counts = new Int32Array(n)));
    for (let s = 0; s < n; s++) if (ranks[s] === 1) counts[s]++;
    const above = this.above;
    if (above && M)
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) if (ranks[a] < ranks[b] && !tied(M[a * n + b], M[b * n + a])) above[a * n + b]++;
  }

  /** Resamples in which a ranks strictly above b (kemeny: and not by breaking an exact pairwise tie). */
  separation(a: number, b: number): number {
    if (this.above) return this.above[a * this.n + b];
    const { n, ranks } = this;
    let c = 0;
    for (let o = 0; o < ranks.length; o += n) if (ranks[o + a] < ranks[o + b]) c++;
    return c;
  }

  /** sum over k of (resamples with a k-way tie for first that include s) / (k * samples); exact without ties. */
  private pTop1(s: number): number {
    let p = 0;
    for (const k of [...this.top1.keys()].sort((a, b) => a - b)) p += this.top1.get(k)![s] / (k * this.samples);
    return p;
  }

  summarize(full: ArrayLike<number>, systems: string[]): { cells: SystemUncertainty[]; groups: string[][] } {
    const { n, samples, ranks } = this;
    const col = new Int32Array(samples);
    const cells: SystemUncertainty[] = [];
    for (let s = 0; s < n; s++) {
      for (let r = 0; r < samples; r++) col[r] = ranks[r * n + s];
      col.sort();
      cells.push({
        rank: full[s],
        interval: [nearestRankPercentile(col, BOOTSTRAP_INTERVAL[0]), nearestRankPercentile(col, BOOTSTRAP_INTERVAL[1])],
        pTop1: this.pTop1(s),
      });
    }
    // Walk the full-data rank levels (systems sharing a rank form one level, never split). A
    // level starts a new group when EVERY leader (the current group's first level) ranks
    // strictly above EVERY system of the level in >= 95% of the resamples (integer form), else
    // it joins the group: a function of the ranks and this method's resamples only, whatever
    // order the systems come in.
    const groups: string[][] = [];
    let leaders: number[] = [];
    const order = rankOrder(full);
    for (let p = 0; p < order.length; ) {
      let q = p + 1;
      while (q < order.length && full[order[q]] === full[order[p]]) q++;
      const level = order.slice(p, q);
      p = q;
      const separated = leaders.length > 0 && leaders.every((a) => level.every((b) => 20 * this.separation(a, b) >= 19 * samples));
      if (leaders.length === 0 || separated) {
        groups.push([]);
        leaders = level;
      }
      groups[groups.length - 1].push(...level.map((s) => systems[s]));
    }
    return { cells, groups };
  }
}

interface Resolved {
  samples: number;
  seed: number;
}

function resolveOptions(opts: BootstrapOptions, n: number, methods: readonly string[], known: readonly string[]): Resolved {
  const issues: InputIssue[] = [];
  const samples = opts.samples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_BOOTSTRAP_SAMPLES)
    issues.push({ field: "samples", message: `must be an integer from 1 to ${MAX_BOOTSTRAP_SAMPLES}` });
  if (!Number.isInteger(seed)) issues.push({ field: "seed", message: "must be an integer" });
  if (opts.kemenyBudgetMs !== undefined && !(opts.kemenyBudgetMs >= 0)) issues.push({ field: "kemenyBudgetMs", message: "must be a number >= 0" });
  if (n === 0) issues.push({ field: "systems", message: "at least one system is required" });
  for (const [method, ranks] of Object.entries(opts.fullRanks ?? {}))
    if (ranks && ranks.length !== n) issues.push({ field: `fullRanks.${method}`, message: `must have one rank per system (${n})` });
  methods.forEach((m, i) => {
    if (!known.includes(m)) issues.push({ field: `methods[${i}]`, message: `unknown method "${m}" (known: ${known.join(", ")})` });
  });
  const tooLarge = pairwiseLimitIssue(n, methods);
  if (tooLarge) issues.push(tooLarge);
  if (issues.length) throw new RankingInputError(issues);
  return { samples, seed };
}

function assemble(
  level: BootstrapResult["level"],
  { samples, seed }: Resolved,
  systems: string[],
  methods: readonly string[],
  acc: MethodSamples[],
  full: ArrayLike<number>[],
): BootstrapResult {
  const results: Record<string, SystemUncertainty[]> = {};
  const tieGroups: Record<string, string[][]> = {};
  methods.forEach((method, j) => {
    const { cells, groups } = acc[j].summarize(full[j], systems);
    results[method] = cells;
    tieGroups[method] = groups;
  });
  return { level, samples, seed, systems, methods: [...methods], results, tieGroups };
}

/** Ranks of every method on one task-level resample given as per-task multiplicities. */
export function rankTaskResample(
  table: Table,
  methods: readonly TaskMethod[],
  mult: ArrayLike<number>,
  kemeny: KemenyOptions = {},
): { ranks: Int32Array[]; table: Table; kemenyExact: boolean } {
  const t = weightedColumns(table, mult);
  let kemenyExact = true;
  const ranks = methods.map((method) => {
    const r = methodRanks(t, method, kemeny);
    kemenyExact &&= r.exact;
    return r.ranks;
  });
  return { ranks, table: t, kemenyExact };
}

/** Bootstrap over tasks (drawn with replacement, m per resample). */
export function bootstrapTaskLevel(table: Table, methods: readonly TaskMethod[], opts: BootstrapOptions = {}): BootstrapResult {
  const { n, m } = table;
  const resolved = resolveOptions(opts, n, methods, TASK_METHODS);
  const { samples } = resolved;
  const budgetMs = opts.kemenyBudgetMs ?? DEFAULT_BOOTSTRAP_KEMENY_BUDGET_MS;
  const rng = createRng(resolved.seed);

  let fullExact: boolean | null = null;
  const full = methods.map((method) => {
    const given = opts.fullRanks?.[method];
    if (given) return given;
    const r = methodRanks(table, method, { budgetMs: opts.fullKemenyBudgetMs ?? DEFAULT_KEMENY_BUDGET_MS, now: opts.now });
    if (method === "kemeny") fullExact = r.exact;
    return r.ranks;
  });

  const kemenyAt = methods.indexOf("kemeny");
  const acc = methods.map((method) => new MethodSamples(n, samples, method === "kemeny"));
  const mult = new Int32Array(m);
  let exactResamples = 0;
  for (let r = 0; r < samples; r++) {
    mult.fill(0);
    for (let j = 0; j < m; j++) mult[rng.int(m)]++;
    const res = rankTaskResample(table, methods, mult, { budgetMs, now: opts.now, dpMax: BOOTSTRAP_KEMENY_DP_MAX });
    if (res.kemenyExact) exactResamples++;
    res.ranks.forEach((ranks, j) => acc[j].add(r, ranks, j === kemenyAt ? res.table.pairwise : undefined));
  }
  const out = assemble("task", resolved, table.systems, methods, acc, full);
  if (kemenyAt >= 0) out.kemeny = { budgetMs, exactResamples, fullExact };
  return out;
}

/**
 * Ranks of the instance-level methods when instance i of task t counts counts[t][i] times
 * (all ones: the full data; equals rankInstances).
 */
export function rankInstanceResample(table: InstanceTable, methods: readonly InstanceMethod[], counts: ArrayLike<number>[]): Int32Array[] {
  return instanceRanker(table, methods)(counts);
}

/**
 * Prepares the flat (task, instance) table once; the returned function ranks one resample.
 * A column's Borda points depend on that column alone, and a resample only repeats or drops
 * columns: the points of every column are computed once (n x K), and a resample's borda and
 * borda2 are weighted sums of them (the same products, added in the same column order, as
 * ranking the resampled table: bit for bit). Nothing of the size of the table is copied per
 * resample, so 10M instance scores take tens of milliseconds a resample.
 */
function instanceRanker(table: InstanceTable, methods: readonly InstanceMethod[]): (counts: ArrayLike<number>[]) => Int32Array[] {
  const n = table.systems.length;
  const tasks = table.tasks;
  const T = tasks.length;
  // every (task, instance) as a column, weighted by its task's weight; a resample reweights by counts
  const colTask: number[] = [];
  const colInst: number[] = [];
  tasks.forEach((t, ti) => t.instances.forEach((_, i) => (colTask.push(ti), colInst.push(i))));
  const K = colTask.length;
  const needsPoints = methods.some((m) => m !== "mean");
  /** points[j * n + s]: system s's Borda points on column j (unweighted). */
  const points = new Float64Array(needsPoints ? n * K : 0);
  if (needsPoints) {
    const oriented = new Float64Array(n * K);
    for (let j = 0; j < K; j++) {
      const t = tasks[colTask[j]];
      const k = t.instances.length;
      const sign = t.higherIsBetter ? 1 : -1;
      for (let s = 0; s < n; s++) oriented[j * n + s] = sign * t.scores[s * k + colInst[j]] + 0;
    }
    const { avgRank, count } = computeTaskRanks(oriented, n, K);
    const unscored = (n - 1) / 2;
    for (let j = 0; j < K; j++) {
      const c = count[j];
      const k = n - c;
      for (let s = 0; s < n; s++) {
        const r = avgRank[j * n + s];
        // the expression of addBordaPoints (methods.ts), so that the sums are the same
        points[j * n + s] = r === r ? c - r + (k * (c + 1 - r)) / (c + 1) : unscored;
      }
    }
  }
  /** n x T table of per-(system, task) values. */
  const perTask = (values: Float64Array, higher: (ti: number) => boolean): Table =>
    new Table({ systems: table.systems, tasks: tasks.map((t) => t.slug), scores: values, higherIsBetter: tasks.map((_, ti) => higher(ti)), weights: tasks.map((t) => t.weight) });
  const mult = new Float64Array(K);
  const widest = Math.max(0, ...tasks.map((t) => t.instances.length));
  const drawn = new Int32Array(widest);
  const drawnCount = new Float64Array(widest);

  return (counts) => {
    for (let j = 0; j < K; j++) mult[j] = counts[colTask[j]][colInst[j]];
    return methods.map((method) => {
      if (method === "borda") {
        // borda of the table with each column's weight times its count (resample.ts weightedColumns)
        const out = new Float64Array(n);
        for (let j = 0; j < K; j++) {
          if (!(mult[j] > 0)) continue;
          const scale = tasks[colTask[j]].weight * mult[j];
          const base = j * n;
          for (let s = 0; s < n; s++) out[s] += scale * points[base + s];
        }
        return ranksFromScores(out);
      }
      if (method === "mean") {
        // per task, the count-weighted mean of the scored instances
        const means = new Float64Array(n * T);
        tasks.forEach((t, ti) => {
          const k = t.instances.length;
          const c = counts[ti];
          // the drawn instances (ascending) and their counts, then each system's row over them only
          let d = 0;
          for (let i = 0; i < k; i++) if (c[i] > 0) (drawn[d] = i), (drawnCount[d++] = c[i]);
          const x = t.scores;
          for (let s = 0; s < n; s++) {
            const row = s * k;
            let sum = 0;
            let den = 0;
            for (let q = 0; q < d; q++) {
              const v = x[row + drawn[q]];
              if (v === v) (sum += drawnCount[q] * v), (den += drawnCount[q]);
            }
            means[s * T + ti] = den ? sum / den : NaN;
          }
        });
        return ranksFromMethod(perTask(means, (ti) => tasks[ti].higherIsBetter), "mean");
      }
      // borda2: per task, the count-weighted sum of its instances' Borda points, then Borda over tasks
      const perTaskPoints = new Float64Array(n * T);
      for (let j = 0; j < K; j++) {
        if (!(mult[j] > 0)) continue;
        const ti = colTask[j];
        const scale = mult[j];
        const base = j * n;
        for (let s = 0; s < n; s++) perTaskPoints[s * T + ti] += 0 + scale * points[base + s];
      }
      return ranksFromMethod(perTask(perTaskPoints, () => true), "borda");
    });
  };
}

function ranksFromMethod(table: Table, method: "mean" | "borda"): Int32Array {
  return methodRanks(table, method).ranks;
}

/** Bootstrap over instances: each task's k_t instances drawn with replacement, k_t per task per resample. */
export function bootstrapInstanceLevel(table: InstanceTable, methods: readonly InstanceMethod[], opts: BootstrapOptions = {}): BootstrapResult {
  const n = table.systems.length;
  const resolved = resolveOptions(opts, n, methods, INSTANCE_METHODS);
  const rng = createRng(resolved.seed);
  const rank = instanceRanker(table, methods);
  const computed = rank(table.tasks.map((t) => new Int32Array(t.instances.length).fill(1)));
  const full = methods.map((method, j) => opts.fullRanks?.[method] ?? computed[j]);
  const acc = methods.map(() => new MethodSamples(n, resolved.samples, false));
  const counts = table.tasks.map((t) => new Int32Array(t.instances.length));
  for (let r = 0; r < resolved.samples; r++) {
    for (const c of counts) {
      c.fill(0);
      for (let j = 0; j < c.length; j++) c[rng.int(c.length)]++;
    }
    rank(counts).forEach((ranks, j) => acc[j].add(r, ranks));
  }
  return assemble("instance", resolved, table.systems, methods, acc, full);
}
