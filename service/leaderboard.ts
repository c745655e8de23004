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
import { INSTANCE_METHODS, TASK_METHODS, type LinearSolver } from "../ranking/index.ts";
import type { BenchmarkRecord, CurrentScores, InstanceScores } from "../db/index.ts";
import { invalid, notFound } from "./errors.ts";
import { createInlineCompute, type ComputePool } from "./compute-pool.ts";
import type { Leaderboard, LeaderboardLevel, LeaderboardMethod, NormalizedQuery } from "./leaderboard-types.ts";
import { checkBootstrapWork, normalizeUncertainty, uncertaintyCsvCells, uncertaintyCsvHeader, uncertaintyKey, type UncertaintyParams } from "./uncertainty.ts";

export type { Leaderboard, LeaderboardCell, LeaderboardLevel, LeaderboardMethod, LeaderboardSystem, LeaderboardTask, NormalizedQuery } from "./leaderboard-types.ts";
export { computeLeaderboard, scoreTable } from "./leaderboard-compute.ts";

export type LeaderboardFormat = "json" | "csv";
/** What an ETag identifies: the leaderboard as JSON or CSV, or a JSON view derived from it (`view:robustness`). */
export type Representation = LeaderboardFormat | `view:${string}`;

export interface LeaderboardQuery extends UncertaintyParams {
  methods?: readonly LeaderboardMethod[];
  level?: LeaderboardLevel;
  kemenyBudgetMs?: number;
}

export function normalizeQuery(query: LeaderboardQuery = {}): NormalizedQuery {
  // Each level has its own methods (RANKING.md): instance level is mean, borda, borda2.
  const known: readonly LeaderboardMethod[] = query.level === "instance" ? INSTANCE_METHODS : TASK_METHODS;
  const methods = query.methods?.length ? [...new Set(query.methods)] : [...known];
  const unknown = methods.find((m) => !known.includes(m));
  if (unknown !== undefined)
    throw invalid(`method "${unknown}" is not available at level=${query.level ?? "task"}`, [
      { field: "methods", message: `${query.level ?? "task"}-level methods: ${known.join(", ")}` },
    ]);
  const out: NormalizedQuery = { methods, level: query.level ?? "task" };
  // kemenyBudgetMs only matters when kemeny is requested: keep it out of the key otherwise.
  if (query.kemenyBudgetMs !== undefined && methods.includes("kemeny")) out.kemenyBudgetMs = query.kemenyBudgetMs;
  const uncertainty = normalizeUncertainty(query, methods);
  if (uncertainty) out.uncertainty = uncertainty;
  return out;
}

