import { createRoute, z } from "@hono/zod-openapi";
import { WHATIF_METHODS } from "../../../ranking/index.ts";
import { DEFAULT_WHATIF_METHOD } from "../../../service/evidence.ts";
import { BenchmarkParams, errorResponses, noSecurity } from "../../schemas.ts";
import { BadgeParams, cacheHeaders } from "../leaderboard/routes.ts";

const DELTA_MESSAGE = "must be a number in (0, 0.5]";

/** `delta=0.05`: a plain decimal (or exponent) number in (0, 0.5]. */
const Delta = z
  .string()
  .regex(/^(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][-+]?\d{1,3})?$/, DELTA_MESSAGE)
  .transform(Number)
  .pipe(z.number().gt(0, DELTA_MESSAGE).lte(0.5, DELTA_MESSAGE))
  .optional()
  .openapi({ type: "number", exclusiveMinimum: 0, maximum: 0.5, description: "Hoeffding confidence parameter delta in (0, 0.5] (default 0.05)", example: 0.05 });

export const PairwiseQuery = z.object({
  level: z.enum(["task", "instance"], { error: 'must be "task" or "instance"' }).optional().openapi({ description: "task (default): tasks; instance: every (task, instance) (needs instance-level scores)" }),
  delta: Delta,
  format: z.enum(["json", "csv"], { error: 'must be "json" or "csv"' }).optional().openapi({ description: "json (default) or csv (one row per ordered pair)" }),
});

const matrix = <T extends z.ZodType>(cell: T, description: string) => z.array(z.array(cell)).openapi({ description });

export const Pairwise = z
  .object({
    benchmark: z.object({ slug: z.string(), name: z.string(), revision: z.number().int() }),
    level: z.enum(["task", "instance"]),
    delta: z.number(),
    systems: z.array(z.string()).openapi({ description: "Row and column order: the mean leaderboard's order" }),
    wins: matrix(z.number().nullable(), "wins[i][j]: share of the tasks (instances) scored by both where systems[i] beats systems[j], ties (within the ranking tolerance) counting half; null on the diagonal and when n = 0"),
    n: matrix(z.number().int(), "n[i][j]: tasks (instances) scored by both; 0 on the diagonal"),
    halfWidth: matrix(z.number().nullable(), "sqrt(ln(1/delta) / (2 n)), the one-sided Hoeffding half-width; null on the diagonal and when n = 0"),
    separated: matrix(z.boolean(), "wins - halfWidth > 1/2 (false on the diagonal and when n = 0)"),
  })
  .openapi("Pairwise");

export const pairwise = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/pairwise",
  operationId: "getPairwise",
  security: noSecurity,
  tags: ["evidence"],
  summary: "Pairwise evidence: win shares over common tasks (or instances) with Hoeffding half-widths",
  request: { params: BenchmarkParams, query: PairwiseQuery },
  responses: {
    200: {
      description: "The matrices in leaderboard (mean) order; `?format=csv`: `system,opponent,wins,n,half_width,separated`, one row per ordered pair",
      headers: cacheHeaders,
      content: { "application/json": { schema: Pairwise }, "text/csv": { schema: z.string() } },
    },
    304: { description: "Not modified (If-None-Match matched the current ETag)", headers: cacheHeaders },
    ...errorResponses(400, 404, 503),
  },
});

export const WhatIfQuery = z.object({
  method: z
    .enum(WHATIF_METHODS, { error: `must be one of ${WHATIF_METHODS.join(", ")} (methods whose score is a weighted sum of per-task points)` })
    .optional()
    .openapi({ description: `Method (default ${DEFAULT_WHATIF_METHOD}): ${WHATIF_METHODS.join(", ")}; others are 400` }),
});

export const WhatIf = z
  .object({
    benchmark: z.object({ slug: z.string(), name: z.string(), revision: z.number().int() }),
    system: z.string(),
    method: z.enum(WHATIF_METHODS),
    canWin: z.boolean().openapi({ description: "Some non-negative task weights summing to 1 rank the system first (ties allowed)" }),
    weights: z
      .record(z.string(), z.number())
      .nullable()
      .openapi({ description: "task -> weight (summing to 1) with the largest margin, positive wherever that costs no margin; null when canWin is false" }),
    margin: z.number().nullable().openapi({ description: "The method's score of the system minus the best other score under `weights`; null when canWin is false" }),
    bestMargin: z
      .number()
      .nullable()
      .openapi({ description: "The best margin over all weightings (negative: by how much the system falls short at best); null when no weighting gives the system a score" }),
  })
  .openapi("WhatIf");

export const whatIf = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/systems/{system}/whatif",
  operationId: "getWhatIf",
  security: noSecurity,
  tags: ["evidence"],
  summary: "Task weights under which the system ranks first, with the largest margin (a linear program)",
  request: { params: BadgeParams, query: WhatIfQuery },
  responses: {
    200: { description: "The answer", headers: cacheHeaders, content: { "application/json": { schema: WhatIf } } },
    304: { description: "Not modified (If-None-Match matched the current ETag)", headers: cacheHeaders },
    ...errorResponses(400, 404, 503),
  },
});
