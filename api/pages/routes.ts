/**
 * Server-rendered pages (plain `app.get`, not in the OpenAPI document): `/`, `/benchmarks/{slug}`
 * and the API reference at `/docs`.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isTaskMethod, TASK_METHODS, type TaskMethod } from "../../ranking/index.ts";
import { DomainError } from "../../service/index.ts";
import type { AppEnv } from "../env.ts";
import { publicBase } from "../public-url.ts";
import { SLUG_PATTERN } from "../schemas.ts";
import { BenchmarkPage } from "./benchmark.tsx";
import { registerDocs } from "./docs.ts";
import { HomePage } from "./home.tsx";
import { NotFoundPage } from "./layout.tsx";

export interface PageQuery {
  methods: TaskMethod[];
  sort: TaskMethod;
  chartAll: boolean;
  /** `uncertainty=bootstrap`: rank intervals, pTop1 and tie groups (default samples and seed). */
  uncertainty: boolean;
  ignored: string[];
}

/**
 * `?methods=mean,borda&sort=borda&chart=all`; `methods` may also repeat (what the checkbox form
 * sends). Unknown names are ignored (and reported); a `sort` method not selected is added.
 */
export function parsePageQuery(c: Context): PageQuery {
  const requested = (c.req.queries("methods") ?? []).flatMap((v) => v.split(",")).map((m) => m.trim()).filter(Boolean);
  const ignored = [...new Set(requested.filter((m) => !isTaskMethod(m)))];
  const methods = [...new Set(requested.filter(isTaskMethod))];
  if (methods.length === 0) methods.push(...TASK_METHODS);
  const sortParam = c.req.query("sort");
  let sort = methods[0];
  if (sortParam && isTaskMethod(sortParam)) {
    sort = sortParam;
    if (!methods.includes(sort)) methods.push(sort);
  } else if (sortParam) ignored.push(sortParam);
  return { methods, sort, chartAll: c.req.query("chart") === "all", uncertainty: c.req.query("uncertainty") === "bootstrap", ignored };
}

const PAGE_HEADERS = { "cache-control": "no-cache" };

export function registerPages(app: OpenAPIHono<AppEnv>) {
  app.get("/", async (c) => c.html(HomePage({ benchmarks: await c.var.services.benchmarks.list() }), 200, PAGE_HEADERS));

  app.get("/benchmarks/:slug", async (c) => {
    const slug = c.req.param("slug");
    const missing = () => c.html(NotFoundPage({ message: `There is no benchmark "${slug}".` }), 404);
    if (!SLUG_PATTERN.test(slug)) return missing();
    const query = parsePageQuery(c);
    try {
      const leaderboard = await c.var.services.leaderboards.get(slug, { methods: query.methods, ...(query.uncertainty ? { uncertainty: "bootstrap" as const } : {}) });
      const origin = publicBase(c);
      return c.html(
        BenchmarkPage({ leaderboard, allMethods: TASK_METHODS, sort: query.sort, chartAll: query.chartAll, origin, ignored: query.ignored }),
        200,
        PAGE_HEADERS,
      );
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") return missing();
      throw err;
    }
  });

  registerDocs(app);
}
