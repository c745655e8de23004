/**
 * Talking to a Podium server from the CLI: JSON requests with retries on 429/503 and on lost
 * connections, error messages, batching. Every POST carries one `Idempotency-Key` for all its
 * attempts, so a retry after a connection lost mid-answer cannot store twice (the server
 * replays the first answer).
 */
import { randomUUID } from "node:crypto";

/** The server refused or could not be reached (the CLI exits 1). */
export class ServerError extends Error {
  constructor(
    message: string,
    /** The connection failure's code (ECONNRESET, ECONNREFUSED, ...) when the request got no answer. */
    readonly connectionCode?: string,
  ) {
    super(message);
  }
}

export interface HttpReply<T> {
  status: number;
  body: T;
}

/** Statuses that mean "not now": the request changed nothing and may be sent again. */
const RETRYABLE = new Set([429, 503]);
/** A server asking for a longer wait than this is treated as a refusal. */
const MAX_WAIT_SECONDS = 120;

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); `fallback` without one. */
export function retryAfterSeconds(header: string | null, fallback: number): number {
  if (header === null || header.trim() === "") return fallback;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? fallback : Math.max(0, (date - Date.now()) / 1000);
}

export class HttpClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
    /** How many times a 429 or 503 is retried. */
    private readonly retries: number,
    private readonly note: (message: string) => void,
  ) {}

  /** Send `body` (JSON text, or `contentType`) and parse the JSON reply; 429/503 are retried as Retry-After says. */
  async request<T>(method: string, path: string, body?: string, contentType = "application/json"): Promise<HttpReply<T>> {
    const key = method === "POST" ? `podium-cli-${randomUUID()}` : undefined;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.send(method, path, body, contentType, key);
      } catch (err) {
        // A POST lost before its answer (reset, timeout): its key makes sending it again safe.
        // A refused connection (nothing listening) fails at once, as does any other method.
        const lost = err instanceof ServerError && key !== undefined && err.connectionCode !== undefined && err.connectionCode !== "ECONNREFUSED";
        if (!lost || attempt >= this.retries) throw err;
        this.note(`${err.message}; retrying in ${2 ** attempt} s (retry ${attempt + 1} of ${this.retries})`);
        await new Promise((r) => setTimeout(r, 2 ** attempt * 1000));
        continue;
      }
      if (!RETRYABLE.has(res.status) || attempt >= this.retries) return { status: res.status, body: await parseJson<T>(res) };
      const wait = retryAfterSeconds(res.headers.get("retry-after"), 2 ** attempt);
      const code = (await parseJson<{ error?: { code?: string } }>(res))?.error?.code;
      if (wait > MAX_WAIT_SECONDS) throw new ServerError(`${method} ${path}: ${res.status}${code ? ` ${code}` : ""}, retry after ${Math.ceil(wait)} s: giving up`);
      this.note(`server answered ${res.status}${code ? ` ${code}` : ""}; retrying in ${wait} s (retry ${attempt + 1} of ${this.retries})`);
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }

  private async send(method: string, path: string, body: string | undefined, contentType: string, idempotencyKey: string | undefined): Promise<Response> {
    try {
      return await fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "content-type": contentType }),
          ...(idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey }),
        },
        body,
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerError(`cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, cause?.code ?? "unknown");
    }
  }
}

async function parseJson<T>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    return undefined as T;
  }
}

/** `409 conflict: benchmark slug "glue" is taken` plus up to 5 field details. */
export function describeFailure(what: string, status: number, body: unknown): string {
  const err = (body as { error?: { code?: string; message?: string; details?: { field?: string; message?: string }[] } } | undefined)?.error;
  if (!err) return `${what} failed: HTTP ${status}`;
  const lines = [`${what} failed: ${status} ${err.code ?? "error"}: ${err.message ?? ""}`];
  const details = Array.isArray(err.details) ? err.details : [];
  for (const d of details.slice(0, 5)) lines.push(`  ${d.field ?? "?"}: ${d.message ?? ""}`);
  if (details.length > 5) lines.push(`  ... and ${details.length - 5} more`);
  return lines.join("\n");
}

/**
 * Consecutive groups of `items` whose encoded size (`fixedBytes` + the items' sizes + a separator
 * between two items) stays within `maxBytes`, with at most `maxItems` items each. An item too big
 * on its own still gets a group of its own (the caller checks for those first).
 */
export function batchBySize<T>(items: T[], size: (item: T) => number, limits: { maxBytes: number; fixedBytes: number; separatorBytes: number; maxItems: number }): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = limits.fixedBytes;
  for (const item of items) {
    const add = size(item) + (current.length ? limits.separatorBytes : 0);
    if (current.length && (bytes + add > limits.maxBytes || current.length >= limits.maxItems)) {
      groups.push(current);
      current = [];
      bytes = limits.fixedBytes;
    }
    bytes += size(item) + (current.length ? limits.separatorBytes : 0);
    current.push(item);
  }
  if (current.length) groups.push(current);
  return groups;
}
