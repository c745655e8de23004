/**
 * Server-rendered pages (plain `app.get`, not in the OpenAPI document): `/`,
 * `/benchmarks/{slug}`, `/benchmarks/{slug}/systems/{system}`, their assets under `/assets`, and
 * the API reference at `/docs`. Pages carry a strict Content-Security-Policy (nothing external,
 * no inline script or style); /docs has its own (docs.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { INSTANCE_METHODS, MAX_PAIRWISE_EVIDENCE_SYSTEMS, MAX_PAIRWISE_SYSTEMS, PAIRWISE_METHODS, RankingInputError, TASK_METHODS } from "../../ranking/index.ts";
import { DomainError, type ContentCoding, type Leaderboard, type LeaderboardQuery, type StoredBody } from "../../service/index.ts";
import { sendStored, serveOptions, varyOnEncoding } from "../encoding.ts";
import type { AppEnv } from "../env.ts";
import { publicBase } from "../public-url.ts";
import { SLUG_PATTERN } from "../schemas.ts";
import { MinCoverageParam } from "../routes/leaderboard/routes.ts";
import { registerAssets } from "./assets/index.ts";
import { BenchmarkPage } from "./benchmark.tsx";
import { registerDocs } from "./docs.ts";
import { HomePage } from "./home.tsx";
import { MessagePage, NotFoundPage } from "./layout.tsx";
import { defaultBadgeMethod } from "./model.ts";
import { SystemPage, type HistoryItem } from "./system.tsx";
import { PairwiseEvidenceSection, PairwiseRecord } from "./pairwise-heatmap.tsx";

/** The pages' policy: only Podium's own script, stylesheet, images and fonts; no framing. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export type PageLevel = "task" | "instance";

/** The methods a page shows unless `methods` names others: the paper's comparison. */
export const DEFAULT_PAGE_METHODS: Record<PageLevel, readonly string[]> = {
  task: ["mean", "borda", "kemeny"],
  instance: ["mean", "borda", "borda2"],
};
export const LEVEL_METHODS: Record<PageLevel, readonly string[]> = { task: TASK_METHODS, instance: INSTANCE_METHODS };

export interface PageQuery {
  /** Methods named in the query (`methods=a,b` or repeated), in order, deduplicated. */
  requested: string[];
  /** `sort=` as given. */
  sortParam: string | undefined;
  /** `level=task|instance`; absent: task, or instance when the benchmark has only instance scores. */
  level: PageLevel | undefined;
  /** `rows=all`: every system in the table (default: the top TABLE_LIMIT). */
  rowsAll: boolean;
  /** `uncertainty=bootstrap`: rank intervals and tie groups (default samples and seed). */
  uncertainty: boolean;
  /**
   * `minCoverage=9` (tasks) or `minCoverage=0.5` (a share of the tasks), as the leaderboard API
   * reads it: systems below it are listed apart, unranked (by the service that applies it).
   */
  minCoverage: { tasks: number } | { fraction: number } | undefined;
  /** `minCoverage` as given, when it is well formed. */
  minCoverageText: string | undefined;
  /** Parameters with a malformed value, reported on the page. */
  badParams: string[];
}

/** The leaderboard API's syntax: plain digits are tasks, a decimal point makes a fraction in (0, 1]. */
/** `minCoverage` as the leaderboard API reads it; undefined when absent or empty, null when malformed (the page ignores it with a note). */
export function parseMinCoverage(s: string | undefined): { tasks: number } | { fraction: number } | undefined | null {
  if (s === undefined || s === "") return undefined;
  const parsed = MinCoverageParam.safeParse(s);
  if (!parsed.success) return null;
  return parsed.data && "tasks" in parsed.data && parsed.data.tasks === 0 ? undefined : parsed.data;
}

