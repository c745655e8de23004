import { createRoute, z } from "@hono/zod-openapi";
import { TASK_METHODS } from "../../../ranking/index.ts";
import { errorResponses, jsonBody, jsonResponse, noSecurity, Slug } from "../../schemas.ts";

export const RankBody = z
  .object({
    tasks: z
      .array(z.object({ slug: Slug, higherIsBetter: z.boolean().optional(), weight: z.number().positive().optional() }))
      .max(10_000)
      .optional(),
    systems: z
      .array(z.object({ slug: Slug, scores: z.record(z.string(), z.number().nullable()) }))
      .min(1, "at least one system is required")
      .max(10_000),
    methods: z.array(z.enum(TASK_METHODS)).min(1).optional(),
    kemenyBudgetMs: z.number().int().min(0).max(60_000).optional(),
  })
  .openapi("RankRequest");

const MethodCell = z.object({ score: z.number().optional(), rank: z.number().int() });

export const RankResponse = z
  .object({
    methods: z.array(z.string()),
    systems: z.array(z.object({ slug: z.string(), coverage: z.number().int(), results: z.record(z.string(), MethodCell) })),
    kemeny: z
      .object({
        order: z.array(z.string()),
        agreement: z.number(),
        exact: z.boolean(),
        upperBound: z.number(),
        ambiguous: z.boolean().openapi({
          description: "The optimum is visibly not unique: adjacent systems of `order` with zero margin (M(a,b) = M(b,a)) can swap without changing the agreement",
        }),
        swappable: z
          .array(z.tuple([z.string(), z.string()]))
          .openapi({ description: "Those adjacent pairs [above, below] in order (empty when ambiguous is false)" }),
      })
      .optional(),
    agreement: z.object({
      kendallTau: z.record(z.string(), z.record(z.string(), z.number().nullable())),
      condorcetWinner: z.string().nullable(),
    }),
  })
  .openapi("RankResponse");

export const rank = createRoute({
  method: "post",
  path: "/api/v1/rank",
  operationId: "rankTable",
  security: noSecurity,
  tags: ["ranking"],
  summary: "Rank a score table without storing anything",
  request: { body: jsonBody(RankBody) },
  responses: { 200: jsonResponse(RankResponse, "Ranks by every requested method"), ...errorResponses(400, 413, 415, 429, 503) },
});
