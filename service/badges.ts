/**
 * Rank badges (shields.io style) from the cached leaderboard: label `<benchmark> · <method>`,
 * message `#k of n`, colour by percentile. Rendered with badge-maker (which escapes text).
 */
import { makeBadge } from "badge-maker";
import { INSTANCE_METHODS, isTaskMethod, TASK_METHODS, type TaskMethod } from "../ranking/index.ts";
import { DomainError } from "./errors.ts";
import { etagMatches, shortHash, type LeaderboardLevel, type LeaderboardMethod, type LeaderboardService, type ServeOptions } from "./leaderboard.ts";
import { codedEtag, type StoredBody } from "./stored-body.ts";
import { coverageKey, type MinCoverage } from "./coverage.ts";

export type BadgeFormat = "svg" | "json";

/** Default ranking method of a badge (documented in README). */
export const DEFAULT_BADGE_METHOD: TaskMethod = "borda";

/** The shields.io endpoint schema (https://shields.io/badges/endpoint-badge). */
export interface ShieldsEndpoint {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  isError?: true;
}

/**
 * An error badge's JSON carries the shields keys (so shields.io draws it) and Podium's error
 * envelope (every non-2xx JSON reply has one).
 */
export interface BadgeError {
  code: "invalid_request" | "not_found";
  message: string;
}

export interface BadgeData {
  label: string;
  message: string;
  color: string;
}

export type BadgeResult =
  | { status: 200; notModified: true; etag: string }
  | { status: 200; notModified: false; etag: string; /** Rendered once per (benchmark, revision, system, method, format) and kept. */ body: StoredBody }
  | { status: 400 | 404; notModified: false; body: string; message: string };

/** Colour by how far down the board rank k of n is: top 10% brightgreen ... bottom quarter orange. */
export function rankColor(rank: number, of: number): string {
  const p = rank / Math.max(of, 1);
  if (rank === 1 || p <= 0.1) return "brightgreen";
  if (p <= 0.25) return "green";
  if (p <= 0.5) return "yellowgreen";
  if (p <= 0.75) return "yellow";
  return "orange";
}

/** A short label: the benchmark name when short, else its slug. */
export function badgeLabel(benchmark: { slug: string; name: string }, method: string): string {
  const name = benchmark.name.length <= 24 ? benchmark.name : benchmark.slug;
  return `${name} · ${method}`;
}

export function renderBadge(data: BadgeData, format: BadgeFormat, error?: BadgeError): string {
  if (format === "svg") return makeBadge({ label: data.label, message: data.message, color: data.color });
  const body: ShieldsEndpoint & { error?: BadgeError } = { schemaVersion: 1, label: data.label, message: data.message, color: data.color };
  if (error) Object.assign(body, { isError: true, error });
  return JSON.stringify(body);
}

/** An error badge: `message` on the badge, `detail` in the JSON error envelope. */
function errorBadge(status: 400 | 404, label: string, message: string, format: BadgeFormat, detail: string): Extract<BadgeResult, { status: 400 | 404 }> {
  const code: BadgeError["code"] = status === 404 ? "not_found" : "invalid_request";
  return {
    status,
    notModified: false,
    message: detail,
    body: renderBadge({ label, message, color: status === 404 ? "lightgrey" : "red" }, format, { code, message: detail }),
  };
}

/** What a badge shows besides the rank (README "Evidence"). */
export interface BadgeView {
  /** Coverage policy: a system below it gets `unranked · k/m tasks`, and `of n` counts the ranked only. */
  minCoverage?: MinCoverage;
  /** Add the bootstrap interval (default samples and seed): `#3 (2-5) of 105`. */
  interval?: boolean;
  /** The leaderboard level (default task; instance when the method is borda2). */
  level?: LeaderboardLevel;
}

/**
 * The badge message of a row: `#3 of 105`, `#3 (2-5) of 105` with the interval, and
 * `· 9/14 tasks` when the system is not scored on every task.
 */
export function badgeMessage(rank: number, of: number, interval: readonly [number, number] | undefined, coverage: number, tasks: number): string {
  const span = interval ? ` (${interval[0]}-${interval[1]})` : "";
  return `#${rank}${span} of ${of}${coverage < tasks ? ` · ${coverage}/${tasks} tasks` : ""}`;
}

