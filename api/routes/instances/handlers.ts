import type { RouteHandler } from "@hono/zod-openapi";
import type { UploadFormat } from "../../../service/index.ts";
import type { AppEnv } from "../../env.ts";
import { invalidRequest, payloadTooLarge, unsupportedMediaType } from "../../errors.ts";
import type * as routes from "./routes.ts";

const FORMATS: Record<string, UploadFormat> = { "text/csv": "csv", "application/x-ndjson": "ndjson" };

/** The body as chunks, counting bytes as they arrive: past `limit` it throws 413 (the upload rolls back). */
export async function* limitedBody(body: ReadableStream<Uint8Array> | null, limit: number): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > limit) throw payloadTooLarge(limit);
      yield value;
    }
  } finally {
    // Stop reading (an early 400/413): release the stream rather than drain it.
    await reader.cancel().catch(() => {});
  }
}

export const upload: RouteHandler<typeof routes.upload, AppEnv> = async (c) => {
  const { slug, system } = c.req.valid("param");
  const essence = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const format = FORMATS[essence];
  if (!format) throw unsupportedMediaType("unsupported content type; send text/csv (task,instance,score) or application/x-ndjson");
  const limit = c.var.config.uploadLimitBytes;
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  if (!c.req.raw.body) throw invalidRequest([{ field: "body", message: "an upload body is required" }], "empty upload");
  const result = await c.var.services.instances.upload(c.var.principal, slug, system, format, limitedBody(c.req.raw.body, limit));
  return c.json({ rows: result.rows }, 201);
};
