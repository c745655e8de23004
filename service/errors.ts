/** Domain errors thrown by service/ functions; api/errors.ts maps them to HTTP statuses. */
import { sqlStateOf, unavailabilityOf, type Unavailability } from "../db/errors.ts";

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
export const conflict = (message: string, details?: FieldIssue[]) => new DomainError("conflict", message, details);
export const overloaded = (message = "the server is busy; try again shortly", retryAfterSeconds = 1) =>
  new DomainError("overloaded", message, undefined, retryAfterSeconds);
export const unavailable = (message = "the database is unavailable; try again shortly", retryAfterSeconds = 2) =>
  new DomainError("unavailable", message, undefined, retryAfterSeconds);
export const requestTimeout = (message: string) => new DomainError("timeout", message);

const UNAVAILABLE_MESSAGES: Record<Unavailability, string> = {
  down: "the database is unavailable; try again shortly",
  busy: "the database is busy; try again shortly",
  timeout: "the database took too long to answer; try again shortly",
};

/**
 * `err` as a DomainError: itself, or `unavailable` (503 + Retry-After) when the database could
 * not be reached, had no connection free in time or hit statement_timeout (db/errors.ts tells,
 * whatever the driver); undefined for anything else (a bug: 500).
 */
export function asDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  const reason = unavailabilityOf(err);
  return reason ? unavailable(UNAVAILABLE_MESSAGES[reason]) : undefined;
}

/** Fixed, driver-independent explanations of the SQLSTATEs that mean "bad data" (never the driver's text). */
function badDataMessage(state: string): string {
  if (state === "22021" || state === "22P05" || state === "22P02")
    return "text contains a character the database cannot store (a NUL character or an unpaired surrogate)";
  if (state === "22003") return "a number is outside the range the database can store";
  if (state === "22001") return "a value is too long";
  if (state.startsWith("54")) return "the request is too large or too complex for the database; send it in smaller parts";
  return "a value cannot be stored as given";
}

const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first string (value or key) in `value` the database cannot store as text, with its field path. */
export function findUnstorableText(value: unknown, path = ""): FieldIssue | undefined {
  const describe = (text: string) => (text.includes("\u0000") ? "text contains a NUL character" : "text contains an unpaired surrogate");
  if (typeof value === "string") return UNSTORABLE_TEXT.test(value) ? { field: path || "body", message: describe(value) } : undefined;
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (UNSTORABLE_TEXT.test(key)) return { field: path || "body", message: `a key: ${describe(key)}` };
    const found = findUnstorableText(v, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

/**
 * Input the database refuses as data (SQLSTATE class 22, e.g. NUL characters or lone
 * surrogates in text/jsonb; class 54, e.g. too many parameters) is bad input: 400, not 500.
 * The reply never carries the driver's text: `details` name the offending field of `input`
 * (the request as its fields are named, when given) or explain the SQLSTATE in fixed words.
 */
export async function rejectingBadData<T>(work: Promise<T>, input?: unknown): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const state = sqlStateOf(err);
    if (state && (state.startsWith("22") || state.startsWith("54"))) {
      const issue = (state.startsWith("22") && input !== undefined && findUnstorableText(input)) || { field: "body", message: badDataMessage(state) };
      throw invalid("the database cannot store a value of this request", [issue]);
    }
    throw err;
  }
}