export function createBadgeService(leaderboards: LeaderboardService) {
  const service = {
    /** The body of a generic error badge (400 bad method, 404 unknown benchmark/system). */
    error: (status: 400 | 404, format: BadgeFormat, detail = status === 404 ? "not found" : "bad request") =>
      errorBadge(status, "podium", status === 404 ? "not found" : "bad request", format, detail).body,
    /**
     * The badge of `system` under `method` (default borda) on the current leaderboard, computed
     * through the leaderboard cache (methods = [method]) and kept with that cache entry, so a
     * repeated request reads the revision (one indexed query) and sends stored bytes: no
     * ranking, no rendering. `notModified` when `ifNoneMatch` matches the ETag of the
     * negotiated coding. Unknown benchmark or system: status 404; unknown method: 400 (error badges).
     */
    async get(benchmarkSlug: string, systemSlug: string, method: string | undefined, format: BadgeFormat, options: ServeOptions = {}, view: BadgeView = {}): Promise<BadgeResult> {
      const m = method ?? DEFAULT_BADGE_METHOD;
      // borda2 exists at instance level only: it implies level=instance.
      const lv: LeaderboardLevel = view.level ?? (m === "borda2" ? "instance" : "task");
      const known: readonly string[] = lv === "instance" ? INSTANCE_METHODS : TASK_METHODS;
      if (!known.includes(m) || (lv === "task" && !isTaskMethod(m)))
        return errorBadge(400, "podium", "unknown method", format, `unknown method "${m}" at level=${lv} (known: ${known.join(", ")})`);
      let ref;
      try {
        ref = await leaderboards.resolve(benchmarkSlug, { methods: [m as LeaderboardMethod], level: lv, minCoverage: view.minCoverage, ...(view.interval ? { uncertainty: "bootstrap" as const } : {}) });
      } catch (err) {
        if (err instanceof DomainError && err.kind === "not_found") return errorBadge(404, "podium", "not found", format, `benchmark "${benchmarkSlug}" not found`);
        throw err;
      }
      const label = badgeLabel(ref.benchmark, m);
      const coding = options.coding ?? "identity";
      const etagFor = (revision: number) =>
        codedEtag(`"badge-${ref.benchmark.id}-${revision}-${shortHash(`${ref.benchmark.slug}|${ref.benchmark.createdAt}|${systemSlug}|${m}${lv === "instance" ? "|instance" : ""}|${format}${coverageKey(ref.query.minCoverage)}${view.interval ? "|interval" : ""}`)}"`, coding);
      const etag = etagFor(ref.benchmark.revision);
      if (etagMatches(options.ifNoneMatch, etag)) return { status: 200, notModified: true, etag };
      // The leaderboard entry of (benchmark, revision, [m]) keeps the badge; the system is part of the name.
      const produced = await leaderboards.derived(ref, `badge:${format}:${systemSlug}`, (lb) => {
        const row = lb.systems.find((s) => s.slug === systemSlug);
        const tasks = lb.tasks.length;
        if (!row) {
          const below = lb.incomplete?.find((s) => s.slug === systemSlug);
          return below ? renderBadge({ label, message: `unranked · ${below.coverage}/${tasks} tasks`, color: "lightgrey" }, format) : null;
        }
        const cell = row.results[m];
        const of = lb.systems.length;
        return renderBadge({ label, message: badgeMessage(cell.rank, of, cell.interval, row.coverage, tasks), color: rankColor(cell.rank, of) }, format);
      }).catch((err: unknown) => {
        // a query the table cannot take (an interval badge with too many scores to bootstrap;
        // level=instance without instance scores) is an error badge
        if (err instanceof DomainError && err.kind === "invalid") return err;
        throw err;
      });
      if (produced instanceof DomainError) {
        if (lv === "instance" && !view.interval) return errorBadge(400, label, "no instance scores", format, produced.message);
        return errorBadge(400, label, "bad request", format, produced.message);
      }
      const { leaderboard: lb, body } = produced;
      if (!body) {
        // A benchmark with instance-level scores only (no task-level board at all): its default
        // badge is borda2 at the instance level, as its page's default level.
        if (method === undefined && view.level === undefined && lb.systems.length === 0 && !lb.incomplete?.length) {
          const instance = await service.get(benchmarkSlug, systemSlug, "borda2", format, options, { ...view, level: "instance" });
          if (instance.status === 200) return instance;
        }
        return errorBadge(404, label, "not found", format, `system "${systemSlug}" not found on benchmark "${benchmarkSlug}"`);
      }
      return { status: 200, notModified: false, etag: etagFor(lb.benchmark.revision), body };
    },
  };
  return service;
}

export type BadgeService = ReturnType<typeof createBadgeService>;

