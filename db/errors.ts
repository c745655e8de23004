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
