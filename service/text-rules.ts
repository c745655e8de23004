/**
 * What text Podium stores, one rule for every text it takes (JSON bodies and instance ids):
 * no lone surrogate (not representable in UTF-8: one database would replace it, the other
 * refuse it) and no NUL character (PostgreSQL text and jsonb cannot store it).
 */
const LONE_SURROGATE = /\p{Cs}/u;
const NUL = /\u0000/;

/** Why `s` cannot be stored as text, or undefined. */
export function textProblem(s: string): string | undefined {
  if (LONE_SURROGATE.test(s)) return "must not contain a lone surrogate (invalid UTF-16)";
  if (NUL.test(s)) return "must not contain a NUL character";
  return undefined;
}
