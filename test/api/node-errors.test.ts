/**
 * Replies Node and @hono/node-server send before the app runs (malformed HTTP, huge headers,
 * timeouts, Expect, bad Host) are complete HTTP/1.1 responses carrying the error envelope.
 */
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBaseApp } from "../../api/base.ts";
import { envelopeErrorServer } from "../../api/node-errors.ts";

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Send raw bytes, read until the server closes the connection. */
function rawRequest(port: number, bytes: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
  });
}

function expectEnvelope(reply: RawReply, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  expect(Number(reply.headers["content-length"])).toBe(Buffer.byteLength(reply.body));
  expect(JSON.parse(reply.body)).toEqual({ error: { code, message: expect.any(String) } });
}

describe("Node's own error replies", () => {
  let server: ServerType;
  let port: number;

  beforeAll(async () => {
    const app = createBaseApp();
    app.get("/ok", (c) => c.json({ ok: true }));
    await new Promise<void>((resolve) => {
      server = serve(
        {
          fetch: app.fetch,
          port: 0,
          hostname: "127.0.0.1",
          // Short timeouts so that the 408 comes quickly.
          serverOptions: { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 100 },
          createServer: envelopeErrorServer(app.fetch, "127.0.0.1"),
        },
        () => resolve(),
      );
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("still serves well-formed requests", async () => {
    const reply = await rawRequest(port, "GET /ok HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true });
  });

  it("400 for malformed HTTP", async () => {
    const reply = await rawRequest(port, "THIS IS NOT HTTP\r\n\r\n");
    expectEnvelope(reply, 400, "invalid_request");
    expect(reply.headers.connection).toBe("close");
  });

  it("431 for headers over Node's limit", async () => {
    const reply = await rawRequest(port, `GET /ok HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expectEnvelope(reply, 431, "invalid_request");
  });

  it("417 for an Expect other than 100-continue", async () => {
    const reply = await rawRequest(port, "GET /ok HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\n\r\n");
    expectEnvelope(reply, 417, "invalid_request");
  });

  it("400 for a Host header or request target @hono/node-server cannot turn into a URL", async () => {
    expectEnvelope(await rawRequest(port, "GET /ok HTTP/1.1\r\nHost: a<b>\r\nConnection: close\r\n\r\n"), 400, "invalid_request");
    expectEnvelope(await rawRequest(port, "GET /a\\b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400, "invalid_request");
  });

  it("408 when the headers do not arrive in time", async () => {
    const reply = await rawRequest(port, "GET /ok HTTP/1.1\r\nHost: localhost\r\n");
    expectEnvelope(reply, 408, "request_timeout");
  });
});
