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

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      details: z.any().optional(),
    }),
  })
  .openapi("Error");

const errorContent = { "application/json": { schema: ErrorSchema } };

/** Error responses for createRoute: `...errorResponses(400, 401, 404)`. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 429 | 503)[]) {
  const descriptions: Record<number, string> = {
    400: "Malformed or invalid input (`details` names the fields)",
    401: "Missing or invalid token",
    403: "Token not allowed here",
    404: "Unknown resource",
    408: "The client stopped sending the body (idle timeout); nothing stored",
    409: "Conflict (e.g. slug taken)",
    413: "Body too large",
    415: "Unsupported content type",
    429: "Rate limited (writes, or expensive reads, per verified token or client address; `Retry-After` gives the seconds to wait)",
    503: "Database unavailable",
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: descriptions[s], content: errorContent }]));
}

/**
 * A JSON request body (required). The rules of every JSON body (api/json-input.ts: depth,
 * `__proto__`, lone surrogates, NUL) are checked first, on the body as parsed, so they name the
 * field even where the route's schema would drop or copy it.
 */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema: checkedJson(schema) } } };
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

export const bearerSecurity = [{ bearerAuth: [] }];
