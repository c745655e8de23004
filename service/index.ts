/**
 * Domain services (no drizzle, no hono): `createServices(database)` binds every action to the
 * database. Routes reach them through `c.var.services`.
 */
import {
  getBenchmarkBySlug,
  getListingVersion,
  listingVersionOf,
  loadCurrentScores,
  loadInstanceScores,
  type CurrentScores,
  type Database,
  type BenchmarkRecord,
} from "../db/index.ts";
import * as auth from "./auth.ts";
import * as benchmarks from "./benchmarks.ts";
import { createBadgeService } from "./badges.ts";
import { createRobustnessService } from "./robustness.ts";
import { createEvidenceService } from "./evidence.ts";
import { createLeaderboardService, type LeaderboardServiceOptions, type LeaderboardSource } from "./leaderboard.ts";
import { createListingService } from "./listing.ts";
import * as submissions from "./submissions.ts";
import * as moderation from "./moderation.ts";
import * as transfer from "./transfer.ts";
import { createIdempotencyService, idempotencyScope } from "./idempotency.ts";
import * as instances from "./instances.ts";
import type { LinearSolver } from "../ranking/index.ts";
import { createInlineCompute, type ComputePool } from "./compute-jobs.ts";
import type { OpenSpill } from "./upload-spool.ts";

export type { Principal } from "./auth.ts";
export { DomainError, type DomainErrorKind, type FieldIssue } from "./errors.ts";
export type { SubmissionRequest } from "./submissions.ts";
export type { UploadFormat, InstanceUploadOptions, InstanceUploadResult } from "./instances.ts";
export { publicTask, type PublicTask } from "./benchmarks.ts";
export { type Leaderboard, type LeaderboardLevel, type LeaderboardQuery, type LeaderboardFormat, type LeaderboardSystem, type LeaderboardTask } from "./leaderboard.ts";
export type { BadgeFormat, BadgeResult } from "./badges.ts";
export type { ServeOptions } from "./leaderboard.ts";
export type { ContentCoding, StoredBody } from "./stored-body.ts";
export type { CurrentScores, BenchmarkRecord };
export type { BenchmarkListing } from "./benchmarks.ts";

export interface ServiceOptions {
  /** PODIUM_ADMIN_TOKEN; only its hash is kept in memory. */
  adminToken?: string;
  /** Leaderboard cache size and friends. */
  leaderboards?: LeaderboardServiceOptions;
  /** LP/MIP solver for exact Kemeny (`await loadKemenySolver()`, service/kemeny-solver.ts); absent: branch and bound only. */
  kemenySolver?: LinearSolver;
  /** Where rankings are computed (`createComputePool`, service/compute-pool.ts); absent: on the calling thread. */
  compute?: ComputePool;
  /**
   * Where instance uploads park parsed batches beyond their in-memory budget, given the
   * configured directory (Node: `temporaryFileSpill`, service/upload-spool-file.ts); absent: in
   * memory (the Cloudflare Worker, which has no disk).
   */
  uploadSpill?: (dir: string | undefined) => OpenSpill;
}

