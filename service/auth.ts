/** Tokens and principals: random `pod_` tokens, stored as SHA-256 hashes, constant-time admin compare. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { findActiveTokenByHash, hasAdminToken, insertToken, revokeAdminTokens, touchToken, type Db } from "../db/index.ts";
import { forbidden, unauthorized } from "./errors.ts";

/** `tokenId`: the stored token used (absent for the configured PODIUM_ADMIN_TOKEN). */
export type Principal = { kind: "admin"; tokenId?: number } | { kind: "benchmark"; benchmarkId: number; tokenId: number };

/** Per database: when each stored token's `last_used_at` was last written by this process (ms). */
const touchedBy = new WeakMap<Db, Map<number, number>>();
const TOUCH_INTERVAL_MS = 60_000;

/** Record a token's use at most once a minute per token and process; never delays or fails the request. */
function noteUse(db: Db, tokenId: number): void {
  let touched = touchedBy.get(db);
  if (!touched) touchedBy.set(db, (touched = new Map()));
  const now = Date.now();
  const last = touched.get(tokenId);
  if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
  if (touched.size > 10_000) touched.clear();
  touched.set(tokenId, now);
  touchToken(db, tokenId).catch(() => touched.delete(tokenId));
}

export function generateToken(): string {
  return `pod_${randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolve a bearer token to a principal, or throw `unauthorized`. The configured admin token
 * is compared by hash in constant time; other tokens are looked up by their hash.
 */
export async function authenticate(db: Db, adminTokenHash: string | undefined, token: string | undefined): Promise<Principal> {
  if (!token) throw unauthorized("missing bearer token");
  const hash = hashToken(token);
  if (adminTokenHash && sameHash(hash, adminTokenHash)) return { kind: "admin" };
  const row = await findActiveTokenByHash(db, hash);
  if (!row) throw unauthorized("invalid or revoked token");
  noteUse(db, row.id);
  if (row.role === "admin") return { kind: "admin", tokenId: row.id };
  return { kind: "benchmark", benchmarkId: row.benchmarkId!, tokenId: row.id };
}

export function requireAdmin(principal: Principal): void {
  if (principal.kind !== "admin") throw forbidden("this action needs an admin token");
}

/** Admins may write anywhere; a benchmark token only to its own benchmark. */
export function requireBenchmarkWriter(principal: Principal, benchmarkId: number): void {
  if (principal.kind === "admin") return;
  if (principal.benchmarkId !== benchmarkId) throw forbidden("this token may not write to this benchmark");
}

/**
 * Make sure exactly one source of admin tokens is live. With PODIUM_ADMIN_TOKEN configured it
 * is the admin token: nothing is stored and earlier generated ones are revoked (setting it is
 * how a lost or leaked generated token is replaced). Otherwise, when the database holds no
 * admin token, generate one, store its hash and return the plaintext (the caller prints it
 * once). Returns null when nothing was generated.
 */
export async function ensureAdminToken(db: Db, configured: boolean): Promise<string | null> {
  if (configured) {
    await revokeAdminTokens(db);
    return null;
  }
  if (await hasAdminToken(db)) return null;
  const token = generateToken();
  await insertToken(db, { role: "admin", benchmarkId: null, hash: hashToken(token) });
  return token;
}
