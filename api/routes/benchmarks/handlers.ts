import type { RouteHandler } from "@hono/zod-openapi";
import type { BenchmarkRecord, BenchmarkWithTasks } from "../../../db/index.ts";
import { publicTask } from "../../../service/index.ts";
import type { AppEnv } from "../../env.ts";
import type * as routes from "./routes.ts";

export function benchmarkSummaryJson(b: BenchmarkRecord) {
  return { slug: b.slug, name: b.name, description: b.description, revision: b.revision, createdAt: b.createdAt };
}

export function benchmarkJson(b: BenchmarkWithTasks) {
  return {
    ...benchmarkSummaryJson(b),
    tasks: b.tasks.map(publicTask),
  };
}

export const createBenchmark: RouteHandler<typeof routes.createBenchmark, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const created = await c.var.services.benchmarks.create(c.var.principal, {
    slug: body.slug,
    name: body.name,
    description: body.description ?? null,
    tasks: body.tasks.map((t) => ({ ...t, name: t.name ?? t.slug })),
  });
  return c.json(benchmarkJson(created), 201);
};

export const listBenchmarks: RouteHandler<typeof routes.listBenchmarks, AppEnv> = async (c) => {
  const rows = await c.var.services.benchmarks.list();
  return c.json({ benchmarks: rows.map((b) => ({ ...benchmarkSummaryJson(b), taskCount: b.taskCount, systemCount: b.systemCount })) }, 200);
};

export const getBenchmark: RouteHandler<typeof routes.getBenchmark, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  return c.json(benchmarkJson(await c.var.services.benchmarks.get(slug)), 200);
};

export const createToken: RouteHandler<typeof routes.createToken, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  return c.json(await c.var.services.benchmarks.createToken(c.var.principal, slug, c.req.valid("json").label), 201);
};

export const listTokens: RouteHandler<typeof routes.listTokens, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  return c.json({ tokens: await c.var.services.benchmarks.listTokens(c.var.principal, slug) }, 200);
};

export const revokeToken: RouteHandler<typeof routes.revokeToken, AppEnv> = async (c) => {
  const { slug, id } = c.req.valid("param");
  await c.var.services.benchmarks.revokeToken(c.var.principal, slug, id);
  return c.body(null, 204);
};
