import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { invalidRequest, payloadTooLarge, unsupportedMediaType } from "../../errors.ts";
import { uploadBody } from "../instances/body.ts";
import type * as routes from "./routes.ts";

/** Stream NDJSON lines as they are produced (pulled: the database is read as fast as the client reads). */
function sendNdjson(c: Context<AppEnv>, lines: AsyncGenerator<string>, filename: string): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      // batch small lines into ~64 KiB chunks
      while (chunk.length < 65_536) {
        const next = await lines.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return c.body(stream, 200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "no-store",
  });
}

export const exportBenchmark: RouteHandler<typeof routes.exportBenchmark, AppEnv> = async (c) => {
  const { slug } = c.req.valid("param");
  return sendNdjson(c, await c.var.services.transfer.export(c.var.principal, [slug]), `podium-${slug}.ndjson`) as never;
};

export const exportAll: RouteHandler<typeof routes.exportAll, AppEnv> = async (c) => {
  return sendNdjson(c, await c.var.services.transfer.export(c.var.principal), "podium-export.ndjson") as never;
};

export const importExport: RouteHandler<typeof routes.importExport, AppEnv> = async (c) => {
  const essence = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (essence !== "application/x-ndjson") throw unsupportedMediaType("unsupported content type; send application/x-ndjson (an export)");
  const config = c.var.config;
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > config.uploadLimitBytes) throw payloadTooLarge(config.uploadLimitBytes);
  if (!c.req.raw.body) throw invalidRequest([{ field: "body", message: "an export body is required" }], "empty import");
  const body = uploadBody(c.req.raw.body, c.req.header("content-encoding"), { limitBytes: config.uploadLimitBytes, idleTimeoutMs: config.uploadIdleTimeoutMs });
  const result = await c.var.services.transfer.import(c.var.principal, body, { spoolMemoryBytes: config.uploadSpoolMemoryBytes, spoolDir: config.uploadSpoolDir });
  return c.json(result, 201);
};
