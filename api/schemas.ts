/** Shared zod schemas (validate requests and generate /openapi.json). */
import { z } from "@hono/zod-openapi";
import { jsonIssues } from "./json-input.ts";
import { isHttpUrl } from "./public-url.ts";

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const Slug = z
  .string()
  .regex(SLUG_PATTERN, "must match ^[a-z0-9][a-z0-9._-]{0,63}$")
  .openapi({ example: "glue" });

/** A slug path parameter named `name` (documented as such in /openapi.json). */
export function slugParam(name: string) {
  return Slug.openapi({ param: { name, in: "path" } });
}

/** `{slug}` of /api/v1/benchmarks/{slug}/... */
export const BenchmarkParams = z.object({ slug: slugParam("slug") });

export const Name = z.string().min(1, "must be 1..200 characters").max(200, "must be 1..200 characters");

export const FieldIssueSchema = z
  .object({
    field: z.string().openapi({ description: "Path of the offending field (`submissions[1].scores.cola`), `body`, or `line N` of an upload", example: "tasks[0].slug" }),
    message: z.string(),
  })
  .openapi("FieldIssue");

function errorEnvelope<D extends z.ZodType>(name: string, details: D) {
  return z
    .object({
      error: z.object({
        code: z.string().openapi({ description: "Stable machine-readable code, e.g. invalid_request, not_found, overloaded", example: "invalid_request" }),
        message: z.string(),
        details: details.optional(),
      }),
    })
    .openapi(name);
}

/** The envelope of every error but 429: `details` (when present) name the offending fields. */
export const ErrorSchema = errorEnvelope("Error", z.array(FieldIssueSchema));

/** 429: `details` carry the budget and the wait (also in the `Retry-After` header). */
export const RateLimitedErrorSchema = errorEnvelope(
  "RateLimitedError",
  z.object({ limitPerMinute: z.number().int(), retryAfterSeconds: z.number().int() }).openapi("RateLimitDetails"),
);

type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "Malformed or invalid input (`details` names the fields)",
  401: "Missing or invalid token",
  403: "Token not allowed here",
  404: "Unknown resource",
  408: "The client stopped sending the body (idle timeout); nothing stored",
  409: "Conflict (e.g. slug taken)",
  413: "Body too large",
  415: "Unsupported content type",
  422: "`idempotency_mismatch`: the Idempotency-Key was already used with a different request",
  429: "Rate limited (writes, or expensive reads, per verified token or client address; `Retry-After` gives the seconds to wait)",
  503: "`overloaded` (the compute pool is busy) or `unavailable` (the database does not answer); `Retry-After` gives the seconds to wait",
};

const retryAfterHeader = { "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" as const, minimum: 1 } } };

/** Error responses for createRoute: `...errorResponses(400, 401, 404)`. */
export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => {
      const schema = status === 429 ? RateLimitedErrorSchema : ErrorSchema;
      const retry = status === 429 || status === 503 ? { headers: retryAfterHeader } : {};
      return [status, { description: ERROR_DESCRIPTIONS[status], ...retry, content: { "application/json": { schema } } }];
    }),
  );
}

/**
 * A JSON request body (required). The rules of every JSON body (api/json-input.ts: depth,
 * `__proto__`, lone surrogates, NUL) are checked first, on the body as parsed, so they name the
 * field even where the route's schema would drop or copy it.
 */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema: checkedJson(schema) } } };
}

/** An optional JSON body: absent (no Content-Type) validates as `{}`; sent, it is checked as `jsonBody` does. */
export function optionalJsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: false, description, content: { "application/json": { schema: checkedJson(schema) } } };
}

function checkedJson<T extends z.ZodType>(schema: T) {
  return z.preprocess((body, ctx) => {
    for (const issue of jsonIssues(body)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: body });
    return body;
  }, schema);
}

/** An absolute http(s) URL (no `javascript:`, `data:`, relative or protocol-relative URLs). */
export const HttpUrl = z
  .string()
  .max(2000, "must be at most 2000 characters")
  .refine(isHttpUrl, "must be an absolute http:// or https:// URL")
  .openapi({ format: "uri", example: "https://example.org/bert" });

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** Operations that need `Authorization: Bearer <token>` (admin or benchmark token). */
export const bearerSecurity = [{ bearerAuth: [] }];
/** Operations anyone may call, stated explicitly (`security: []`) so clients and linters need not guess. */
export const noSecurity: { [name: string]: string[] }[] = [];

/**
 * The `Idempotency-Key` request header of POST writes (checked by api/middleware/idempotency.ts,
 * declared here so the document and the typed client show it).
 */
export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, "must be 1-200 visible ASCII characters")
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description:
        "Optional. The first answer to a request with this key is kept for 24 h (per token) and replayed with `Idempotent-Replayed: true`; the same key with another request is 422 `idempotency_mismatch`.",
      example: "run-2026-12-02-bert",
    }),
});

/** A system as its history and its moderation answer show it. */
export const SystemDetails = z
  .object({
    slug: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    metadata: z.unknown().openapi({ description: "The system's metadata (an object) or null" }),
    hidden: z.boolean(),
    hiddenReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("SystemDetails");
