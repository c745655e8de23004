import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../middleware/auth.ts";

import { BenchmarkParams, bearerSecurity, errorResponses, noSecurity, HttpUrl, jsonBody, jsonResponse, Name, Slug, slugParam, IdempotencyHeaders, SystemDetails } from "../../schemas.ts";

export const SystemInput = z.object({
  slug: Slug,
  name: Name.optional(),
  url: HttpUrl.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** JSON cannot carry NaN; "1e999" parses to Infinity, which z.number() rejects (zod 4). */
export const Scores = z
  .record(z.string(), z.number())
  .refine((s) => Object.keys(s).length > 0, "at least one score is required")
  .openapi({ example: { cola: 60.5, sst2: 94.9 } });

export const SubmissionInput = z
  .object({
    system: SystemInput,
    scores: Scores,
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("SubmissionInput");

export const BulkSubmissionInput = z
  .object({ submissions: z.array(SubmissionInput).min(1, "at least one submission is required").max(10_000) })
  .openapi("BulkSubmissionInput");

/**
 * `{"submissions": [...]}` or one submission. A body with `submissions` AND a single
 * submission's keys is ambiguous: 400 rather than silently dropping one part.
 */
export const SubmitBody = z.preprocess((body, ctx) => {
  if (body === null || typeof body !== "object" || !Object.hasOwn(body, "submissions")) return body;
  for (const key of Object.keys(SubmissionInput.shape))
    if (Object.hasOwn(body, key))
      ctx.addIssue({ code: "custom", path: [key], input: body, message: 'ambiguous body: send either {"submissions": [...]} or one submission, not both' });
  return body;
}, z.union([BulkSubmissionInput, SubmissionInput]));

export const StoredSubmission = z
  .object({ id: z.number().int(), system: z.object({ slug: z.string(), name: z.string() }), createdAt: z.string() })
  .openapi("StoredSubmission");

export const HistoryEntry = z
  .object({
    id: z.number().int(),
    createdAt: z.string(),
    scores: z.record(z.string(), z.number()),
    metadata: z.unknown().openapi({ description: "The submission's metadata (an object) or null" }),
    retractedAt: z.string().nullable().openapi({ description: "Set when an admin retracted it: it no longer counts on the leaderboard" }),
    reason: z.string().nullable().openapi({ description: "Why it was retracted" }),
  })
  .openapi("HistoryEntry");

const tags = ["submissions"];

export const submit = createRoute({
  method: "post",
  path: "/api/v1/benchmarks/{slug}/submissions",
  operationId: "createSubmissions",
  tags,
  summary: "Submit scores (one or many; all or nothing)",
  description:
    "Benchmark token (own benchmark) or admin. Checks: 401 token, 400 body shape, 404 benchmark, 403 foreign token, 400 unknown tasks.",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: {
    params: BenchmarkParams,
    headers: IdempotencyHeaders,
    body: jsonBody(SubmitBody),
  },
  responses: {
    201: jsonResponse(z.object({ submissions: z.array(StoredSubmission) }), "Stored"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const history = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/systems/{system}/submissions",
  operationId: "listSystemSubmissions",
  tags,
  security: noSecurity,
  summary: "A system's submissions, newest first",
  request: {
    params: BenchmarkParams.extend({ system: slugParam("system") }),
  },
  responses: {
    200: jsonResponse(z.object({ system: SystemDetails, submissions: z.array(HistoryEntry) }), "The system and its history, newest first (retracted submissions included)"),
    ...errorResponses(400, 404, 503),
  },
});
