/** Driver-independent views of database errors (pglite, postgres.js, drizzle's DrizzleQueryError wrapper). */

interface PgErrorLike {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  cause?: unknown;
}

/** The innermost error carrying a SQLSTATE `code` (drizzle 0.45 wraps driver errors in `.cause`). */
function pgError(err: unknown): PgErrorLike | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const e = cur as PgErrorLike;
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    cur = e.cause;
  }
  return undefined;
}

/** SQLSTATE of a database error, if any. */
export function sqlStateOf(err: unknown): string | undefined {
  return pgError(err)?.code;
}

/** The violated constraint's name (`constraint` in pglite, `constraint_name` in postgres.js). */
export function constraintOf(err: unknown): string | undefined {
  const e = pgError(err);
  return e?.constraint ?? e?.constraint_name ?? undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return sqlStateOf(err) === "23505" && (constraint === undefined || constraintOf(err) === constraint);
}

/**
 * Why the database cannot serve a request right now: `down` (no connection: refused, timed out,
 * terminated, server shutting down or starting), `busy` (no pooled connection free in time, or
 * the server has no connection slot left), `timeout` (a statement ran past statement_timeout).
 */
export type Unavailability = "down" | "busy" | "timeout";

/** Thrown by the db layer itself (bounded pool wait, open circuit); see db/availability.ts. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  constructor(
    readonly reason: Unavailability,
    message: string,
  ) {
    super(message);
  }
}

/** postgres.js and Node socket error codes that mean the connection failed or was lost. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
]);

/** SQLSTATEs of a lost or refused connection: class 08, admin/crash shutdown, starting up, database dropped. */
const CONNECTION_STATES = /^(08...|57P0[1-4])$/;

/** Every `code` (and the error itself) along the `cause` chain (drizzle wraps driver errors). */
function causeChain(err: unknown): { code?: unknown; message?: unknown }[] {
  const chain: { code?: unknown; message?: unknown }[] = [];
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    chain.push(cur as { code?: unknown });
    cur = (cur as { cause?: unknown }).cause;
  }
  return chain;
}

/** Whether `err` means the database connection failed (the server is unreachable or went away). */
export function isConnectionFailure(err: unknown): boolean {
  return causeChain(err).some(
    (e) =>
      (e instanceof DatabaseUnavailableError && e.reason === "down") ||
      (typeof e.code === "string" && (CONNECTION_CODES.has(e.code) || CONNECTION_STATES.test(e.code))) ||
      // PGlite after close() (shutdown): no code, a fixed message.
      (e instanceof Error && e.message === "PGlite is closed"),
  );
}

/** Whether (and why) `err` means the database cannot serve right now; undefined for other errors. */
export function unavailabilityOf(err: unknown): Unavailability | undefined {
  const own = causeChain(err).find((e): e is DatabaseUnavailableError => e instanceof DatabaseUnavailableError);
  if (own) return own.reason;
  if (isConnectionFailure(err)) return "down";
  const state = sqlStateOf(err);
  if (state === "53300" || state === "53400") return "busy"; // too_many_connections, configuration_limit_exceeded
  if (state === "57014") return "timeout"; // query_canceled: statement_timeout
  if (isTransientConflict(err)) return "busy"; // still failing after the caller's retries
  return undefined;
}

/** A deadlock victim or serialization failure: the statement was rolled back and may simply be run again. */
export function isTransientConflict(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state === "40P01" || state === "40001";
}
