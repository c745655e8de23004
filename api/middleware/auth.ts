/** `Authorization: Bearer <token>` -> `c.var.principal` (401 when missing or unknown). */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { unauthorized } from "../errors.ts";

/** Extract the bearer token of a request, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/** Require a valid token; sets `principal`. Authorization (403) is decided by the services. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  // Already verified by the idempotency middleware (api/middleware/idempotency.ts)?
  if (c.get("principal")) return next();
  const token = bearerToken(c.req.header("authorization"));
  if (!token) throw unauthorized("missing bearer token (Authorization: Bearer <token>)");
  c.set("principal", await c.var.services.auth.authenticate(token));
  await next();
});
