import { createRoute, z } from "@hono/zod-openapi";
import { TASK_METHODS } from "../../../ranking/index.ts";
import { DEFAULT_ROBUSTNESS_METHOD } from "../../../service/robustness.ts";
import { BenchmarkParams, errorResponses, noSecurity } from "../../schemas.ts";
import { cacheHeaders } from "../leaderboard/routes.ts";

export const RobustnessQuery = z.object({
  method: z
    .enum(TASK_METHODS, { error: `must be one of ${TASK_METHODS.join(", ")}` })
    .optional()
    .openapi({ description: `Task-level ranking method (default ${DEFAULT_ROBUSTNESS_METHOD}): ${TASK_METHODS.join(", ")}` }),
});

export const LeaveOneTaskOut = z
  .object({
    task: z.string().openapi({ description: "The task left out" }),
    kendallTau: z.number().nullable().openapi({ description: "Kendall tau-b between the full ranking and the ranking without the task (null when undefined)" }),
    top1: z.string().openapi({ description: "The first system without the task (ties: leaderboard order)" }),
    top1Tied: z.array(z.string()).openapi({ description: "Every system ranked first without the task" }),
  })
  .openapi("LeaveOneTaskOut");

export const Robustness = z
  .object({
    benchmark: z.object({ slug: z.string(), name: z.string(), revision: z.number().int() }),
    method: z.enum(TASK_METHODS),
    top1: z.string().nullable().openapi({ description: "The first system on the full data (null without systems)" }),
    leaveOneTaskOut: z.array(LeaveOneTaskOut).openapi({ description: "One entry per task, in task order; empty with fewer than 2 tasks or no systems" }),
    top1Changes: z.array(z.string()).openapi({ description: "Tasks whose removal changes top1" }),
    minKendallTau: z.number().nullable().openapi({ description: "Smallest leave-one-out kendallTau (null if none is defined)" }),
    condorcet: z
      .object({
        winner: z.string().nullable().openapi({ description: "The system beating every other by a strict pairwise majority, whatever the method" }),
        rank: z.number().int().nullable().openapi({ description: "The Condorcet winner's rank under the method" }),
      })
      .openapi({ description: "Condorcet winner" }),
    kemenyExact: z.boolean().optional().openapi({ description: "kemeny only: every order proven optimal" }),
  })
  .openapi("Robustness");

export const robustness = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/robustness",
  operationId: "getRobustness",
  security: noSecurity,
  tags: ["leaderboards"],
  summary: "Leave-one-task-out robustness of a method's ranking, and the Condorcet winner",
  request: { params: BenchmarkParams, query: RobustnessQuery },
  responses: {
    200: { description: "The robustness report (task level)", headers: cacheHeaders, content: { "application/json": { schema: Robustness } } },
    304: { description: "Not modified (If-None-Match matched the current ETag)", headers: cacheHeaders },
    ...errorResponses(400, 404, 503),
  },
});
