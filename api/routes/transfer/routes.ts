import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../middleware/auth.ts";
import { BenchmarkParams, bearerSecurity, errorResponses, jsonResponse, IdempotencyHeaders } from "../../schemas.ts";

const tags = ["export"];
const ndjson = {
  "application/x-ndjson": {
    schema: z.string().openapi({
      description:
        'One JSON record per line: `{"type":"podium","version":1}` first, then per benchmark its `benchmark`, `task`, `system`, `submission`, `instanceUpload` (followed by its `instanceScores` lines) and `audit` records.',
    }),
  },
};

export const exportBenchmark = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/export",
  operationId: "exportBenchmark",
  tags,
  summary: "Export a benchmark with its whole history as NDJSON (admin)",
  description: "Benchmark, tasks, systems (hidden ones too), every submission (retracted ones too), the current instance upload of each system with its rows, and the audit log. Tokens are not exported.",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: BenchmarkParams },
  responses: { 200: { description: "The export, streamed", content: ndjson }, ...errorResponses(400, 401, 403, 404, 503) },
});

export const exportAll = createRoute({
  method: "get",
  path: "/api/v1/export",
  operationId: "exportAll",
  tags,
  summary: "Export every benchmark as NDJSON (admin)",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  responses: { 200: { description: "The export, streamed", content: ndjson }, ...errorResponses(401, 403, 503) },
});

export const importExport = createRoute({
  method: "post",
  path: "/api/v1/import",
  operationId: "importExport",
  tags,
  summary: "Restore an NDJSON export (admin): all or nothing; 409 when one of its benchmark slugs exists",
  description:
    "Streams (gzip, deflate and br Content-Encoding decoded; PODIUM_UPLOAD_LIMIT_BYTES). The body is validated whole before anything is written (400 naming lines), then restored in one transaction; ids and revisions are kept when free, so leaderboards, histories and ETags equal the originals.",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { headers: IdempotencyHeaders, body: { required: true, content: ndjson } },
  responses: {
    201: jsonResponse(z.object({ benchmarks: z.array(z.string()) }).openapi("ImportResult"), "Restored"),
    ...errorResponses(400, 401, 403, 408, 409, 413, 415, 422, 429, 503),
  },
});
