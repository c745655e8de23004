/**
 * `/docs`: the interactive API reference (Scalar) over `/openapi.json`, with its script served
 * by Podium itself from the installed @scalar/api-reference package (no CDN, no remote fonts).
 */
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

export function registerDocs(app: OpenAPIHono<AppEnv>) {
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
