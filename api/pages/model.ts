/**
 * What the pages derive from a computed leaderboard (pure, no I/O): per-task ranks, metadata
 * columns, the consensus method of the rank-shift chart, the Kemeny agreement as a share of its
 * maximum, badge and page URLs.
 */
import type { Leaderboard, LeaderboardSystem } from "../../service/leaderboard.ts";

/** A metadata value the pages show (nested objects and arrays are left to the JSON API). */
export type MetaValue = string | number | boolean;

/** A system's `metadata` (present once the service returns it), its scalar entries only. */
export function metadataOf(system: LeaderboardSystem): Record<string, MetaValue> {
  const raw = (system as LeaderboardSystem & { metadata?: unknown }).metadata;
  const out: Record<string, MetaValue> = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) out[key] = value;
  }
  return out;
}

/** Keys shown first, in this order, when present (the usual model-card fields). */
const KNOWN_KEYS = ["organisation", "organization", "org", "parameters", "params", "size", "date", "released", "license", "open weights", "openWeights", "open_weights"];
/** At most this many metadata columns in the table (the system page shows every key). */
export const MAX_META_COLUMNS = 5;
/** Keys that are links, not columns (the system's URL already has its own link). */
const LINK_KEYS = new Set(["link", "url", "homepage", "paper", "website"]);

/**
 * The metadata columns of the table: those the benchmark declares (`benchmark.columns`, when the
 * service provides it), else the scalar keys systems carry, known model-card keys first, then by
 * how many systems have them.
 */
export function metadataColumns(lb: Leaderboard): string[] {
  const declared = (lb.benchmark as Leaderboard["benchmark"] & { columns?: unknown }).columns;
  if (Array.isArray(declared) && declared.every((c) => typeof c === "string")) return declared.slice(0, MAX_META_COLUMNS * 2) as string[];
  const counts = new Map<string, number>();
  for (const s of lb.systems) for (const key of Object.keys(metadataOf(s))) if (!LINK_KEYS.has(key.toLowerCase())) counts.set(key, (counts.get(key) ?? 0) + 1);
  const known = (k: string) => {
    const i = KNOWN_KEYS.indexOf(k.toLowerCase());
    return i < 0 ? KNOWN_KEYS.length : i;
  };
  return [...counts.entries()]
    .sort((a, b) => known(a[0]) - known(b[0]) || b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_META_COLUMNS)
    .map(([k]) => k);
}