/** Canonical text of a normalized query (cache key part). */
export function queryKey(q: NormalizedQuery): string {
  return `${q.level}|${q.methods.join(",")}|${q.kemenyBudgetMs ?? ""}${uncertaintyKey(q.uncertainty)}`;
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
  for (const s of lb.systems) {
    const cells = [csvText(s.slug), csvText(s.name), String(s.coverage)];
    for (const method of lb.methods) {
      const cell = s.results[method];
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

/** A small LRU (Map insertion order). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly capacity: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
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
  /** Cached leaderboards (default 256). */
  cacheSize?: number;
  /** Where leaderboards are computed (service/compute-pool.ts); absent: on the calling thread, with `kemenySolver`. */
  compute?: ComputePool;
  /** LP/MIP solver for exact Kemeny without a pool (HiGHS, service/kemeny-solver.ts); absent: branch and bound only. */
  kemenySolver?: LinearSolver;
}

interface CacheEntry {
  leaderboard: Leaderboard;
  csv?: string;
  /** JSON text, serialized once. */
  json?: string;
  /** Derived views (serveView), view name -> JSON text, computed once per entry (shared while computing). */
  views?: Map<string, Promise<string>>;
}

/** The resolved state of a request before anything is computed. */
export interface LeaderboardRef {
  benchmark: BenchmarkRecord;
  query: NormalizedQuery;
  /** ETag of the representation as of the revision just read. */
  etag: string;
}

export type LeaderboardResult =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; leaderboard: Leaderboard; /** Serialized body in the requested format. */ body: string };

export interface LeaderboardStats {
  computed: number;
  cacheHits: number;
  /** Derived views computed (serveView). */
  viewsComputed: number;
}

/** What a leaderboard shows of its benchmark (all a compute job needs of it). */
const nameOf = (b: BenchmarkRecord) => ({ slug: b.slug, name: b.name });

/** Stored instance scores of a snapshot (the size of an instance-level bootstrap). */
function instanceScoreCount(data: InstanceScores): number {
  let count = 0;
  for (const cell of data.cells) count += cell.scores.length;
  return count;
}

export function createLeaderboardService(source: LeaderboardSource, options: LeaderboardServiceOptions = {}) {
  const cache = new LruCache<string, CacheEntry>(options.cacheSize ?? 256);
  const inflight = new Map<string, Promise<CacheEntry>>();
  const compute = options.compute ?? createInlineCompute(options.kemenySolver);
  const stats: LeaderboardStats = { computed: 0, cacheHits: 0, viewsComputed: 0 };
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
    const entry: CacheEntry = { leaderboard: await run() };
    stats.computed++;
    cache.set(key, entry);
    return entry;
  }

  async function computeEntry(benchmark: BenchmarkRecord, q: NormalizedQuery): Promise<CacheEntry> {
    if (q.level === "instance") {
      const data = (await source.loadInstanceScores?.(benchmark.id)) ?? null;
      if (data?.systems.length) {
        checkBootstrapWork(q.uncertainty, instanceScoreCount(data));
        return cachedOrCompute(benchmark, data.revision, q, () => compute.run({ kind: "instanceLeaderboard", benchmark: nameOf(benchmark), data, query: q }));
      }
      throw invalid(`benchmark "${benchmark.slug}" has no instance-level scores`, [
        { field: "level", message: "no instance-level scores for this benchmark (upload them to /systems/{system}/instances); use level=task" },
      ]);
    }
    const current = await source.loadCurrentScores(benchmark.id);
    if (!current) throw notFound(`benchmark "${benchmark.slug}" not found`);
    checkBootstrapWork(q.uncertainty, current.systems.length * current.tasks.length, { systems: current.systems.length, tasks: current.tasks.length, methods: q.methods });
    return cachedOrCompute(benchmark, current.revision, q, () => compute.run({ kind: "leaderboard", benchmark: nameOf(benchmark), current, query: q }));
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
      pending = computeEntry(benchmark, query).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  function serialize(entry: CacheEntry, format: LeaderboardFormat): string {
    if (format === "csv") return (entry.csv ??= leaderboardCsv(entry.leaderboard));
    return (entry.json ??= JSON.stringify(entry.leaderboard));
  }

  /** ETag/304 then the cached entry's body in representation `rep` (serve and serveView). */
  async function serveRepresentation(
    slug: string,
    query: LeaderboardQuery,
    rep: Representation,
    bodyOf: (entry: CacheEntry) => string | Promise<string>,
    ifNoneMatch?: string | null,
  ): Promise<LeaderboardResult> {
    const ref = await resolve(slug, query, rep);
    if (etagMatches(ifNoneMatch, ref.etag)) return { notModified: true, etag: ref.etag };
    const entry = await entryFor(ref);
    const etag = leaderboardEtag(ref.benchmark, entry.leaderboard.benchmark.revision, ref.query, rep);
    return { notModified: false, etag, leaderboard: entry.leaderboard, body: await bodyOf(entry) };
  }

  /** A derived view's JSON, computed once per cached entry (so per benchmark, revision and query). */
  function viewBody(entry: CacheEntry, view: string, computeView: (lb: Leaderboard) => Promise<unknown>): Promise<string> {
    const views = (entry.views ??= new Map());
    let body = views.get(view);
    if (body === undefined) {
      body = computeView(entry.leaderboard).then((v) => {
        stats.viewsComputed++;
        return JSON.stringify(v);
      });
      // a failed computation (503, 400) is not kept: the next request tries again
      body.catch(() => views.delete(view));
      views.set(view, body);
    }
    return body;
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
    serve(slug: string, query: LeaderboardQuery, format: LeaderboardFormat, ifNoneMatch?: string | null): Promise<LeaderboardResult> {
      return serveRepresentation(slug, query, format, (entry) => serialize(entry, format), ifNoneMatch);
    },
    /**
     * A JSON read model derived from the leaderboard of `query` (e.g. the robustness report):
     * `computeView` (a compute-pool job) runs once per cached leaderboard entry and its JSON is kept with it; ETag and
     * 304 exactly as `serve`, with `view:<name>` in place of the format.
     */
    serveView(
      slug: string,
      query: LeaderboardQuery,
      view: string,
      computeView: (lb: Leaderboard) => Promise<unknown>,
      ifNoneMatch?: string | null,
    ): Promise<LeaderboardResult> {
      return serveRepresentation(slug, query, `view:${view}`, (entry) => viewBody(entry, view, computeView), ifNoneMatch);
    },
    /** Lower-level pieces for other read models (badges, pages). */
    resolve,
    entryFor: async (ref: LeaderboardRef) => (await entryFor(ref)).leaderboard,
  };
}

export type LeaderboardService = ReturnType<typeof createLeaderboardService>;
