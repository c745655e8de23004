/** Benchmark actions: one function per action; permission, semantics, repository call. */
import {
  getBenchmarkBySlug,
  getBenchmarkWithTasks,
  insertBenchmark,
  insertToken,
  listBenchmarkTokens as listBenchmarkTokenRows,
  revokeBenchmarkToken as revokeBenchmarkTokenRow,
  type BenchmarkTokenInfo,
  isUniqueViolation,
  listBenchmarks as listBenchmarkRows,
  transaction,
  type BenchmarkListing,
  type BenchmarkRecord,
  type BenchmarkWithTasks,
  type Db,
  type NewBenchmark,
} from "../db/index.ts";
import { generateToken, hashToken, requireAdmin, type Principal } from "./auth.ts";
import { conflict, invalid, notFound, rejectingBadData, type FieldIssue } from "./errors.ts";

export type { BenchmarkListing, BenchmarkRecord, BenchmarkTokenInfo, BenchmarkWithTasks, NewBenchmark };

export { publicTask, type PublicTask } from "./public-task.ts";

export async function createBenchmark(db: Db, principal: Principal, input: NewBenchmark): Promise<BenchmarkWithTasks> {
  requireAdmin(principal);
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  input.tasks.forEach((t, i) => {
    if (seen.has(t.slug)) issues.push({ field: `tasks[${i}].slug`, message: `duplicate task slug "${t.slug}"` });
    seen.add(t.slug);
  });
  if (issues.length) throw invalid("invalid benchmark", issues);
  try {
    return await rejectingBadData(transaction(db, (tx) => insertBenchmark(tx, input)), input);
  } catch (err) {
    if (isUniqueViolation(err, "benchmarks_slug_unique")) throw conflict(`benchmark slug "${input.slug}" is taken`, [{ field: "slug", message: "already taken" }]);
    throw err;
  }
}

export function listBenchmarks(db: Db): Promise<BenchmarkListing[]> {
  return listBenchmarkRows(db);
}

export async function getBenchmark(db: Db, slug: string): Promise<BenchmarkWithTasks> {
  const benchmark = await getBenchmarkWithTasks(db, slug);
  if (!benchmark) throw notFound(`no benchmark "${slug}"`);
  return benchmark;
}

/** Resolve a benchmark slug or throw not_found. */
export async function requireBenchmark(db: Db, slug: string): Promise<BenchmarkRecord> {
  const benchmark = await getBenchmarkBySlug(db, slug);
  if (!benchmark) throw notFound(`no benchmark "${slug}"`);
  return benchmark;
}

/** A new token that may submit to this benchmark; the plaintext is returned once. */
export async function createBenchmarkToken(db: Db, principal: Principal, slug: string, label?: string): Promise<{ id: number; token: string; label: string | null }> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, slug);
  const token = generateToken();
  const { id } = await rejectingBadData(insertToken(db, { role: "benchmark", benchmarkId: benchmark.id, hash: hashToken(token), label: label ?? null }), { label });
  return { id, token, label: label ?? null };
}

/** The benchmark's tokens (id and dates only; the plaintext is never stored, the hash never shown). Admin only. */
export async function listBenchmarkTokens(db: Db, principal: Principal, slug: string): Promise<BenchmarkTokenInfo[]> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, slug);
  return listBenchmarkTokenRows(db, benchmark.id);
}

/** Revoke one of the benchmark's tokens (idempotent); not_found for an unknown id or another benchmark's token. Admin only. */
export async function revokeBenchmarkToken(db: Db, principal: Principal, slug: string, tokenId: number): Promise<void> {
  requireAdmin(principal);
  const benchmark = await requireBenchmark(db, slug);
  if (!(await revokeBenchmarkTokenRow(db, benchmark.id, tokenId))) throw notFound(`no token ${tokenId} on benchmark "${slug}"`);
}
