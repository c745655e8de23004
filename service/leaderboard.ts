/**
 * Leaderboards: the current scores of a benchmark ranked by every requested method, cached in
 * memory by (benchmark id, revision, normalized query). Pure domain: no hono, no drizzle.
 *
 * Correctness across processes: every request reads the benchmark row (and so its revision)
 * from the database; memory only ever answers "what did revision R look like", which never
 * changes. A computed leaderboard is keyed by the revision returned by the SAME statement that
 * read its scores (`loadCurrentScores`), so a concurrent write can never be cached under the
 * wrong revision.
 */
import { LRUCache } from "lru-cache";
import { INSTANCE_METHODS, MAX_PAIRWISE_SYSTEMS, PAIRWISE_METHODS, TASK_METHODS, type LinearSolver } from "../ranking/index.ts";
import type { BenchmarkRecord, CurrentScores, InstanceScores } from "../db/index.ts";
import { instanceScoreCount } from "./instance-leaderboard.ts";
import { invalid, notFound } from "./errors.ts";
import { createInlineCompute, type ComputePool } from "./compute-jobs.ts";
import type { IncompleteSystem, Leaderboard, LeaderboardLevel, LeaderboardMethod, LeaderboardSystem, NormalizedQuery } from "./leaderboard-types.ts";
import { codedEtag, storeBody, storedBytes, type ContentCoding, type StoredBody } from "./stored-body.ts";
import { coverageKey, normalizeMinCoverage, type MinCoverage } from "./coverage.ts";
import { checkBootstrapWork, MAX_INSTANCE_BOOTSTRAP_CELL_SAMPLES, normalizeUncertainty, uncertaintyCsvCells, uncertaintyCsvHeader, uncertaintyKey, type UncertaintyParams } from "./uncertainty.ts";

export type { Leaderboard, LeaderboardCell, LeaderboardLevel, LeaderboardMethod, LeaderboardSystem, LeaderboardTask, NormalizedQuery } from "./leaderboard-types.ts";
export { computeLeaderboard, scoreTable } from "./leaderboard-compute.ts";

export type LeaderboardFormat = "json" | "csv";
/** What an ETag identifies: the leaderboard as JSON or CSV, or a JSON view derived from it (`view:robustness`). */
export type Representation = LeaderboardFormat | `view:${string}`;

export interface LeaderboardQuery extends UncertaintyParams {
  methods?: readonly LeaderboardMethod[];
  level?: LeaderboardLevel;
  kemenyBudgetMs?: number;
  /** Coverage policy: systems below it are listed under `incomplete`, not ranked (service/coverage.ts). */
  minCoverage?: MinCoverage;
}

export function normalizeQuery(query: LeaderboardQuery = {}): NormalizedQuery {
  // Each level has its own methods (SEMANTICS.md): instance level is mean, borda, borda2.
  const known: readonly LeaderboardMethod[] = query.level === "instance" ? INSTANCE_METHODS : TASK_METHODS;
  const methods = query.methods?.length ? [...new Set(query.methods)] : [...known];
  const unknown = methods.find((m) => !known.includes(m));
  if (unknown !== undefined)
    throw invalid(`method "${unknown}" is not available at level=${query.level ?? "task"}`, [
      { field: "methods", message: `${query.level ?? "task"}-level methods: ${known.join(", ")}` },
    ]);
  const out: NormalizedQuery = { methods, level: query.level ?? "task" };
  if (!query.methods?.length) out.defaultMethods = true;
  // kemenyBudgetMs only matters when kemeny is requested: keep it out of the key otherwise.
  if (query.kemenyBudgetMs !== undefined && methods.includes("kemeny")) out.kemenyBudgetMs = query.kemenyBudgetMs;
  const uncertainty = normalizeUncertainty(query, methods);
  if (uncertainty) out.uncertainty = uncertainty;
  const minCoverage = normalizeMinCoverage(query.minCoverage);
  if (minCoverage) out.minCoverage = minCoverage;
  return out;
}

/** Canonical text of a normalized query (cache key part). */
export function queryKey(q: NormalizedQuery): string {
  return `${q.level}|${q.defaultMethods ? "default" : q.methods.join(",")}|${q.kemenyBudgetMs ?? ""}${uncertaintyKey(q.uncertainty)}${coverageKey(q.minCoverage)}`;
}

/**
 * The query as computed for a table of `systems`: by default every method the table admits (the
 * pairwise methods compare every pair and are left out beyond MAX_PAIRWISE_SYSTEMS); methods a
 * request names are kept as named (too large a table is then a 400 naming `methods`).
 */
