/**
 * Node answers some requests before Hono sees them: malformed HTTP (400), headers too large
 * (431), chunk extensions too large (413), headers or body too slow (408), an `Expect` other than
 * 100-continue (417), and @hono/node-server refuses a bad Host or request target (400). Those
 * replies were bare; these handlers send them in the one error envelope.
 */
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from "node:http";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Socket } from "node:net";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, errorBody, type ErrorCode } from "./errors.ts";

type Reply = [status: number, reason: string, code: ErrorCode, message: string];

/** Node's clientError codes (lib/_http_server.js) -> the reply Node itself would choose, with a body. */
const CLIENT_ERROR_REPLIES: Record<string, Reply> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large", "invalid_request", "request headers too large"],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "Payload Too Large", "payload_too_large", "chunk extensions too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "request_timeout", "the request was not received in time"],
};
const BAD_REQUEST: Reply = [400, "Bad Request", "invalid_request", "malformed HTTP request"];

/** A complete HTTP/1.1 response carrying the envelope; the connection closes after it. */
export function rawErrorResponse([status, reason, code, message]: Reply): string {
  const body = JSON.stringify(errorBody(new ApiError(status as ContentfulStatusCode, code, message)));
  return [
    `HTTP/1.1 ${status} ${reason}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Cache-Control: no-store",
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/** `clientError` listener: reply in the envelope when nothing was sent on the socket yet, then close it. */
export function replyToClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(CLIENT_ERROR_REPLIES[err.code ?? ""] ?? BAD_REQUEST));
}

/** `checkExpectation` listener: only `Expect: 100-continue` is supported (Node answers that one itself). */
export function replyToUnsupportedExpectation(_req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(errorBody(new ApiError(417, "invalid_request", "unsupported Expect header (only 100-continue)")));
  res.writeHead(417, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
}

/** @hono/node-server's `errorHandler`: a request it cannot turn into a URL (bad Host, bad target), or a fetch that threw. */
export function nodeRequestErrorResponse(err: unknown): Response {
  const apiError = err instanceof RequestError ? new ApiError(400, "invalid_request", "invalid Host header or request target") : new ApiError(500, "internal", "internal server error");
  if (apiError.status >= 500) console.error("[podium] request failed:", err);
  return Response.json(errorBody(apiError), { status: apiError.status });
}

/**
 * `createServer` for @hono/node-server's `serve()`: Node's http server with the listeners above,
 * and the request listener built with `errorHandler` (which `serve()` does not pass on).
 */
export function envelopeErrorServer(fetch: Parameters<typeof getRequestListener>[0], hostname?: string) {
  return ((options: ServerOptions) => {
    const server = createServer(options, getRequestListener(fetch, { hostname, errorHandler: nodeRequestErrorResponse }));
    server.on("clientError", replyToClientError);
    server.on("checkExpectation", replyToUnsupportedExpectation);
    return server;
  }) as typeof createServer;
}
