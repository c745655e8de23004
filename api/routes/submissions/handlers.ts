import type { RouteHandler } from "@hono/zod-openapi";
import type { SubmissionRequest } from "../../../service/index.ts";
import type { AppEnv } from "../../env.ts";
import type * as routes from "./routes.ts";

export const submit: RouteHandler<typeof routes.submit, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  const body = c.req.valid("json");
  const bulk = "submissions" in body;
  const requests: SubmissionRequest[] = bulk ? body.submissions : [body];
  const result = await c.var.services.submissions.submit(c.var.principal, slug, requests, bulk);
  return c.json({ submissions: result.submissions }, 201);
};

export const history: RouteHandler<typeof routes.history, AppEnv> = async (c) => {
  const { slug, system } = c.req.valid("param");
  const { system: s, submissions } = await c.var.services.submissions.history(slug, system);
  const systemJson = { slug: s.slug, name: s.name, url: s.url, metadata: s.metadata, hidden: s.hidden, hiddenReason: s.hiddenReason, createdAt: s.createdAt };
  return c.json({ system: systemJson, submissions }, 200);
};