export function methodsForTable(q: NormalizedQuery, systems: number): NormalizedQuery {
  if (!q.defaultMethods || systems <= MAX_PAIRWISE_SYSTEMS) return q;
  const methods = q.methods.filter((m) => !(PAIRWISE_METHODS as readonly string[]).includes(m));
  const { kemenyBudgetMs: _unused, ...rest } = q;
  return { ...rest, methods };
}

/** 32-bit FNV-1a, hex (short, stable, dependency-free). */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Identity of a benchmark that survives id reuse (a database recreated under a running process). */
export type BenchmarkIdentity = Pick<BenchmarkRecord, "id" | "slug" | "createdAt">;

/**
 * Strong ETag of a leaderboard representation:
 * `"lb-<benchmarkId>-<revision>-<hash(slug, createdAt, query, format)>"`.
 */
export function leaderboardEtag(benchmark: BenchmarkIdentity, revision: number, query: NormalizedQuery, format: Representation): string {
  return `"lb-${benchmark.id}-${revision}-${shortHash(`${benchmark.slug}|${benchmark.createdAt}|${queryKey(query)}|${format}`)}"`;
}

/**
 * Does an `If-None-Match` header match `etag`? Handles lists, `W/` prefixes (weak comparison,
 * as RFC 9110 prescribes for If-None-Match) and `*`.
 */
export function etagMatches(ifNoneMatch: string | undefined | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  const target = bare(etag);
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || (t !== "" && bare(t) === target);
  });
}

