import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../middleware/auth.ts";
import { BenchmarkParams, bearerSecurity, noSecurity, errorResponses, jsonBody, jsonResponse, Name, optionalJsonBody, Slug, IdempotencyHeaders } from "../../schemas.ts";

export const TaskInput = z.object({
  slug: Slug,
  name: Name.optional(),
  metric: z.string().max(200).optional(),
  higherIsBetter: z.boolean().optional(),
  weight: z.number().positive().optional(),
  group: z.string().max(200).optional(),
});

export const CreateBenchmarkBody = z
  .object({
    slug: Slug,
    name: Name,
    description: z.string().max(5000).optional(),
    tasks: z.array(TaskInput).min(1, "at least one task is required").max(1000),
  })
  .openapi("CreateBenchmark");

export const Task = z
  .object({
    slug: z.string(),
    name: z.string(),
    metric: z.string().nullable(),
    higherIsBetter: z.boolean(),
    weight: z.number(),
    group: z.string().nullable(),
  })
  .openapi("Task");

export const BenchmarkSummary = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    revision: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("BenchmarkSummary");

export const BenchmarkListItem = BenchmarkSummary.extend({
  taskCount: z.number().int(),
  systemCount: z.number().int().openapi({ description: "Systems with scores on this benchmark" }),
}).openapi("BenchmarkListItem");

export const Benchmark = BenchmarkSummary.extend({ tasks: z.array(Task) }).openapi("Benchmark");

const tags = ["benchmarks"];

export const createBenchmark = createRoute({
  method: "post",
  path: "/api/v1/benchmarks",
  operationId: "createBenchmark",
  tags,
  summary: "Create a benchmark (admin)",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateBenchmarkBody) },
  responses: {
    201: jsonResponse(Benchmark, "Created"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429, 503),
  },
});

export const listBenchmarks = createRoute({
  method: "get",
  path: "/api/v1/benchmarks",
  operationId: "listBenchmarks",
  tags,
  summary: "List benchmarks",
  security: noSecurity,
  responses: { 200: jsonResponse(z.object({ benchmarks: z.array(BenchmarkListItem) }), "Benchmarks by slug"), ...errorResponses(503) },
});

export const getBenchmark = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}",
  operationId: "getBenchmark",
  tags,
  security: noSecurity,
  summary: "A benchmark with its tasks and revision",
  request: { params: BenchmarkParams },
  responses: { 200: jsonResponse(Benchmark, "The benchmark"), ...errorResponses(400, 404, 503) },
});

export const createToken = createRoute({
  method: "post",
  path: "/api/v1/benchmarks/{slug}/tokens",
  operationId: "createToken",
  tags,
  summary: "Create a token that may submit to this benchmark (admin); the plaintext is shown once",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: BenchmarkParams, headers: IdempotencyHeaders, body: optionalJsonBody(z.object({ label: z.string().min(1).max(200).optional() }).strict().openapi("NewTokenRequest"), "Optional: a label saying what the token is for") },
  responses: {
    201: jsonResponse(z.object({ id: z.number().int(), token: z.string(), label: z.string().nullable() }).openapi("NewToken"), "Created"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const TokenInfo = z
  .object({
    id: z.number().int(),
    label: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: "Last use (to the minute); null if never used" }),
    revokedAt: z.string().nullable().openapi({ description: "When the token was revoked; null while it is live" }),
  })
  .openapi("TokenInfo");

const TOKEN_ID_MESSAGE = "must be a token id (a positive integer)";

/** `{slug}/tokens/{id}`: plain decimal digits only, within the id column's range. */
export const TokenParams = BenchmarkParams.extend({
  id: z
    .string()
    .regex(/^\d{1,10}$/, TOKEN_ID_MESSAGE)
    .transform(Number)
    .pipe(z.number().int().min(1, TOKEN_ID_MESSAGE).max(2147483647, TOKEN_ID_MESSAGE))
    .openapi({ param: { name: "id", in: "path" }, type: "integer", minimum: 1, example: 3 }),
});

export const listTokens = createRoute({
  method: "get",
  path: "/api/v1/benchmarks/{slug}/tokens",
  operationId: "listTokens",
  tags,
  summary: "List the benchmark's tokens (admin): ids and dates, never the token or its hash",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: BenchmarkParams },
  responses: {
    200: jsonResponse(z.object({ tokens: z.array(TokenInfo) }).openapi("TokenList"), "Tokens, oldest first, revoked ones included"),
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const revokeToken = createRoute({
  method: "delete",
  path: "/api/v1/benchmarks/{slug}/tokens/{id}",
  operationId: "revokeToken",
  tags,
  summary: "Revoke one of the benchmark's tokens (admin); idempotent",
  security: bearerSecurity,
  middleware: [authenticate] as const,
  request: { params: TokenParams },
  responses: {
    204: { description: "Revoked (or already revoked); the token gets 401 from now on" },
    ...errorResponses(400, 401, 403, 404, 413, 429, 503),
  },
});
