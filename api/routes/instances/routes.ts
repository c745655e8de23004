import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../middleware/auth.ts";
import { BenchmarkParams, bearerSecurity, errorResponses, jsonResponse, noSecurity, slugParam, IdempotencyHeaders } from "../../schemas.ts";

export const UploadResult = z
  .object({ rows: z.number().int().openapi({ description: "Rows stored (they replace all of the system's instance scores)" }) })
  .openapi("InstanceUploadResult");

const csvExample = "task,instance,score\nrouge1,doc-001,0.41\nrouge1,doc-002,0.37\n";
const ndjsonExample = '{"task":"rouge1","instance":"doc-001","score":0.41}\n{"task":"rouge1","instance":"doc-002","score":0.37}\n';

export const upload = createRoute({
  method: "post",
  path: "/api/v1/benchmarks/{slug}/systems/{system}/instances",
  operationId: "uploadInstanceScores",
  tags: ["submissions"],
  summary: "Upload a system's instance-level scores (streamed CSV or NDJSON; replaces them all; all or nothing)",
  description: [
    "Benchmark token (own benchmark) or admin. The body is parsed and validated as it streams (parked in memory,",
    "then a temporary file; no database transaction while the client sends) and written in one transaction (one",
    "statement: the system's scores packed per task) once complete. Any bad row (unknown task, non-finite score, empty or",
    ">200-character instance id, wrong column count, duplicate (task, instance), malformed JSON line) is a 400 whose `details` name the lines (at most 20)",
    "and nothing is stored. The upload REPLACES all of the system's instance-level scores (the system is created if",
    "new) and bumps the benchmark's revision. `Content-Encoding: gzip` (x-gzip, deflate, br) is decoded while",
    "streaming. Checks: 401 token, 415 content type or encoding, 413 size (PODIUM_UPLOAD_LIMIT_BYTES, sent and",
    "decoded bytes), 404 benchmark, 403 foreign token, 400 rows or corrupt compressed data, 408 no data for",
    "PODIUM_UPLOAD_IDLE_TIMEOUT_MS, 409 the benchmark's tasks changed meanwhile.",
  ].join(" "),
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: {
    params: BenchmarkParams.extend({ system: slugParam("system") }),
    headers: IdempotencyHeaders,
    // Documentation only: zod-openapi validates JSON/form bodies, these are read as a stream.
    body: {
      required: true,
      content: {
        "text/csv": { schema: z.string().openapi({ example: csvExample, description: "Header `task,instance,score`; RFC 4180 quoting" }) },
        "application/x-ndjson": { schema: z.string().openapi({ example: ndjsonExample, description: '`{"task","instance","score"}` per line' }) },
      },
    },
  },
  responses: {
    201: jsonResponse(UploadResult, "Stored"),
    ...errorResponses(400, 401, 403, 404, 408, 409, 413, 415, 422, 429, 503),
  },
});

export const InstanceUpload = z
  .object({
    id: z.number().int().openapi({ description: "Upload id (the newest is the system's current instance submission)" }),
    rows: z.number().int().openapi({ description: "Rows the upload stored" }),
    createdAt: z.string().openapi({ description: "When it was stored (ISO 8601)", example: "2026-12-02T07:00:00.000Z" }),
  })
  .openapi("InstanceUpload");

export const uploads = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/systems/{system}/instances/uploads",
  operationId: "listInstanceUploads",
  tags: ["submissions"],
  security: noSecurity,
  summary: "A system's instance-level uploads (id, rows, time), newest first",
  description: "At most the 100 newest. 404 for an unknown benchmark or system (a system known only from task-level submissions has an empty list).",
  request: {
    params: BenchmarkParams.extend({ system: slugParam("system") }),
  },
  responses: {
    200: jsonResponse(z.object({ system: z.string(), uploads: z.array(InstanceUpload) }).openapi("InstanceUploads"), "Uploads, newest first"),
    ...errorResponses(400, 404, 503),
  },
});