/** A metadata key as a column header: "open_weights" -> "Open weights". */
export function metaLabel(key: string): string {
  const spaced = key.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

export function metaText(value: MetaValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** A link the system declares in its metadata (http(s) only). */
export function metadataLink(system: LeaderboardSystem): string | null {
  const meta = metadataOf(system);
  for (const key of Object.keys(meta)) if (LINK_KEYS.has(key.toLowerCase()) && typeof meta[key] === "string" && isWebUrl(meta[key] as string)) return meta[key] as string;
  return null;
}

export function isWebUrl(url: string | null | undefined): url is string {
  return typeof url === "string" && /^https?:\/\//i.test(url);
}

/** Equal under RANKING.md's tolerance. */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface TaskRank {
  rank: number;
  /** Systems scored on the task. */
  of: number;
}

/**
 * Per task, each scored system's rank among the systems scored on it (its direction; equal
 * scores share the smallest rank, 1, 2, 2, 4), and the best score.
 */
export function taskRanks(lb: Leaderboard): Map<string, { ranks: Map<string, TaskRank>; best: number | undefined }> {
  const out = new Map<string, { ranks: Map<string, TaskRank>; best: number | undefined }>();
  for (const task of lb.tasks) {
    const sign = task.higherIsBetter ? 1 : -1;
    const scored = lb.systems.filter((s) => Number.isFinite(s.scores[task.slug])).map((s) => ({ slug: s.slug, v: sign * s.scores[task.slug] }));
    scored.sort((a, b) => b.v - a.v);
    const ranks = new Map<string, TaskRank>();
    let groupRank = 1;
    let groupValue = scored[0]?.v;
    scored.forEach((s, i) => {
      if (!close(s.v, groupValue!)) {
        groupRank = i + 1;
        groupValue = s.v;
      }
      ranks.set(s.slug, { rank: groupRank, of: scored.length });
    });
    out.set(task.slug, { ranks, best: scored.length ? sign * scored[0].v : undefined });
  }
  return out;
}

/** The consensus a rank-shift chart compares with the mean: Kemeny, else two-level Borda, else Borda. */
export function consensusMethod(methods: readonly string[]): string | undefined {
  return ["kemeny", "borda2", "borda"].find((m) => methods.includes(m));
}

export interface KemenyShare {
  agreement: number;
  /** Weighted pairwise task comparisons: sum over tasks of weight x pairs of systems both scored. */
  comparisons: number;
  share: number;
  upperBound: number;
  exact: boolean;
}

/**
 * Kemeny's agreement as a share of its maximum: every pair of systems scored on a task is one
 * comparison of that task's weight (a tie gives half to each side), so an order can agree with at
 * most all of them (reached only when every task ranks the systems the same way).
 */
export function kemenyShare(lb: Leaderboard): KemenyShare | null {
  const k = lb.kemeny;
  if (!k) return null;
  let comparisons = 0;
  for (const task of lb.tasks) {
    const m = lb.systems.reduce((n, s) => n + (Number.isFinite(s.scores[task.slug]) ? 1 : 0), 0);
    comparisons += task.weight * ((m * (m - 1)) / 2);
  }
  if (comparisons <= 0) return null;
  return { agreement: k.agreement, comparisons, share: k.agreement / comparisons, upperBound: k.upperBound, exact: k.exact };
}

export function benchmarkPath(lb: Leaderboard): string {
  return `/benchmarks/${encodeURIComponent(lb.benchmark.slug)}`;
}

export function systemPath(lb: Leaderboard, system: string, level?: string): string {
  return `${benchmarkPath(lb)}/systems/${encodeURIComponent(system)}${level === "instance" ? "?level=instance" : ""}`;
}

/** The badge URL of a system (`method=borda2` is instance level; other instance-level badges say `level=instance`). */
export function badgeUrl(origin: string, lb: Leaderboard, system: string, method: string): string {
  const level = lb.level === "instance" ? "&level=instance" : "";
  return `${origin}/api/v1/benchmarks/${encodeURIComponent(lb.benchmark.slug)}/systems/${encodeURIComponent(system)}/badge.svg?method=${encodeURIComponent(method)}${level}`;
}

/** The default badge method of a level: Borda for tasks, two-level Borda for instances. */
export function defaultBadgeMethod(lb: Leaderboard): string {
  return lb.level === "instance" ? "borda2" : "borda";
}

export function badgeMarkdown(origin: string, lb: Leaderboard, system: string, method: string): string {
  // Markdown link text: brackets would end it early.
  const label = lb.benchmark.name.replace(/[[\]\\]/g, "\\$&");
  return `[![${label} rank](${badgeUrl(origin, lb, system, method)})](${origin}${systemPath(lb, system, lb.level)})`;
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function badgeHtml(origin: string, lb: Leaderboard, system: string, method: string): string {
  const href = `${origin}${systemPath(lb, system, lb.level)}`;
  return `<a href="${escapeAttr(href)}"><img src="${escapeAttr(badgeUrl(origin, lb, system, method))}" alt="${escapeAttr(`${lb.benchmark.name} rank`)}"></a>`;
}

/** Mean-family methods are the reference; the others are aggregations from social choice. */
export const isMeanFamily = (m: string) => m === "mean" || m.startsWith("mean-");

export function rankOf(s: LeaderboardSystem, method: string): number {
  return s.results[method]?.rank ?? Number.POSITIVE_INFINITY;
}

/** A method whose largest tie holds at least this share of the systems says little about order (plurality on GLUE: 97 of 105). */
export const DEGENERATE_TIE_SHARE = 0.25;

export interface DegenerateMethod {
  /** The rank the largest tie shares. */
  rank: number;
  /** How many systems share it. */
  size: number;
}

/** Methods whose ranking is mostly one big tie (at least 4 systems and DEGENERATE_TIE_SHARE of the board). */
export function degenerateMethods(lb: Leaderboard): Map<string, DegenerateMethod> {
  const out = new Map<string, DegenerateMethod>();
  const n = lb.systems.length;
  for (const method of lb.methods) {
    const counts = new Map<number, number>();
    for (const s of lb.systems) {
      const r = s.results[method]?.rank;
      if (r !== undefined) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    let best: DegenerateMethod | undefined;
    for (const [rank, size] of counts) if (!best || size > best.size) best = { rank, size };
    if (best && best.size >= 4 && best.size >= DEGENERATE_TIE_SHARE * n) out.set(method, best);
  }
  return out;
}