export function parsePageQuery(c: Context): PageQuery {
  const requested = [...new Set((c.req.queries("methods") ?? []).flatMap((v) => v.split(",")).map((m) => m.trim()).filter(Boolean))];
  const level = c.req.query("level");
  const coverageText = c.req.query("minCoverage");
  const minCoverage = parseMinCoverage(coverageText);
  return {
    requested,
    sortParam: c.req.query("sort") || undefined,
    level: level === "task" || level === "instance" ? level : undefined,
    rowsAll: c.req.query("rows") === "all",
    uncertainty: c.req.query("uncertainty") === "bootstrap",
    minCoverage: minCoverage ?? undefined,
    minCoverageText: minCoverage ? coverageText : undefined,
    badParams: minCoverage === null ? ["minCoverage"] : [],
  };
}

/** The methods and primary method of a page at `level`; unknown names are ignored (and reported). */
export function pageMethods(q: Pick<PageQuery, "requested" | "sortParam">, level: PageLevel): { methods: string[]; sort: string; ignored: string[]; defaulted: boolean } {
  const known = LEVEL_METHODS[level];
  const ignored = q.requested.filter((m) => !known.includes(m));
  const methods = q.requested.filter((m) => known.includes(m));
  const defaulted = methods.length === 0;
  if (defaulted) methods.push(...DEFAULT_PAGE_METHODS[level]);
  let sort = methods[0];
  if (q.sortParam && known.includes(q.sortParam)) {
    sort = q.sortParam;
    if (!methods.includes(sort)) methods.push(sort);
  } else if (q.sortParam) ignored.push(q.sortParam);
  return { methods, sort, ignored: [...new Set(ignored)], defaulted };
}

const HTML = "text/html; charset=UTF-8";

/** Pages are stored once rendered: the HTML text of a hono/jsx element. */
async function html(element: JSX.Element | Promise<JSX.Element>): Promise<string> {
  return (await element).toString();
}

type Served = { notModified: true; etag: string } | { notModified: false; etag: string; body: StoredBody; leaderboard: Leaderboard };

/** A stored page, revalidated on every use (`no-cache`) against its strong ETag. */
function sendPage(c: Context, result: Served, coding: ContentCoding): Response {
  c.header("ETag", result.etag);
  c.header("Cache-Control", "no-cache");
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  return sendStored(c, result.body, coding, HTML);
}

/**
 * The leaderboard query of a page. `minCoverage` goes along for the service that applies the
 * coverage policy (it is part of the view's key either way).
 */
function leaderboardQuery(methods: string[] | undefined, level: PageLevel, q: PageQuery): LeaderboardQuery {
  const query: LeaderboardQuery & { minCoverage?: PageQuery["minCoverage"] } = { level };
  if (methods) query.methods = methods as LeaderboardQuery["methods"];
  if (q.uncertainty) query.uncertainty = "bootstrap";
  if (q.minCoverage) query.minCoverage = q.minCoverage;
  return query;
}

const csp: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.req.path.startsWith("/assets/")) return;
  c.res.headers.set("Content-Security-Policy", PAGE_CSP);
};

const isKind = (err: unknown, kind: string): err is DomainError => err instanceof DomainError && err.kind === kind;

/** A bad request, from the service (DomainError "invalid") or from the ranking engine (RankingInputError, e.g. too many systems for Kemeny). */
function invalidRequest(err: unknown): { message: string; details: unknown } | null {
  if (isKind(err, "invalid")) return { message: err.message, details: err.details };
  if (err instanceof RankingInputError) return { message: "invalid score table", details: err.details };
  return null;
}

/** A bad request's message with the field details it carries ("too many samples: samples must be at most 413 ..."). */
function explain(err: { message: string; details: unknown }): string {
  const details = Array.isArray(err.details) ? err.details.map((d) => `${(d as { field?: string }).field ?? ""} ${(d as { message?: string }).message ?? ""}`.trim()).filter(Boolean) : [];
  return details.length ? `${err.message}: ${details.join("; ")}.` : `${err.message}.`;
}

/** An invalid-request error whose details name `field`. */
function invalidField(err: unknown, field: string): boolean {
  const bad = invalidRequest(err);
  return bad !== null && Array.isArray(bad.details) && bad.details.some((d) => (d as { field?: unknown })?.field === field);
}

