import { createRoute, z } from "@hono/zod-openapi";
import { MAX_BOOTSTRAP_SAMPLES, TASK_METHODS } from "../../../ranking/index.ts";
import { BOOTSTRAP_KEMENY_STEPS, MAX_KEMENY_SAMPLES, MAX_SEED } from "../../../service/uncertainty.ts";
import { BenchmarkParams, errorResponses, noSecurity, slugParam } from "../../schemas.ts";
import { LEADERBOARD_METHODS } from "../../../service/instance-leaderboard.ts";
import { Task } from "../benchmarks/routes.ts";
import { RankResponse } from "../rank/routes.ts";

const METHOD_LIST = TASK_METHODS.join(", ");

/**
 * `methods=mean,borda,kemeny`: a comma-separated list of methods (unknown -> 400 `methods[i]`);
 * whether a method exists at the requested level is checked by the service (400 `methods`).
 */
export const MethodList = z
  .string()
  .max(1000)
  .transform((s) => s.split(",").map((m) => m.trim()))
  .pipe(z.array(z.enum(LEADERBOARD_METHODS, { error: (i) => `unknown method "${String(i.input)}" (known: ${LEADERBOARD_METHODS.join(", ")})` })).min(1))
  .openapi({
    param: { name: "methods", in: "query" },
    type: "string",
    description: `Comma-separated methods (default: all of the level). level=task: ${METHOD_LIST}; level=instance: mean, borda, borda2`,
    example: "mean,borda,kemeny",
  });

/**
 * An integer query parameter in lo..hi (400 naming the field otherwise). Plain decimal digits
 * only: `z.coerce.number()` alone would take "" as 0 and "0x10", "1e3" or " 5" as numbers.
 */
function intParam(lo: number, hi: number, description: string) {
  const message = `must be an integer ${lo}..${hi}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, message)
    .transform(Number)
    .pipe(z.number().int(message).min(lo, message).max(hi, message))
    .optional()
    .openapi({ type: "integer", minimum: lo, maximum: hi, description });
}

/** `uncertainty=bootstrap&samples=1000&seed=42` (samples/seed are validated, and ignored without uncertainty). */
export const UncertaintyParams = z.object({
  uncertainty: z
    .enum(["bootstrap"], { error: 'must be "bootstrap"' })
    .optional()
    .openapi({ description: "bootstrap: add rank intervals, pTop1 and tie groups (resampling tasks at level=task, instances at level=instance)" }),
  samples: intParam(
    1,
    MAX_BOOTSTRAP_SAMPLES,
    `Bootstrap resamples (default 1000; at most ${MAX_KEMENY_SAMPLES} when kemeny is among the methods). Ignored without uncertainty.`,
  ),
  seed: intParam(0, MAX_SEED, "PRNG seed (default 0): same seed, same answer. Ignored without uncertainty."),
});

const COVERAGE_MESSAGE = "an integer number of tasks (e.g. 9), or a fraction in (0, 1] written with a decimal point (e.g. 0.5, 1.0)";

/**
 * `minCoverage=9` (tasks) or `minCoverage=0.5` (a share of the tasks, rounded up): plain digits are
 * a number of tasks, a decimal point makes a fraction (`1` is one task, `1.0` every task).
 */
export const MinCoverageParam = z
  .string()
  .regex(/^(\d{1,6}|\d?\.\d{1,12})$/, COVERAGE_MESSAGE)
  .refine((s) => !s.includes(".") || (Number(s) > 0 && Number(s) <= 1), COVERAGE_MESSAGE)
  .transform((s): { tasks: number } | { fraction: number } => (s.includes(".") ? { fraction: Number(s) } : { tasks: Number(s) }))
  .optional()
  .openapi({
    type: "string",
    description: `Coverage policy: systems scored on fewer tasks are listed under \`incomplete\` and not ranked. ${COVERAGE_MESSAGE}`,
    example: "0.5",
  });

export const LeaderboardQuery = z.object({
  methods: MethodList.optional(),
  level: z.enum(["task", "instance"]).optional().openapi({ description: "task (default) or instance (needs instance-level scores)" }),
  kemenyBudgetMs: intParam(0, 60_000, "Time Kemeny may spend proving optimality (ms, 0..60000)"),
  format: z.enum(["json", "csv"]).optional().openapi({ description: "json (default) or csv" }),
  minCoverage: MinCoverageParam,
  ...UncertaintyParams.shape,
});

const RankCell = RankResponse.shape.systems.element.shape.results.valueType;
const Results = z.record(
  z.string(),
  RankCell.extend({
    interval: z
      .tuple([z.number().int(), z.number().int()])
      .optional()
      .openapi({ description: "With uncertainty: nearest-rank 2.5th and 97.5th percentiles of the rank over the resamples" }),
    pTop1: z.number().optional().openapi({ description: "With uncertainty: share of resamples ranked first (a k-way tie for first counts 1/k)" }),
  }),
);

export const UncertaintySummary = z
  .object({
    method: z.literal("bootstrap"),
    level: z.enum(["task", "instance"]),
    samples: z.number().int(),
    seed: z.number().int(),
    percentiles: z.tuple([z.number(), z.number()]).openapi({ description: "[0.025, 0.975], nearest-rank rule" }),
    separation: z.number().openapi({ description: "0.95: a tie group's leader ranks above a system in at least this share of resamples, or the system joins the group" }),
    kemeny: z
      .object({ budgetSteps: z.number().int(), exactResamples: z.number().int() })
      .optional()
      .openapi({ description: `Per-resample Kemeny work budget (${BOOTSTRAP_KEMENY_STEPS} solver steps, machine-independent) and resamples proven optimal` }),
  })
  .openapi("UncertaintySummary");

