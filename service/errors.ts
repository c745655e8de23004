/** Domain errors thrown by service/ functions; api/errors.ts maps them to HTTP statuses. */

export type DomainErrorKind = "invalid" | "unauthorized" | "forbidden" | "not_found" | "conflict";

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