// ---------------------------------------------------------------------------------------------
// CSV

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: formula-injection guard (leading `'`) then RFC 4180 quoting. */
export function csvText(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** A number cell (never guarded: `-1.5` stays a number); empty when absent. */
function csvNumber(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "" : String(value);
}

/**
 * One row per system in leaderboard order:
 * `system,name,coverage,<method>_rank,<method>_score...,<task>...` (kemeny has a rank only);
 * with uncertainty, each method's columns are followed by `<method>_lo,<method>_hi,<method>_ptop1`.
 */
export function leaderboardCsv(lb: Leaderboard): string {
  const header = ["system", "name", "coverage"];
  const withUncertainty = lb.uncertainty !== undefined;
  for (const method of lb.methods)
    header.push(`${method}_rank`, ...(method === "kemeny" ? [] : [`${method}_score`]), ...(withUncertainty ? uncertaintyCsvHeader(method) : []));
  header.push(...lb.tasks.map((t) => t.slug));
  const lines = [header.map(csvText).join(",")];
  // systems below minCoverage follow, unranked (empty method cells)
  const rows: (LeaderboardSystem | IncompleteSystem)[] = [...lb.systems, ...(lb.incomplete ?? [])];
  for (const s of rows) {
    const cells = [csvText(s.slug), csvText(s.name), String(s.coverage)];
    for (const method of lb.methods) {
      const cell = "results" in s ? s.results[method] : undefined;
      cells.push(csvNumber(cell?.rank));
      if (method !== "kemeny") cells.push(csvNumber(cell?.score));
      if (withUncertainty) cells.push(...uncertaintyCsvCells(cell));
    }
    for (const t of lb.tasks) cells.push(csvNumber(s.scores[t.slug]));
    lines.push(cells.join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

// ---------------------------------------------------------------------------------------------
// Cache

/** Default bound of the leaderboard cache (PODIUM_CACHE_MAX_BYTES). */
export const DEFAULT_CACHE_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Rough heap bytes of a parsed leaderboard: what a cache entry costs besides its serialized
 * bodies. Calibrated on V8 (Node 20) with a 1,000 x 20 board: ~0.9 KB per system with 2
 * methods, ~1.4 KB with 10 (about 28 B a score and 63 B a method cell); rounded up here.
 */
export function estimateLeaderboardBytes(lb: Leaderboard): number {
  const methods = lb.methods.length;
  const perCell = lb.uncertainty ? 140 : 72; // an interval array and pTop1 per cell with uncertainty
  let bytes = 2048 + lb.tasks.length * 256 + methods * methods * 48;
  for (const s of [...lb.systems, ...(lb.incomplete ?? [])]) bytes += 240 + 2 * (s.slug.length + s.name.length + (s.url?.length ?? 0)) + 32 * s.coverage + perCell * methods;
  if (lb.tieGroups) bytes += lb.systems.length * methods * 16;
  return bytes;
}

/** What the leaderboard service reads (bound to the database by createServices). */
export interface LeaderboardSource {
  /** The benchmark row (with its current revision), read from the database every call. */
  getBenchmarkBySlug(slug: string): Promise<BenchmarkRecord | null>;
  /** Revision, tasks and current scores in one statement. */
  loadCurrentScores(benchmarkId: number): Promise<CurrentScores | null>;
  /**
   * Revision, tasks and every system's instance-level scores in one snapshot (`level=instance`;
   * absent: `level=instance` is a 400). null if the benchmark is unknown.
   */
  loadInstanceScores?(benchmarkId: number): Promise<InstanceScores | null>;
}

export interface LeaderboardServiceOptions {
  /**
   * Bytes the cache may hold (default DEFAULT_CACHE_MAX_BYTES): every stored body in every
   * coding plus an estimate of each parsed leaderboard. Least recently used entries go first.
   */
  cacheMaxBytes?: number;
  /** Where leaderboards are computed (service/compute-pool.ts); absent: on the calling thread, with `kemenySolver`. */
  compute?: ComputePool;
  /** LP/MIP solver for exact Kemeny without a pool (HiGHS, service/kemeny-solver.ts); absent: branch and bound only. */
  kemenySolver?: LinearSolver;
  /**
   * A second level shared between processes or isolates (the Worker: the Workers Cache API),
   * asked before loading scores and computing, told after computing. Keys name the benchmark's
   * revision, so an entry never goes stale; failures count as misses.
   */
  sharedCache?: SharedLeaderboardCache;
}

/** Computed leaderboards by key (benchmark identity, revision, query): immutable once written. */
export interface SharedLeaderboardCache {
  get(key: string): Promise<Leaderboard | undefined>;
  put(key: string, leaderboard: Leaderboard): Promise<void>;
}

interface CacheEntry {
  /** Its key in the cache (to re-account its size when a body is added). */
  key: string;
  leaderboard: Leaderboard;
  /** estimateLeaderboardBytes(leaderboard). */
  objectBytes: number;
  /**
   * Representations made from this entry (`json`, `csv`, `view:<name>`, badges...), each at
   * most once: the bytes with their gzip/br forms. null: nothing to send (e.g. unknown system).
   */
  bodies: Map<string, Promise<StoredBody | null>>;
  /** Bytes of the bodies stored so far. */
  bodyBytes: number;
}

/** How a GET asks for a representation: its validator and the coding the client accepts best. */
export interface ServeOptions {
  ifNoneMatch?: string | null;
  /** Negotiated from Accept-Encoding by the handler (default identity). Selects the ETag and the body. */
  coding?: ContentCoding;
}

/** What makes a representation's body from the leaderboard (null: there is none to send). */
export type BodyProducer = (lb: Leaderboard) => string | Uint8Array | null | Promise<string | Uint8Array | null>;

/** The resolved state of a request before anything is computed. */
export interface LeaderboardRef {
  benchmark: BenchmarkRecord;
  query: NormalizedQuery;
  /** ETag of the representation as of the revision just read. */
  etag: string;
}

/** `etag` is the coded ETag (service/stored-body.ts codedEtag) of what is (or would be) sent. */
export type LeaderboardResult =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; leaderboard: Leaderboard; /** The stored body of the representation, in every coding kept. */ body: StoredBody };

export interface LeaderboardStats {
  computed: number;
  cacheHits: number;
  /** Entries taken from the shared cache (`sharedCache`) instead of computed. */
  sharedHits: number;
  /** Derived views computed (serveView: robustness, pages). */
  viewsComputed: number;
  /** Bodies serialized and compressed (every representation: json, csv, views, badges). */
  bodiesStored: number;
  /** Bytes the cache accounts for now (bodies in every coding plus the parsed-leaderboard estimates). */
  readonly cacheBytes: number;
  readonly cacheEntries: number;
  readonly cacheMaxBytes: number;
}

/** What a leaderboard shows of its benchmark (all a compute job needs of it). */
const nameOf = (b: BenchmarkRecord) => ({ slug: b.slug, name: b.name });

export function createLeaderboardService(source: LeaderboardSource, options: LeaderboardServiceOptions = {}) {
  const cacheMaxBytes = options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  const cache = new LRUCache<string, CacheEntry>({
    maxSize: cacheMaxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.objectBytes + entry.bodyBytes),
  });
  const inflight = new Map<string, Promise<CacheEntry>>();
  const compute = options.compute ?? createInlineCompute(options.kemenySolver);
  const stats: LeaderboardStats = {
    computed: 0,
    cacheHits: 0,
    sharedHits: 0,
    viewsComputed: 0,
    bodiesStored: 0,
    get cacheBytes() {
      return cache.calculatedSize;
    },
    get cacheEntries() {
      return cache.size;
    },
    cacheMaxBytes,
  };
  const keyOf = (b: BenchmarkIdentity, revision: number, q: NormalizedQuery) => `${b.id}|${b.slug}|${b.createdAt}|${revision}|${queryKey(q)}`;

  /** Read the benchmark (one query) and the ETag; 404 when unknown. No ranking happens. */
  async function resolve(slug: string, query: LeaderboardQuery = {}, format: Representation = "json"): Promise<LeaderboardRef> {
    const benchmark = await source.getBenchmarkBySlug(slug);
    if (!benchmark) throw notFound(`benchmark "${slug}" not found`);
    const q = normalizeQuery(query);
    return { benchmark, query: q, etag: leaderboardEtag(benchmark, benchmark.revision, q, format) };
  }

  /** The entry of (benchmark, revision, q): cached, or computed from the snapshot just loaded. */
  async function cachedOrCompute(benchmark: BenchmarkRecord, revision: number, q: NormalizedQuery, run: () => Promise<Leaderboard>): Promise<CacheEntry> {
    const key = keyOf(benchmark, revision, q);
    const hit = cache.get(key);
    if (hit) return hit;
    const entry = newEntry(key, await run());
    stats.computed++;
    cache.set(key, entry);
    return entry;
  }

  async function computeEntry(benchmark: BenchmarkRecord, q: NormalizedQuery): Promise<CacheEntry> {
    if (q.level === "instance") {
      const data = (await source.loadInstanceScores?.(benchmark.id)) ?? null;
      if (data?.systems.length) {
        if (q.uncertainty) checkBootstrapWork(q.uncertainty, instanceScoreCount(data), undefined, MAX_INSTANCE_BOOTSTRAP_CELL_SAMPLES);
        return cachedOrCompute(benchmark, data.revision, q, () => compute.run({ kind: "instanceLeaderboard", benchmark: nameOf(benchmark), data, query: q }));
      }
      throw invalid(`benchmark "${benchmark.slug}" has no instance-level scores`, [
        { field: "level", message: "no instance-level scores for this benchmark (upload them to /systems/{system}/instances); use level=task" },
      ]);
    }
    const current = await source.loadCurrentScores(benchmark.id);
    if (!current) throw notFound(`benchmark "${benchmark.slug}" not found`);
    const fitted = methodsForTable(q, current.systems.length);
    checkBootstrapWork(q.uncertainty, current.systems.length * current.tasks.length, { systems: current.systems.length, tasks: current.tasks.length, methods: fitted.methods });
    return cachedOrCompute(benchmark, current.revision, q, () => compute.run({ kind: "leaderboard", benchmark: nameOf(benchmark), current, query: fitted }));
  }

  /** The cached entry for the revision of `ref` (or newer, if a write landed in between). */
  async function entryFor(ref: LeaderboardRef): Promise<CacheEntry> {
    const { benchmark, query } = ref;
    const key = keyOf(benchmark, benchmark.revision, query);
    const hit = cache.get(key);
    if (hit) {
      stats.cacheHits++;
      return hit;
    }
    let pending = inflight.get(key);
    if (!pending) {
      pending = (options.sharedCache ? sharedOrCompute(key, benchmark, query, options.sharedCache) : computeEntry(benchmark, query)).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  /** The entry from the shared cache, else computed and shared under its own key (its revision may be newer). */
  async function sharedOrCompute(key: string, benchmark: BenchmarkRecord, query: NormalizedQuery, shared: SharedLeaderboardCache): Promise<CacheEntry> {
    const found = await shared.get(key).catch(() => undefined);
    if (found) {
      stats.sharedHits++;
      const entry = newEntry(key, found);
      cache.set(key, entry);
      return entry;
    }
    const entry = await computeEntry(benchmark, query);
    await shared.put(entry.key, entry.leaderboard).catch(() => {});
    return entry;
  }

  function newEntry(key: string, leaderboard: Leaderboard): CacheEntry {
    return { key, leaderboard, objectBytes: estimateLeaderboardBytes(leaderboard), bodies: new Map(), bodyBytes: 0 };
  }

  /**
   * The stored body of representation `rep` of `entry`: produced, serialized and compressed at
   * most once per entry (concurrent requests share the promise), then counted in its size.
   */
  function bodyOf(entry: CacheEntry, rep: string, produce: () => ReturnType<BodyProducer>): Promise<StoredBody | null> {
    let body = entry.bodies.get(rep);
    if (body) return body;
    body = (async () => {
      const content = await produce();
      return content === null ? null : storeBody(content);
    })();
    entry.bodies.set(rep, body);
    body.then(
      (stored) => {
        if (!stored) return void entry.bodies.delete(rep);
        stats.bodiesStored++;
        entry.bodyBytes += storedBytes(stored);
        resize(entry);
      },
      () => entry.bodies.delete(rep),
    );
    return body;
  }

  /** Re-account a cached entry's size (lru-cache sizes an entry when it is set), evicting as needed. */
  function resize(entry: CacheEntry): void {
    if (cache.peek(entry.key) !== entry) return; // evicted meanwhile: nothing held by the cache
    cache.delete(entry.key);
    cache.set(entry.key, entry);
  }

  function serialize(lb: Leaderboard, format: LeaderboardFormat): string {
    return format === "csv" ? leaderboardCsv(lb) : JSON.stringify(lb);
  }

  /**
   * The body of representation `rep` made by `produce` from the entry of `ref`, and the
   * leaderboard it was made from (whose revision may be newer than the one `ref` read).
   */
  async function derived(ref: LeaderboardRef, rep: string, produce: BodyProducer): Promise<{ leaderboard: Leaderboard; body: StoredBody | null }> {
    const entry = await entryFor(ref);
    return { leaderboard: entry.leaderboard, body: await bodyOf(entry, rep, () => produce(entry.leaderboard)) };
  }

  /** ETag/304 then the stored body of representation `rep` (serve and serveView). */
  async function serveRepresentation(slug: string, query: LeaderboardQuery, rep: Representation, produce: BodyProducer, options: ServeOptions): Promise<LeaderboardResult> {
    const coding = options.coding ?? "identity";
    const ref = await resolve(slug, query, rep);
    const current = codedEtag(ref.etag, coding);
    if (etagMatches(options.ifNoneMatch, current)) return { notModified: true, etag: current };
    const { leaderboard, body } = await derived(ref, rep, produce);
    if (!body) throw new Error(`representation ${rep} produced no body`);
    const etag = codedEtag(leaderboardEtag(ref.benchmark, leaderboard.benchmark.revision, ref.query, rep), coding);
    return { notModified: false, etag, leaderboard, body };
  }

  return {
    stats,
    /** Drop every cached leaderboard (tests, benchmarks). */
    clearCache: () => cache.clear(),
    /** The ETag a request would get, without computing anything (404 for an unknown benchmark). */
    async etag(slug: string, query: LeaderboardQuery = {}, format: LeaderboardFormat = "json"): Promise<string> {
      return (await resolve(slug, query, format)).etag;
    },
    /** The leaderboard (cached; 404 unknown benchmark; 400 level=instance without instance scores). */
    async get(slug: string, query: LeaderboardQuery = {}): Promise<Leaderboard> {
      return (await entryFor(await resolve(slug, query))).leaderboard;
    },
    /**
     * What an HTTP GET needs: `notModified` when `ifNoneMatch` matches the current ETag (nothing
     * computed), else the leaderboard, its serialized body in `format` and the ETag of what
     * was actually computed (its revision may be newer than the one first read).
     */
    serve(slug: string, query: LeaderboardQuery, format: LeaderboardFormat, options: ServeOptions = {}): Promise<LeaderboardResult> {
      return serveRepresentation(slug, query, format, (lb) => serialize(lb, format), options);
    },
    /**
     * A read model derived from the leaderboard of `query` (the robustness report, a page):
     * `render` runs once per cached leaderboard entry and its bytes (with gzip/br) are kept
     * with it; ETag and 304 exactly as `serve`, with `view:<name>` in place of the format.
     */
    serveView(slug: string, query: LeaderboardQuery, view: string, render: (lb: Leaderboard) => string | Promise<string>, options: ServeOptions = {}): Promise<LeaderboardResult> {
      return serveRepresentation(
        slug,
        query,
        `view:${view}`,
        (lb) => {
          stats.viewsComputed++;
          return render(lb);
        },
        options,
      );
    },
    /** Lower-level pieces for other read models (badges). */
    resolve,
    entryFor: async (ref: LeaderboardRef) => (await entryFor(ref)).leaderboard,
    /** A body kept with the cached entry of `ref` under the name `rep` (made once per entry; null: none). */
    derived,
  };
}

export type LeaderboardService = ReturnType<typeof createLeaderboardService>;
