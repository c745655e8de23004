/**
 * The one error envelope: every non-2xx JSON response is
 * `{"error": {"code", "message", "details"?}}`.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { RankingInputError } from "../ranking/index.ts";
import { asDomainError, type DomainErrorKind, type FieldIssue } from "../service/errors.ts";

export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal"
  | "unavailable"
  | "overloaded"
  | "request_timeout"
  | "idempotency_mismatch";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Sent as the `Retry-After` header (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const invalidRequest = (details: FieldIssue[], message = "invalid request") => new ApiError(400, "invalid_request", message, details);
export const unauthorized = (message = "missing or invalid token") => new ApiError(401, "unauthorized", message);
export const notFound = (message = "not found") => new ApiError(404, "not_found", message);
export const payloadTooLarge = (limit: number) => new ApiError(413, "payload_too_large", `request body exceeds ${limit} bytes`);
export const unsupportedMediaType = (message = "unsupported content type; send application/json") =>
  new ApiError(415, "unsupported_media_type", message);
export const unavailable = (message: string, retryAfterSeconds = 2) => new ApiError(503, "unavailable", message, undefined, retryAfterSeconds);

const DOMAIN_STATUS: Record<DomainErrorKind, [ContentfulStatusCode, ErrorCode]> = {
  invalid: [400, "invalid_request"],
  unauthorized: [401, "unauthorized"],
  forbidden: [403, "forbidden"],
  not_found: [404, "not_found"],
  conflict: [409, "conflict"],
  overloaded: [503, "overloaded"],
  unavailable: [503, "unavailable"],
  timeout: [408, "request_timeout"],
};

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "unavailable",
};

/** Convert any thrown value to an ApiError (unknown exceptions become 500 `internal`). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // the engine refusing its input (a bad table, a pairwise method on too large a table), from any route
  if (err instanceof RankingInputError) return invalidRequest(err.details, "invalid score table");
  const domain = asDomainError(err); // database outages included (503 unavailable)
  if (domain) {
    const [status, code] = DOMAIN_STATUS[domain.kind];
    return new ApiError(status, code, domain.message, domain.details, domain.retryAfterSeconds);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 415) return unsupportedMediaType();
    const code = HTTP_CODES[status] ?? (status >= 500 ? "internal" : "invalid_request");
    const message = err.message || "request rejected";
    const details = status === 400 ? [{ field: "body", message }] : undefined;
    return new ApiError(status, code, message, details);
  }
  return new ApiError(500, "internal", "internal server error");
}

export function errorBody(err: ApiError) {
  return { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
}

export function errorResponse(c: Context, err: ApiError): Response {
  if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  return c.json(errorBody(err), err.status);
}

export const onError: ErrorHandler = (err, c) => {
  const apiError = toApiError(err);
  // 503s (database down, pool busy) are expected conditions, logged once where they arise.
  if (apiError.status >= 500 && apiError.status !== 503) console.error(`[podium] ${c.req.method} ${c.req.path} failed:`, err);
  return errorResponse(c, apiError);
};

export const notFoundHandler: NotFoundHandler = (c) => errorResponse(c, notFound(`no route for ${c.req.method} ${c.req.path}`));

/** `a.b[0].c` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** The value at `path` inside `root` (undefined when absent). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Issues of a union: the branch the input was meant for: fewest issues about keys the input
 * does not have (so `{"system": "x", "scores": {...}}` is reported against the single-submission
 * shape, not as a missing `submissions`), then fewest top-level problems, then fewest issues.
 */
function bestUnionBranch(branches: Issue[][], input: unknown): Issue[] {
  const missing = (issues: Issue[]) => issues.filter((i) => i.path.length > 0 && valueAt(input, i.path) === undefined).length;
  const topLevel = (issues: Issue[]) => issues.filter((i) => i.path.length <= 1).length;
  return [...branches].sort((a, b) => missing(a) - missing(b) || topLevel(a) - topLevel(b) || a.length - b.length)[0] ?? [];
}

/**
 * Flatten zod issues to `{field, message}` details, descending into the best union branch.
 * `input` is the validated value (it helps pick the union branch).
 */
export function zodDetails(issues: readonly Issue[], base: readonly PropertyKey[] = [], input?: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      out.push(...zodDetails(bestUnionBranch(issue.errors, valueAt(input, path)), path, input));
    } else out.push({ field: fieldPath(path) || "body", message: issue.message });
  }
  return out;
}

/** OpenAPIHono `defaultHook`: zod validation failures become 400 `invalid_request` naming the fields. */
export function validationHook(result: { success: boolean; error?: z.ZodError; data?: unknown; target: string }, _c: Context): void {
  if (!result.success && result.error) {
    const where = result.target === "json" ? "body" : result.target;
    throw invalidRequest(zodDetails(result.error.issues, [], result.data), `invalid request ${where}`);
  }
}
