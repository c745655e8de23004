/**
 * Idempotency-Key bookkeeping (API.md "Idempotency"): reservations and stored answers live in
 * the database (so every process and restart sees them), kept 24 h per token scope.
 */
import {
  completeIdempotencyKey,
  findIdempotencyRecord,
  pruneIdempotencyKeys,
  releaseIdempotencyKey,
  reserveIdempotencyKey,
  type Db,
  type IdempotencyRecord,
} from "../db/index.ts";
import type { Principal } from "./auth.ts";

export type { IdempotencyRecord };

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Answers are kept per token: a stored token by id, the configured admin token as `admin`. */
export function idempotencyScope(principal: Principal): string {
  return principal.tokenId !== undefined ? `token:${principal.tokenId}` : "admin";
}

export function createIdempotencyService(db: Db) {
  let lastPrune = 0;
  return {
    /** true: this request holds the key and runs; false: another one does (or did). Prunes expired keys about once an hour. */
    reserve(scope: string, key: string): Promise<boolean> {
      const now = Date.now();
      if (now - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now;
        pruneIdempotencyKeys(db).catch(() => (lastPrune = 0));
      }
      return reserveIdempotencyKey(db, scope, key);
    },
    find: (scope: string, key: string) => findIdempotencyRecord(db, scope, key),
    complete: (scope: string, key: string, answer: { fingerprint: string; status: number; contentType: string | null; body: string }) =>
      completeIdempotencyKey(db, scope, key, answer),
    release: (scope: string, key: string) => releaseIdempotencyKey(db, scope, key),
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
