/**
 * Static assets of the pages, served by Podium itself (nothing external): the stylesheet, the
 * progressive-enhancement script and the favicon, each under a content-hashed path
 * (`/assets/podium.<hash>.css`) with a one-year immutable cache and a strong ETag.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { etagMatches, shortHash } from "../../../service/leaderboard.ts";
import type { AppEnv } from "../../env.ts";
import { FAVICON_SVG } from "./favicon.ts";
import { PODIUM_JS } from "./script.ts";
import { PODIUM_CSS } from "./style.ts";

interface Asset {
  path: string;
  type: string;
  body: string;
  etag: string;
}

function asset(name: string, ext: string, type: string, body: string): Asset {
  const hash = shortHash(body);
  return { path: `/assets/${name}.${hash}.${ext}`, type, body, etag: `"${hash}"` };
}

export const ASSETS = {
  css: asset("podium", "css", "text/css; charset=utf-8", PODIUM_CSS),
  js: asset("podium", "js", "text/javascript; charset=utf-8", PODIUM_JS),
  favicon: asset("favicon", "svg", "image/svg+xml", FAVICON_SVG),
} as const;

const BY_PATH = new Map<string, Asset>(Object.values(ASSETS).map((a) => [a.path, a]));

export function registerAssets(app: OpenAPIHono<AppEnv>) {
  app.get("/assets/:file", (c) => {
    const found = BY_PATH.get(c.req.path);
    if (!found) return c.notFound(); // the error envelope, as for any unknown path
    c.header("ETag", found.etag);
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    if (etagMatches(c.req.header("if-none-match"), found.etag)) return c.body(null, 304);
    c.header("Content-Type", found.type);
    return c.body(found.body);
  });
  // Browsers ask for /favicon.ico whatever the page says.
  app.get("/favicon.ico", (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    return c.redirect(ASSETS.favicon.path, 301);
  });
}
