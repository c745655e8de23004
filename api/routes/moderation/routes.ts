import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../middleware/auth.ts";
import { BenchmarkParams, bearerSecurity, errorResponses, HttpUrl, jsonBody, jsonResponse, Name, optionalJsonBody, Slug, slugParam, SystemDetails } from "../../schemas.ts";
import { Benchmark, TaskInput } from "../benchmarks/routes.ts";

const tags = ["moderation"];
const Reason = z.string().min(1).max(1000).openapi({ description: "Why (kept in the audit log)", example: "test submission" });

export const SystemEditBody = z
  .object({
    hidden: z.boolean().optional().openapi({ description: "true hides the system from leaderboards, pages and badges; false shows it again" }),
    reason: Reason.optional(),
    name: Name.optional(),
    url: HttpUrl.nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .strict()
  .openapi("SystemEdit");


const SystemParams = BenchmarkParams.extend({ system: slugParam("system") });

export const editSystem = createRoute({
  method: "patch",
  path: "/api/v1/benchmarks/{slug}/systems/{system}",
  operationId: "editSystem",
  tags,
  summary: "Hide, unhide or edit a system (admin)",
  description: "A hidden system leaves leaderboards (both levels), pages and badges (404 error badge); its history stays readable. Bumps the revision; audited.",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: SystemParams, body: jsonBody(SystemEditBody) },
  responses: { 200: jsonResponse(SystemDetails, "The system"), ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
});

const SUBMISSION_ID_MESSAGE = "must be a submission id (a positive integer)";
export const SubmissionParams = BenchmarkParams.extend({
  id: z
    .string()
    .regex(/^\d{1,10}$/, SUBMISSION_ID_MESSAGE)
    .transform(Number)
    .pipe(z.number().int().min(1, SUBMISSION_ID_MESSAGE).max(2147483647, SUBMISSION_ID_MESSAGE))
    .openapi({ param: { name: "id", in: "path" }, type: "integer", minimum: 1, example: 12 }),
});

export const RetractBody = z.object({ reason: Reason.optional() }).strict().openapi("Retraction");

export const retractSubmission = createRoute({
  method: "delete",
  path: "/api/v1/benchmarks/{slug}/submissions/{id}",
  operationId: "retractSubmission",
  tags,
  summary: "Retract a submission (admin): kept in the history, no longer on the leaderboard",
  description: "The system's newest submission that is not retracted counts instead (none left: the system leaves the leaderboard). Idempotent. The reason may also be given as `?reason=`.",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: SubmissionParams, query: z.object({ reason: Reason.optional() }), body: optionalJsonBody(RetractBody) },
  responses: {
    200: jsonResponse(
      z.object({ id: z.number().int(), system: z.string(), retractedAt: z.string(), reason: z.string().nullable() }).openapi("RetractedSubmission"),
      "Retracted",
    ),
    ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

export const BenchmarkEditBody = z
  .object({
    name: Name.optional(),
    description: z.string().max(5000).nullable().optional(),
    tasks: z.array(TaskInput).max(1000).optional().openapi({ description: "Edited by slug (absent fields kept); unknown slugs are added as new tasks" }),
  })
  .strict()
  .openapi("BenchmarkEdit");

export const editBenchmark = createRoute({
  method: "patch",
  path: "/api/v1/benchmarks/{slug}",
  operationId: "editBenchmark",
  tags,
  summary: "Edit a benchmark's name, description and tasks; add tasks (admin)",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: BenchmarkParams, body: jsonBody(BenchmarkEditBody) },
  responses: { 200: jsonResponse(Benchmark, "The benchmark as edited"), ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
});

export const deleteBenchmark = createRoute({
  method: "delete",
  path: "/api/v1/benchmarks/{slug}",
  operationId: "deleteBenchmark",
  tags,
  summary: "Delete a benchmark with all its systems, submissions and tokens (admin); needs ?confirm=<slug>",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: BenchmarkParams, query: z.object({ confirm: Slug.optional().openapi({ description: "The benchmark's slug again" }) }) },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 413, 429, 503) },
});

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    tokenId: z.number().int().nullable().openapi({ description: "The stored token used; null for the configured PODIUM_ADMIN_TOKEN" }),
    action: z.string().openapi({ example: "system.hide" }),
    target: z.string().openapi({ example: "system:bert" }),
    reason: z.string().nullable(),
    details: z.unknown(),
  })
  .openapi("AuditEntry");

export const listAudit = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/audit",
  operationId: "listAudit",
  tags,
  summary: "The benchmark's audit log, newest first (admin)",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: BenchmarkParams },
  responses: { 200: jsonResponse(z.object({ entries: z.array(AuditEntry) }).openapi("AuditLog"), "Entries, newest first"), ...errorResponses(400, 401, 403, 404, 503) },
});