/** The 400 of `level=instance` on a benchmark without instance scores (its detail names the field `level`). */
const noInstanceScores = (err: unknown) => invalidField(err, "level");

/**
 * The pairwise evidence the pages draw: task level only (at instance level it is a large
 * computation of its own; the API serves it) and within the evidence's size limit.
 */
async function pairwiseEvidence(services: AppEnv["Variables"]["services"], lb: Leaderboard) {
  if (lb.level !== "task" || lb.systems.length < 2 || lb.systems.length > MAX_PAIRWISE_EVIDENCE_SYSTEMS) return undefined;
  return services.evidence.pairwiseReport(lb);
}

const namesOf = (lb: Leaderboard): Record<string, string> => Object.fromEntries(lb.systems.map((s) => [s.slug, s.name]));

export function registerPages(app: OpenAPIHono<AppEnv>) {
  app.use("/", csp);
  app.use("/benchmarks/*", csp);

  app.get("/", async (c) => {
    const options = serveOptions(c);
    const result = await c.var.services.listing.servePage((benchmarks) => html(HomePage({ benchmarks })), options);
    c.header("ETag", result.etag);
    c.header("Cache-Control", "no-cache");
    varyOnEncoding(c);
    if (result.notModified) return c.body(null, 304);
    return sendStored(c, result.body, options.coding, HTML);
  });

  app.get("/benchmarks/:slug", async (c) => {
    const slug = c.req.param("slug");
    const missing = () => c.html(NotFoundPage({ message: `There is no benchmark "${slug}".` }), 404);
    if (!SLUG_PATTERN.test(slug)) return missing();
    const q = parsePageQuery(c);
    const options = serveOptions(c);
    const leaderboards = c.var.services.leaderboards;

    const serve = async (level: PageLevel, notice?: string): Promise<Served> => {
      const chosen = pageMethods(q, level);
      const render = (methods: string[], why: string | undefined) => {
        const { sort, ignored } = chosen;
        const bad = q.badParams.map((p) => `Ignored ${p}=${c.req.query(p)}: an integer number of tasks (e.g. 9) or a fraction in (0, 1] (e.g. 0.5).`);
        const note = [why, ...bad].filter(Boolean).join(" ") || undefined;
        const view = `page:${JSON.stringify([sort, q.rowsAll, ignored, note ?? "", q.minCoverageText ?? ""])}`;
        return leaderboards.serveView(
          slug,
          leaderboardQuery(methods, level, q),
          view,
          async (leaderboard) => {
            const report = await pairwiseEvidence(c.var.services, leaderboard);
            const evidence = report ? PairwiseEvidenceSection({ report, names: namesOf(leaderboard), slug: leaderboard.benchmark.slug }) : undefined;
            return html(BenchmarkPage({ leaderboard, allMethods: LEVEL_METHODS[level], sort, rowsAll: q.rowsAll, ignored, notice: note, minCoverage: q.minCoverageText, evidence }));
          },
          options,
        );
      };
      try {
        return await render(chosen.methods, notice);
      } catch (err) {
        // The default methods include Kemeny, which compares every pair: beyond MAX_PAIRWISE_SYSTEMS the page goes on without it.
        const pairwise = chosen.methods.filter((m) => (PAIRWISE_METHODS as readonly string[]).includes(m));
        if (!chosen.defaulted || pairwise.length === 0 || chosen.methods.length === pairwise.length || !invalidField(err, "methods")) throw err;
        const note = `${pairwise.join(", ")} left out: ${pairwise.length === 1 ? "it compares" : "they compare"} every pair of systems, and this benchmark has more than ${MAX_PAIRWISE_SYSTEMS}.`;
        return render(
          chosen.methods.filter((m) => !pairwise.includes(m)),
          notice ? `${notice} ${note}` : note,
        );
      }
    };
    try {
      if (q.level) return sendPage(c, await serve(q.level), options.coding);
      const task = await serve("task");
      // A benchmark with only instance-level scores opens at the instance level.
      if (!task.notModified && task.leaderboard.systems.length === 0) {
        try {
          return sendPage(c, await serve("instance", "This benchmark has instance-level scores only: shown at the instance level."), options.coding);
        } catch (err) {
          if (!noInstanceScores(err)) throw err;
        }
      }
      return sendPage(c, task, options.coding);
    } catch (err) {
      if (isKind(err, "not_found")) return missing();
      const bad = invalidRequest(err);
      if (bad) {
        const base = `/benchmarks/${encodeURIComponent(slug)}`;
        return c.html(MessagePage({ title: "Cannot show this view", message: explain(bad), links: [{ href: base, text: "Default view" }] }), 400);
      }
      throw err;
    }
  });

  app.get("/benchmarks/:slug/systems/:system", async (c) => {
    const slug = c.req.param("slug");
    const system = c.req.param("system");
    const missing = (what = `There is no system "${system}" on benchmark "${slug}".`) => c.html(NotFoundPage({ message: what }), 404);
    if (!SLUG_PATTERN.test(slug) || !SLUG_PATTERN.test(system)) return missing();
    const q = parsePageQuery(c);
    const options = serveOptions(c);
    // PODIUM_PUBLIC_URL, or the request's origin when its Host is a plain host[:port] (then part of the view's key)
    const origin = publicBase(c);
    const services = c.var.services;
    const methodParam = c.req.query("method");

    const serve = (level: PageLevel): Promise<Served> =>
      services.leaderboards.serveView(
        slug,
        leaderboardQuery(undefined, level, q),
        `system:${JSON.stringify([system, origin, methodParam ?? "", q.minCoverageText ?? ""])}`,
        async (lb) => {
          const row = lb.systems.find((s) => s.slug === system);
          if (!row) return "";
          const badgeMethod = methodParam && LEVEL_METHODS[level].includes(methodParam) ? methodParam : defaultBadgeMethod(lb);
          const report = await pairwiseEvidence(services, lb);
          const pairwise = report ? PairwiseRecord({ report, system: row.slug, names: namesOf(lb) }) : undefined;
          return html(SystemPage({ leaderboard: lb, system: row, history: await historyOf(lb, row), origin, badgeMethod, pairwise }));
        },
        options,
      );
    /** Task level: the submission history; instance level: the uploads. */
    const historyOf = async (lb: Leaderboard, row: Leaderboard["systems"][number]): Promise<HistoryItem[]> => {
      if (lb.level === "instance") {
        return (await services.instances.uploads(slug, system)).uploads.map((u) => ({ id: u.id, createdAt: u.createdAt, rows: u.rows }));
      }
      try {
        return (await services.submissions.history(slug, system)).submissions;
      } catch (err) {
        if (isKind(err, "not_found")) return [];
        throw err;
      }
    };
    const found = (r: Served) => r.notModified || r.leaderboard.systems.some((s) => s.slug === system);
    try {
      if (q.level) {
        const r = await serve(q.level);
        return found(r) ? sendPage(c, r, options.coding) : missing();
      }
      const task = await serve("task");
      if (found(task)) return sendPage(c, task, options.coding);
      // Not ranked at task level: the system may have instance-level scores only.
      try {
        const inst = await serve("instance");
        if (found(inst)) return sendPage(c, inst, options.coding);
      } catch (err) {
        if (!noInstanceScores(err)) throw err;
      }
      return missing();
    } catch (err) {
      if (isKind(err, "not_found")) return missing(`There is no benchmark "${slug}".`);
      const bad = invalidRequest(err);
      if (bad) {
        const base = `/benchmarks/${encodeURIComponent(slug)}/systems/${encodeURIComponent(system)}`;
        return c.html(MessagePage({ title: "Cannot show this view", message: explain(bad), links: [{ href: base, text: "Default view" }] }), 400);
      }
      throw err;
    }
  });

  registerAssets(app);
  registerDocs(app);
}