export function createServices(database: Database, options: ServiceOptions = {}) {
  const { db } = database;
  const adminTokenHash = options.adminToken ? auth.hashToken(options.adminToken) : undefined;
  const scores = {
    getBenchmarkBySlug: (slug: string): Promise<BenchmarkRecord | null> => getBenchmarkBySlug(db, slug),
    loadCurrentScores: (benchmarkId: number): Promise<CurrentScores | null> => loadCurrentScores(db, benchmarkId),
    // hidden systems left out (moderation)
    loadInstanceScores: async (benchmarkId: number) => moderation.visibleInstanceScores(db, benchmarkId, await loadInstanceScores(db, benchmarkId)),
  } satisfies LeaderboardSource;
  const compute = options.compute ?? createInlineCompute(options.kemenySolver);
  const spillIn = (dir: string | undefined) => options.uploadSpill?.(dir);
  const leaderboards = createLeaderboardService(scores, { compute, ...options.leaderboards });
  return {
    database,
    /** The Kemeny LP/MIP solver injected at start (used by `POST /api/v1/rank` and the leaderboards). */
    kemenySolver: options.kemenySolver,
    /** The compute pool: `POST /api/v1/rank` and every leaderboard computation run there. */
    compute,
    auth: {
      authenticate: (token: string | undefined) => auth.authenticate(db, adminTokenHash, token),
      /** Generates and stores an admin token when none is configured or stored; returns the plaintext once. */
      ensureAdminToken: () => auth.ensureAdminToken(db, adminTokenHash !== undefined),
    },
    benchmarks: {
      create: (principal: auth.Principal, input: benchmarks.NewBenchmark) => benchmarks.createBenchmark(db, principal, input),
      list: () => benchmarks.listBenchmarks(db),
      get: (slug: string) => benchmarks.getBenchmark(db, slug),
      /** 404 domain error when unknown. */
      require: (slug: string) => benchmarks.requireBenchmark(db, slug),
      createToken: (principal: auth.Principal, slug: string, label?: string) => benchmarks.createBenchmarkToken(db, principal, slug, label),
      listTokens: (principal: auth.Principal, slug: string) => benchmarks.listBenchmarkTokens(db, principal, slug),
      /** Idempotent; 404 domain error for an unknown id or another benchmark's token. */
      revokeToken: (principal: auth.Principal, slug: string, tokenId: number) => benchmarks.revokeBenchmarkToken(db, principal, slug, tokenId),
    },
    /** Admin moderation and editing (service/moderation.ts): each change is audited and bumps the revision. */
    moderation: {
      editSystem: (principal: auth.Principal, slug: string, system: string, edit: moderation.SystemEdit) => moderation.editSystem(db, principal, slug, system, edit),
      retract: (principal: auth.Principal, slug: string, submissionId: number, reason?: string) => moderation.retract(db, principal, slug, submissionId, reason),
      editBenchmark: (principal: auth.Principal, slug: string, edit: moderation.BenchmarkEdit) => moderation.editBenchmark(db, principal, slug, edit),
      deleteBenchmark: (principal: auth.Principal, slug: string, confirm: string | undefined) => moderation.deleteBenchmark(db, principal, slug, confirm),
      audit: (principal: auth.Principal, slug: string) => moderation.audit(db, principal, slug),
    },
    submissions: {
      submit: (principal: auth.Principal, benchmarkSlug: string, requests: submissions.SubmissionRequest[], bulk = true) =>
        submissions.submit(db, principal, benchmarkSlug, requests, bulk),
      history: (benchmarkSlug: string, systemSlug: string) => submissions.history(db, benchmarkSlug, systemSlug),
    },
    /** Streamed instance-level uploads (service/instances.ts): replace a system's instance scores. */
    instances: {
      upload: (
        principal: auth.Principal,
        benchmarkSlug: string,
        systemSlug: string,
        format: instances.UploadFormat,
        body: AsyncIterable<Uint8Array>,
        options?: instances.InstanceUploadOptions,
      ) => instances.uploadInstanceScores(db, principal, benchmarkSlug, systemSlug, format, body, { ...options, spill: options?.spill ?? spillIn(options?.spoolDir) }),
      /** A system's uploads (id, rows, time), newest first; 404 unknown benchmark or system. */
      uploads: (benchmarkSlug: string, systemSlug: string) => instances.instanceUploadHistory(db, benchmarkSlug, systemSlug),
    },
    /** What the leaderboards are computed from, read from the database on every call (never cached). */
    scores,
    /** Cached leaderboards (service/leaderboard.ts): `get`, `etag`, `serve`. */
    leaderboards,
    /** The benchmark listing page, stored per listing version (service/listing.ts). */
    listing: createListingService({ version: () => getListingVersion(db), list: () => benchmarks.listBenchmarks(db), versionOf: listingVersionOf }),
    /** Rank badges over the same cache (service/badges.ts). */
    badges: createBadgeService(leaderboards),
    /** Leave-one-task-out robustness, a view of the same cache (service/robustness.ts). */
    robustness: createRobustnessService(leaderboards, compute),
    /** NDJSON export and all-or-nothing restore (service/transfer.ts). */
    transfer: {
      /** The named benchmarks (all when absent) as NDJSON lines; 404 for an unknown slug before anything is sent. */
      export: (principal: auth.Principal, slugs?: string[]) => transfer.exportBenchmarks(db, principal, slugs),
      import: (principal: auth.Principal, body: AsyncIterable<Uint8Array>, options?: instances.InstanceUploadOptions) => transfer.importNdjson(db, principal, body, { ...options, spill: options?.spill ?? spillIn(options?.spoolDir) }),
    },
    /** Idempotency-Key reservations and stored answers (service/idempotency.ts). */
    idempotency: { ...createIdempotencyService(db), scopeOf: idempotencyScope },
    /** Pairwise evidence and what-if weights, views of the same cache (service/evidence.ts). */
    evidence: createEvidenceService(leaderboards, compute, scores),
    health: {
      /** `SELECT 1` within `timeoutMs`; false at once while PostgreSQL is known to be down. */
      ping: (timeoutMs?: number) => database.ping(timeoutMs),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
