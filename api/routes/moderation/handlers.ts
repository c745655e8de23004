import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { benchmarkJson } from "../benchmarks/handlers.ts";
import type * as routes from "./routes.ts";

export const editSystem: RouteHandler<typeof routes.editSystem, AppEnv> = async (c) => {
  const { slug, system } = c.req.valid("param");
  const s = await c.var.services.moderation.editSystem(c.var.principal, slug, system, c.req.valid("json"));
  return c.json({ slug: s.slug, name: s.name, url: s.url, metadata: s.metadata, hidden: s.hidden, hiddenReason: s.hiddenReason, createdAt: s.createdAt }, 200);
};

export const retractSubmission: RouteHandler<typeof routes.retractSubmission, AppEnv> = async (c) => {
  const { slug, id } = c.req.valid("param");
  const reason = c.req.valid("json").reason ?? c.req.valid("query").reason;
  return c.json(await c.var.services.moderation.retract(c.var.principal, slug, id, reason), 200);
};

export const editBenchmark: RouteHandler<typeof routes.editBenchmark, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  return c.json(benchmarkJson(await c.var.services.moderation.editBenchmark(c.var.principal, slug, c.req.valid("json"))), 200);
};

export const deleteBenchmark: RouteHandler<typeof routes.deleteBenchmark, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  await c.var.services.moderation.deleteBenchmark(c.var.principal, slug, c.req.valid("query").confirm);
  return c.body(null, 204);
};

export const listAudit: RouteHandler<typeof routes.listAudit, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  return c.json({ entries: await c.var.services.moderation.audit(c.var.principal, slug) }, 200);
};
