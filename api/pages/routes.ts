/**
 * Server-rendered pages (plain `app.get`, not in the OpenAPI document): `/`, `/benchmarks/{slug}`
 * and the API reference at `/docs`.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { isTaskMethod, TASK_METHODS, type TaskMethod } from "../../ranking/index.ts";
import { DomainError, type ContentCoding, type StoredBody } from "../../service/index.ts";
import { sendStored, serveOptions, varyOnEncoding } from "../encoding.ts";
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
  /** `rows=all`: every system in the table (default: the top TABLE_LIMIT). */
  rowsAll: boolean;
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
  return {
    methods,
    sort,
    chartAll: c.req.query("chart") === "all",
    rowsAll: c.req.query("rows") === "all",
    uncertainty: c.req.query("uncertainty") === "bootstrap",
    ignored,
  };
}

const HTML = "text/html; charset=UTF-8";

/** Pages are stored once rendered: the HTML text of a (synchronous) hono/jsx element. */
async function html(element: JSX.Element): Promise<string> {
  return (await element).toString();
}

/** A stored page, revalidated on every use (`no-cache`) against its strong ETag. */
function sendPage(c: Context, result: { notModified: true; etag: string } | { notModified: false; etag: string; body: StoredBody }, coding: ContentCoding): Response {
  c.header("ETag", result.etag);
  c.header("Cache-Control", "no-cache");
  varyOnEncoding(c);
  if (result.notModified) return c.body(null, 304);
  return sendStored(c, result.body, coding, HTML);
}

export function registerPages(app: OpenAPIHono<AppEnv>) {
  app.get("/", async (c) => {
    const options = serveOptions(c);
    const result = await c.var.services.listing.servePage((benchmarks) => html(HomePage({ benchmarks })), options);
    return sendPage(c, result, options.coding);
  });

  app.get("/benchmarks/:slug", async (c) => {
    const slug = c.req.param("slug");
    const missing = () => c.html(NotFoundPage({ message: `There is no benchmark "${slug}".` }), 404);
    if (!SLUG_PATTERN.test(slug)) return missing();
    const query = parsePageQuery(c);
    // PODIUM_PUBLIC_URL, or the request's origin when its Host is a plain host[:port] (then part of the view's key)
    const origin = publicBase(c);
    const options = serveOptions(c);
    // The leaderboard query selects the cache entry; the rest of the page query names the view kept with it.
    const view = `page:${JSON.stringify([query.sort, query.chartAll, query.rowsAll, origin, query.ignored])}`;
    try {
      const result = await c.var.services.leaderboards.serveView(
        slug,
        { methods: query.methods, ...(query.uncertainty ? { uncertainty: "bootstrap" as const } : {}) },
        view,
        (leaderboard) =>
          html(
            BenchmarkPage({ leaderboard, allMethods: TASK_METHODS, sort: query.sort, chartAll: query.chartAll, rowsAll: query.rowsAll, origin, ignored: query.ignored }),
          ),
        options,
      );
      return sendPage(c, result, options.coding);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") return missing();
      throw err;
    }
  });

  registerDocs(app);
}
