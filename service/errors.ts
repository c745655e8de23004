/** Domain errors thrown by service/ functions; api/errors.ts maps them to HTTP statuses. */
import { sqlStateOf } from "../db/errors.ts";

/**
 * `overloaded`: the compute pool's queue is full (503, try again); `unavailable`: the database does
 * not answer (503); `timeout`: the client stopped sending (408). The last three carry `retryAfterSeconds`.
 */
export type DomainErrorKind = "invalid" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "overloaded" | "unavailable" | "timeout";

export interface FieldIssue {
  /** Path of the offending field, e.g. `submissions[1].scores.cola`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: unknown,
    /** Sent as `Retry-After` (seconds) with 503/429-like answers. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalid = (message: string, details?: FieldIssue[]) => new DomainError("invalid", message, details);
export const unauthorized = (message = "missing or invalid token") => new DomainError("unauthorized", message);
export const forbidden = (message = "this token is not allowed here") => new DomainError("forbidden", message);
export const notFound = (message: string) => new DomainError("not_found", message);
export const conflict = (message: string, details?: unknown) => new DomainError("conflict", message, details);
export const overloaded = (message = "the server is busy; try again shortly", retryAfterSeconds = 1) =>
  new DomainError("overloaded", message, undefined, retryAfterSeconds);
export const unavailable = (message = "the database is unavailable; try again shortly", retryAfterSeconds = 2) =>
  new DomainError("unavailable", message, undefined, retryAfterSeconds);
export const requestTimeout = (message: string) => new DomainError("timeout", message);

/**
 * Input the database refuses as data (SQLSTATE class 22, e.g. NUL characters or lone
 * surrogates in text/jsonb; class 54, e.g. too many parameters) is bad input: 400, not 500.
 */
export async function rejectingBadData<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const state = sqlStateOf(err);
    if (state && (state.startsWith("22") || state.startsWith("54")))
      throw invalid("the database cannot store a value of this request", [{ field: "body", message: dbMessage(err) }]);
    throw err;
  }
}

function dbMessage(err: unknown): string {
  let cur: unknown = err;
  while (cur && typeof cur === "object" && "cause" in cur && (cur as { cause?: unknown }).cause) cur = (cur as { cause: unknown }).cause;
  return cur instanceof Error ? cur.message : "unsupported value";
}
