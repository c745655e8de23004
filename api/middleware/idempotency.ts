/**
 * `Idempotency-Key` on POST writes (API.md "Idempotency"). With the header and a valid token,
 * the first request with a key (per token) runs and its answer (status, content type, body,
 * the body encrypted under the token) is stored in the database for 24 h; a later request with that key gets the stored answer again
 * (`Idempotent-Replayed: true`) if it is the same request (method, path and query, body bytes:
 * a SHA-256 fingerprint), else `422 idempotency_mismatch`. A request arriving while the first
 * one still runs waits for its answer. The reservation is a row insert on the primary key, so
 * concurrent requests with one key run once, across processes too.
 *
 * The body is hashed as it passes to the handler (streamed uploads too, never buffered here).
 * Answers that are worth retrying (5xx, 408, 429) are not kept: the key is released. A request
 * without a token, or with one that does not verify, passes through (the route answers 401).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { DomainError } from "../../service/index.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalidRequest } from "../errors.ts";
import { bearerToken } from "./auth.ts";
import { requestCost } from "./request-cost.ts";

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** Longest wait for a concurrent request holding the same key. */
const MAX_WAIT_MS = 60_000;

const idempotencyMismatch = () =>
  new ApiError(422, "idempotency_mismatch", "this Idempotency-Key was used with a different request (method, path or body); use a new key", [
    { field: "Idempotency-Key", message: "already used for another request" },
  ]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stored answers are encrypted (AES-256-GCM) under a key derived from the requester's own bearer
 * token: an answer may carry a secret (a new token's plaintext), and the database must not hold
 * it readably. Only a request with the same token can read it back.
 */
function answerKey(token: string): Buffer {
  return createHash("sha256").update("podium idempotency answer\u0000").update(token, "utf8").digest();
}

function sealAnswer(key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64");
}

/** The answer's text, or undefined when it was sealed under another token (e.g. a rotated PODIUM_ADMIN_TOKEN). */
function openAnswer(key: Buffer, stored: string): string | undefined {
  try {
    const bytes = Buffer.from(stored, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Statuses whose answers are not kept (a retry may well succeed). */
const transient = (status: number) => status >= 500 || status === 408 || status === 429;

export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // POST writes only (not POST /api/v1/rank, which stores nothing): the one definition of a write.
    if (c.req.method !== "POST" || requestCost(c.req.method, c.req.path, (name) => c.req.queries(name)) !== "write") return next();
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key))
      throw invalidRequest([{ field: "Idempotency-Key", message: "must be 1-200 visible ASCII characters" }], "invalid Idempotency-Key header");
    const token = bearerToken(c.req.header("authorization"));
    if (!token) return next();
    const services = c.var.services;
    try {
      c.set("principal", await services.auth.authenticate(token));
    } catch (err) {
      if (err instanceof DomainError && err.kind === "unauthorized") return next();
      throw err;
    }
    const scope = services.idempotency.scopeOf(c.var.principal);

    // Fingerprint: method, path with query, then the body bytes as they pass.
    const url = new URL(c.req.url);
    const hash = createHash("sha256").update(`${c.req.method} ${url.pathname}${url.search}\n`);
    let bodyDone = !c.req.raw.body;
    if (c.req.raw.body) {
      const hashed = c.req.raw.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            hash.update(chunk);
            controller.enqueue(chunk);
          },
          flush() {
            bodyDone = true;
          },
        }),
      );
      c.req.raw = new Request(c.req.raw, { body: hashed, duplex: "half" } as RequestInit);
    }
    /** Read what the handler left of the body (to complete the fingerprint); false when it cannot be read. */
    const finishBody = async (): Promise<boolean> => {
      if (bodyDone) return true;
      try {
        const reader = c.req.raw.body!.getReader();
        while (!(await reader.read()).done);
        return bodyDone;
      } catch {
        return false;
      }
    };

    const started = Date.now();
    for (let wait = 20; !(await services.idempotency.reserve(scope, key)); wait = Math.min(wait * 2, 250)) {
      const record = await services.idempotency.find(scope, key);
      if (record?.completed) {
        if (!(await finishBody()) || hash.digest("hex") !== record.fingerprint) throw idempotencyMismatch();
        const body = openAnswer(answerKey(token), record.body ?? "");
        if (body === undefined) throw idempotencyMismatch();
        c.header("Idempotent-Replayed", "true");
        if (record.contentType) c.header("Content-Type", record.contentType);
        return c.body(body, record.status as 200);
      }
      if (Date.now() - started > MAX_WAIT_MS)
        throw new ApiError(409, "conflict", "a request with this Idempotency-Key is still running; retry later", undefined, 1);
      await sleep(wait);
    }

    // This request holds the key.
    try {
      await next();
    } catch (err) {
      await services.idempotency.release(scope, key).catch(() => {});
      throw err;
    }
    const res = c.res;
    if (transient(res.status) || !(res.status < 300 ? await finishBody() : bodyDone)) {
      await services.idempotency.release(scope, key).catch(() => {});
      return;
    }
    const body = sealAnswer(answerKey(token), await res.clone().text());
    try {
      await services.idempotency.complete(scope, key, { fingerprint: hash.digest("hex"), status: res.status, contentType: res.headers.get("content-type"), body });
    } catch (err) {
      // The write happened: answer it. Retries with this key wait (409) until the reservation is
      // taken over as abandoned (IDEMPOTENCY_ABANDONED_MINUTES).
      console.warn("[podium] could not store an Idempotency-Key answer:", err instanceof Error ? err.message : err);
    }
  };
}
