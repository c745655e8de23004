/**
 * What every Podium app shares, the Node server's and the Worker's: zod validation failures,
 * thrown errors and unknown routes all answer in the one error envelope, and /openapi.json is
 * generated from the same schemas that validate requests.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { notFoundHandler, onError, validationHook } from "./errors.ts";

export function createBaseApp<E extends Env>(): OpenAPIHono<E> {
  const app = new OpenAPIHono<E>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound(notFoundHandler);
  return app;
}

export function serveOpenApiDocument<E extends Env>(app: OpenAPIHono<E>, description: string): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Podium API",
      version: "1.0.0",
      description: `${description} Errors share one envelope, \`{"error": {"code", "message", "details"?}}\`; writes need \`Authorization: Bearer <token>\`.`,
      license: { name: "MIT", url: "https://opensource.org/licenses/MIT" },
    },
  });
}
