/**
 * `/docs`: the interactive API reference (Scalar) over `/openapi.json`, with its script served
 * by Podium itself from the installed @scalar/api-reference package (no CDN, no remote fonts).
 * Its own Content-Security-Policy: Scalar needs its inline start-up script (allowed by hash)
 * and inline styles, and nothing from another origin.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "../env.ts";

export const DOCS_SCRIPT_PATH = "/docs/assets/scalar.js";

let script: string | undefined;
/** The standalone bundle (~3.5 MB), read once on first request. */
function scalarScript(): string {
  script ??= readFileSync(createRequire(import.meta.url).resolve("@scalar/api-reference/browser/standalone.js"), "utf8");
  return script;
}

/** The policy of a docs page: its inline scripts by hash, inline styles, everything else from Podium only. */
export function docsCsp(html: string): string {
  const hashes = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => `'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`);
  return [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(" ")}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function registerDocs(app: OpenAPIHono<AppEnv>) {
  let policy: string | undefined;
  app.use("/docs", async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    // The page is the same on every request: hash its inline scripts once.
    policy ??= docsCsp(await c.res.clone().text());
    c.res.headers.set("Content-Security-Policy", policy);
  });
  app.get(
    "/docs",
    Scalar({
      url: "/openapi.json",
      cdn: DOCS_SCRIPT_PATH,
      pageTitle: "Podium API reference",
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      agent: { disabled: true },
      showDeveloperTools: "never",
    }),
  );
  app.get(DOCS_SCRIPT_PATH, (c) => {
    c.header("content-type", "text/javascript; charset=utf-8");
    // The bundle only changes with the installed package version.
    c.header("cache-control", "public, max-age=604800");
    return c.body(scalarScript());
  });
}
