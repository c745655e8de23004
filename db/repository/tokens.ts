/** API tokens: only SHA-256 hashes are stored. */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { tokens } from "../schema.ts";
import { toIso } from "./util.ts";

export type TokenRole = "admin" | "benchmark";

export interface TokenRecord {
  id: number;
  role: TokenRole;
  benchmarkId: number | null;
}

/** Note a token's use (a no-op within a minute of the last note: cheap under load). */
export async function touchToken(db: Db, tokenId: number): Promise<void> {
  await db
    .update(tokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(tokens.id, tokenId), sql`(${tokens.lastUsedAt} is null or ${tokens.lastUsedAt} < now() - interval '1 minute')`));
}

export async function insertToken(db: Db, input: { role: TokenRole; benchmarkId: number | null; hash: string; label?: string | null }): Promise<{ id: number }> {
  const [row] = await db.insert(tokens).values(input).returning({ id: tokens.id });
  return row;
}

/** The unrevoked token with this hash, if any. */
export async function findActiveTokenByHash(db: Db, hash: string): Promise<TokenRecord | null> {
  const [row] = await db
    .select({ id: tokens.id, role: tokens.role, benchmarkId: tokens.benchmarkId })
    .from(tokens)
    .where(and(eq(tokens.hash, hash), isNull(tokens.revokedAt)))
    .limit(1);
  return row ?? null;
}

export async function hasAdminToken(db: Db): Promise<boolean> {
  const rows = await db
    .select({ id: tokens.id })
    .from(tokens)
    .where(and(eq(tokens.role, "admin"), isNull(tokens.revokedAt)))
    .limit(1);
  return rows.length > 0;
}

/** Revoke every stored admin token (the configured PODIUM_ADMIN_TOKEN replaces them). */
export async function revokeAdminTokens(db: Db): Promise<number> {
  const rows = await db
    .update(tokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(tokens.role, "admin"), isNull(tokens.revokedAt)))
    .returning({ id: tokens.id });
  return rows.length;
}

export interface BenchmarkTokenInfo {
  id: number;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The benchmark tokens of a benchmark (never their hashes), oldest first. */
export async function listBenchmarkTokens(db: Db, benchmarkId: number): Promise<BenchmarkTokenInfo[]> {
  const rows = await db
    .select({ id: tokens.id, label: tokens.label, createdAt: tokens.createdAt, lastUsedAt: tokens.lastUsedAt, revokedAt: tokens.revokedAt })
    .from(tokens)
    .where(and(eq(tokens.role, "benchmark"), eq(tokens.benchmarkId, benchmarkId)))
    .orderBy(tokens.id);
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    createdAt: toIso(r.createdAt),
    lastUsedAt: r.lastUsedAt === null ? null : toIso(r.lastUsedAt),
    revokedAt: r.revokedAt === null ? null : toIso(r.revokedAt),
  }));
}

/**
 * Revoke a benchmark token of this benchmark (idempotent: an already revoked token keeps its
 * revocation time). False when no such token belongs to the benchmark.
 */
export async function revokeBenchmarkToken(db: Db, benchmarkId: number, tokenId: number): Promise<boolean> {
  const rows = await db
    .update(tokens)
    .set({ revokedAt: sql`coalesce(${tokens.revokedAt}, now())` })
    .where(and(eq(tokens.id, tokenId), eq(tokens.role, "benchmark"), eq(tokens.benchmarkId, benchmarkId)))
    .returning({ id: tokens.id });
  return rows.length > 0;
}
