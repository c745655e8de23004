/**
 * Coverage policy (README "Evidence"): `minCoverage` on leaderboards and badges. A system scored
 * on fewer tasks than asked is listed apart under `incomplete` and not ranked; the systems
 * that qualify are ranked among themselves exactly as a leaderboard of them alone. Pure.
 */
import { invalid } from "./errors.ts";

/** At least `tasks` scored tasks, or at least this share of the benchmark's tasks (rounded up). */
export type MinCoverage = { tasks: number } | { fraction: number };

/** The most tasks a `minCoverage` may name. */
export const MAX_MIN_COVERAGE_TASKS = 100_000;

/** Validated (400 naming `minCoverage`); undefined when it filters nothing (absent or 0 tasks). */
export function normalizeMinCoverage(mc: MinCoverage | undefined): MinCoverage | undefined {
  if (mc === undefined) return undefined;
  if ("tasks" in mc) {
    if (!Number.isInteger(mc.tasks) || mc.tasks < 0 || mc.tasks > MAX_MIN_COVERAGE_TASKS)
      throw invalid("invalid minCoverage", [{ field: "minCoverage", message: `an integer number of tasks 0..${MAX_MIN_COVERAGE_TASKS}, or a fraction in (0, 1]` }]);
    return mc.tasks === 0 ? undefined : { tasks: mc.tasks };
  }
  if (!(Number.isFinite(mc.fraction) && mc.fraction > 0 && mc.fraction <= 1))
    throw invalid("invalid minCoverage", [{ field: "minCoverage", message: "a fraction must be in (0, 1]" }]);
  return { fraction: mc.fraction };
}

/** Cache-key part ("" without a policy, so plain leaderboards keep their keys). */
export function coverageKey(mc: MinCoverage | undefined): string {
  if (!mc) return "";
  return "tasks" in mc ? `|cov:${mc.tasks}` : `|cov:${mc.fraction}f`;
}

/** The number of scored tasks a system needs on a benchmark of `tasks` tasks. */
export function requiredTasks(mc: MinCoverage, tasks: number): number {
  // the 1e-9 keeps 0.7 * 10 = 7.000000000000001 from asking for 8
  return "tasks" in mc ? mc.tasks : Math.ceil(mc.fraction * tasks - 1e-9);
}

/** `{ kept, below }`: the systems with at least `need` tasks covered, and the others (order kept). */
export function splitByCoverage<T>(systems: readonly T[], coverageOf: (s: T) => number, need: number): { kept: T[]; below: T[] } {
  const kept: T[] = [];
  const below: T[] = [];
  for (const s of systems) (coverageOf(s) >= need ? kept : below).push(s);
  return { kept, below };
}

/** What a leaderboard says of the policy it applied. */
export interface CoverageSummary {
  /** As asked: a number of tasks or a fraction. */
  minCoverage: MinCoverage;
  /** Scored tasks a system needed to be ranked. */
  requiredTasks: number;
}