export const LeaderboardSystem = z
  .object({
    slug: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    submissionId: z.number().int(),
    submittedAt: z.string(),
    coverage: z.number().int().openapi({ description: "Number of tasks with a score" }),
    scores: z.record(z.string(), z.number()).openapi({ description: "task slug -> score (absent = missing)" }),
    results: Results,
  })
  .openapi("LeaderboardSystem");

export const Leaderboard = z
  .object({
    benchmark: z.object({ slug: z.string(), name: z.string(), revision: z.number().int() }),
    level: z.enum(["task", "instance"]),
    tasks: z.array(Task),
    methods: z.array(z.string()),
    systems: z.array(LeaderboardSystem).openapi({ description: "In the first method's rank order" }),
    kemeny: RankResponse.shape.kemeny,
    agreement: RankResponse.shape.agreement,
    tieGroups: z
      .record(z.string(), z.array(z.array(z.string())))
      .optional()
      .openapi({ description: "With uncertainty: per method, the systems in rank order cut into groups the resamples cannot tell apart" }),
    uncertainty: UncertaintySummary.optional(),
    coverage: z
      .object({
        minCoverage: z.union([z.object({ tasks: z.number().int() }), z.object({ fraction: z.number() })]),
        requiredTasks: z.number().int().openapi({ description: "Scored tasks a system needs to be ranked" }),
      })
      .optional()
      .openapi({ description: "With minCoverage: the policy applied" }),
    incomplete: z
      .array(LeaderboardSystem.omit({ results: true }))
      .optional()
      .openapi({ description: "With minCoverage: the systems below it, not ranked (in slug order); CSV lists them after the ranked rows with empty rank and score cells" }),
  })
  .openapi("Leaderboard");

export const cacheHeaders = {
  ETag: { description: "Strong validator of (benchmark, revision, query, format)", schema: { type: "string" as const } },
  "Cache-Control": { description: "public, max-age=0, must-revalidate", schema: { type: "string" as const } },
};

export const leaderboard = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/leaderboard",
  operationId: "getLeaderboard",
  security: noSecurity,
  tags: ["leaderboards"],
  summary: "The benchmark's current leaderboard under every requested method (JSON or CSV)",
  request: { params: BenchmarkParams, query: LeaderboardQuery },
  responses: {
    200: {
      description:
        "The leaderboard; `?format=csv`: one row per system (`system,name,coverage,<method>_rank,<method>_score...,<task>...`; with uncertainty each method also has `<method>_lo,<method>_hi,<method>_ptop1`)",
      headers: cacheHeaders,
      content: { "application/json": { schema: Leaderboard }, "text/csv": { schema: z.string() } },
    },
    304: { description: "Not modified (If-None-Match matched the current ETag)", headers: cacheHeaders },
    ...errorResponses(400, 404, 429, 503),
  },
});

export const BadgeQuery = z.object({
  method: z
    .enum(LEADERBOARD_METHODS)
    .optional()
    .openapi({ description: `Ranking method (default borda). level=task: ${METHOD_LIST}; level=instance: mean, borda, borda2 (borda2 implies level=instance)` }),
  level: z.enum(["task", "instance"]).optional().openapi({ description: "Leaderboard level (default task; instance when method=borda2)" }),
  minCoverage: MinCoverageParam,
  interval: z
    .enum(["0", "1"], { error: 'must be "0" or "1"' })
    .optional()
    .openapi({ description: "1: add the bootstrap rank interval (default samples and seed), `#3 (2-5) of 105`" }),
});

export const BadgeParams = z.object({ slug: slugParam("slug"), system: slugParam("system") });

export const ShieldsEndpoint = z
  .object({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.string(),
    color: z.string(),
    isError: z.boolean().optional().openapi({ description: "Only on error badges" }),
  })
  .openapi("ShieldsEndpoint");

const badgeCache = {
  ETag: { description: "Validator of (benchmark, revision, system, method, format)", schema: { type: "string" as const } },
  "Cache-Control": { description: "public, max-age=300, s-maxage=300 (errors: max-age=60)", schema: { type: "string" as const } },
};

function badgeRoute(format: "svg" | "json") {
  const mediaType = format === "svg" ? "image/svg+xml" : "application/json";
  const schema = format === "svg" ? z.string() : ShieldsEndpoint;
  const content = { [mediaType]: { schema } };
  return createRoute({
    method: "get",
    path: `/api/v1/benchmarks/{slug}/systems/{system}/badge.${format}`,
    operationId: format === "svg" ? "getBadgeSvg" : "getBadgeJson",
    security: noSecurity,
    tags: ["badges"],
    summary:
      format === "svg"
        ? "Shields-style SVG badge with the system's rank (`#k of n`)"
        : "The shields.io endpoint JSON of the system's rank badge",
    request: { params: BadgeParams, query: BadgeQuery },
    responses: {
      200: { description: "The badge", headers: badgeCache, content },
      304: { description: "Not modified", headers: badgeCache },
      400: { description: "Unknown method (error badge)", content },
      404: { description: "Unknown benchmark or system (error badge)", content },
      ...errorResponses(503),
    },
  });
}

export const badgeSvg = badgeRoute("svg");
export const badgeJson = badgeRoute("json");
