import type { RouteHandler } from "@hono/zod-openapi";
import type { UploadFormat } from "../../../service/index.ts";
import type { AppEnv } from "../../env.ts";
import { invalidRequest, payloadTooLarge, unsupportedMediaType } from "../../errors.ts";
import { uploadBody } from "./body.ts";
import type * as routes from "./routes.ts";

const FORMATS: Record<string, UploadFormat> = { "text/csv": "csv", "application/x-ndjson": "ndjson" };

export const upload: RouteHandler<typeof routes.upload, AppEnv> = async (c) => {
  const { slug, system } = c.req.valid("param");
  const essence = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const format = FORMATS[essence];
  if (!format) throw unsupportedMediaType("unsupported content type; send text/csv (task,instance,score) or application/x-ndjson");
  const config = c.var.config;
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > config.uploadLimitBytes) throw payloadTooLarge(config.uploadLimitBytes);
  if (!c.req.raw.body) throw invalidRequest([{ field: "body", message: "an upload body is required" }], "empty upload");
  const body = uploadBody(c.req.raw.body, c.req.header("content-encoding"), { limitBytes: config.uploadLimitBytes, idleTimeoutMs: config.uploadIdleTimeoutMs });
  const result = await c.var.services.instances.upload(c.var.principal, slug, system, format, body, {
    spoolMemoryBytes: config.uploadSpoolMemoryBytes,
    spoolDir: config.uploadSpoolDir,
  });
  return c.json({ rows: result.rows }, 201);
};

export const uploads: RouteHandler<typeof routes.uploads, AppEnv> = async (c) => {
  const { slug, system } = c.req.valid("param");
  return c.json(await c.var.services.instances.uploads(slug, system), 200);
};
