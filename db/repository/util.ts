/** Small value helpers shared by the repositories (driver-independent row decoding). */

/** ISO-8601 string of a timestamp that a driver returned as a Date or (inside JSON) a string. */
export function toIso(value: unknown): string {
  const d = value instanceof Date ? value : new Date(String(value));
  return d.toISOString();
}

/** json/jsonb values: parsed by both drivers by default, but tolerate text. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** A Postgres array literal (`{1,2,3}`) for integers or finite floats, passed as one text parameter. */
export function pgArrayLiteral(values: readonly number[]): string {
  return `{${values.map((v) => String(v)).join(",")}}`;
}

/** A Postgres text array literal (`{"a","b\"c"}`), passed as one text parameter. */
export function pgTextArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}
