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
import { createLeaderboardService, type LeaderboardServiceOptions, type LeaderboardSource } from "./leaderboard.ts";
import { createListingService } from "./listing.ts";
import * as submissions from "./submissions.ts";
import * as instances from "./instances.ts";
import type { LinearSolver } from "../ranking/index.ts";
import { createInlineCompute, type ComputePool } from "./compute-pool.ts";

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
}

export function createServices(database: Database, options: ServiceOptions = {}) {
  const { db } = database;
  const adminTokenHash = options.adminToken ? auth.hashToken(options.adminToken) : undefined;
  const scores = {
    getBenchmarkBySlug: (slug: string): Promise<BenchmarkRecord | null> => getBenchmarkBySlug(db, slug),
    loadCurrentScores: (benchmarkId: number): Promise<CurrentScores | null> => loadCurrentScores(db, benchmarkId),
    loadInstanceScores: (benchmarkId: number) => loadInstanceScores(db, benchmarkId),
  } satisfies LeaderboardSource;
  const compute = options.compute ?? createInlineCompute(options.kemenySolver);
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
      createToken: (principal: auth.Principal, slug: string) => benchmarks.createBenchmarkToken(db, principal, slug),
      listTokens: (principal: auth.Principal, slug: string) => benchmarks.listBenchmarkTokens(db, principal, slug),
      /** Idempotent; 404 domain error for an unknown id or another benchmark's token. */
      revokeToken: (principal: auth.Principal, slug: string, tokenId: number) => benchmarks.revokeBenchmarkToken(db, principal, slug, tokenId),
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
      ) => instances.uploadInstanceScores(db, principal, benchmarkSlug, systemSlug, format, body, options),
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
    health: {
      /** `SELECT 1` within `timeoutMs`; false at once while PostgreSQL is known to be down. */
      ping: (timeoutMs?: number) => database.ping(timeoutMs),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
