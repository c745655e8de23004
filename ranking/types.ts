/** Public types and constants of the ranking module (see ranking/SEMANTICS.md). */

export const TASK_METHODS = [
  "mean",
  "mean-minmax",
  "mean-zscore",
  "winrate",
  "plurality",
  "dowdall",
  "borda",
  "copeland",
  "minimax",
  "kemeny",
] as const;
export type TaskMethod = (typeof TASK_METHODS)[number];

export function isTaskMethod(method: string): method is TaskMethod {
  return (TASK_METHODS as readonly string[]).includes(method);
}

/** The methods that need the n x n pairwise matrix M (n^2 doubles; Kemeny adds its own n^2 margins). */
export const PAIRWISE_METHODS = ["copeland", "minimax", "kemeny"] as const satisfies readonly TaskMethod[];

/**
 * Most systems a pairwise method accepts: M takes 8 n^2 bytes (72 MB at 3,000) and Kemeny's
 * margins as much again, built in O(n^2 m). Larger tables get a RankingInputError on `methods`.
 */
export const MAX_PAIRWISE_SYSTEMS = 3000;

/** The issue (field `methods`) when a pairwise method is asked of more than MAX_PAIRWISE_SYSTEMS systems, else null. */
export function pairwiseLimitIssue(systems: number, methods: readonly string[]): InputIssue | null {
  const pairwise = methods.filter((m) => (PAIRWISE_METHODS as readonly string[]).includes(m));
  if (systems <= MAX_PAIRWISE_SYSTEMS || pairwise.length === 0) return null;
  return {
    field: "methods",
    message: `${pairwise.join(", ")} compare every pair of systems and take at most ${MAX_PAIRWISE_SYSTEMS} systems (this table has ${systems}); choose other methods (${TASK_METHODS.filter((m) => !pairwise.includes(m)).join(", ")})`,
  };
}

export const INSTANCE_METHODS = ["mean", "borda", "borda2"] as const;
export type InstanceMethod = (typeof INSTANCE_METHODS)[number];

export interface RankTask {
  slug: string;
  higherIsBetter?: boolean;
  weight?: number;
}
export interface RankSystemInput {
  slug: string;
  scores: Record<string, number | null | undefined>;
}
export interface RankInput {
  tasks?: RankTask[];
  systems: RankSystemInput[];
  methods?: TaskMethod[];
  kemenyBudgetMs?: number;
}

/** `score` is absent for kemeny (rank only) and for a system the method cannot score (e.g. `mean` with no scores). */
export interface MethodCell {
  score?: number;
  rank: number;
}
export interface RankedSystem {
  slug: string;
  coverage: number;
  results: Record<string, MethodCell>;
}
export interface KemenySummary {
  order: string[];
  agreement: number;
  exact: boolean;
  upperBound: number;
  /**
   * The optimum is visibly not unique: some adjacent systems of `order` have zero margin
   * (M(a,b) = M(b,a) within the tolerance), so swapping them gives another order with the same
   * agreement. False says only that no such adjacent pair exists.
   */
  ambiguous: boolean;
  /** Those adjacent pairs, [above, below], in order. */
  swappable: [string, string][];
}
export interface RankResponse {
  methods: string[];
  /** Sorted by the first method's rank (ties: input order). */
  systems: RankedSystem[];
  /** Present iff kemeny was requested. */
  kemeny?: KemenySummary;
  agreement: {
    /**
     * Kendall tau-b for every ordered pair of distinct requested methods (symmetric).
     * `null` when undefined: one of the two rankings puts every system in a single tie
     * (or there are fewer than two systems).
     */
    kendallTau: Record<string, Record<string, number | null>>;
    /** The system that strictly beats every other one in the pairwise matrix M, else null. */
    condorcetWinner: string | null;
  };
}

export interface InputIssue {
  field: string;
  message: string;
}

/** Thrown for tables that are well-typed but semantically invalid. */
export class RankingInputError extends Error {
  readonly details: InputIssue[];
  constructor(details: InputIssue[]) {
    super(details.map((d) => `${d.field}: ${d.message}`).join("; "));
    this.name = "RankingInputError";
    this.details = details;
  }
}
