/**
 * Rate limiting of writes (POST/PUT/PATCH/DELETE): one in-memory token bucket per key, the
 * SHA-256 of the bearer token or, without one, the client address (the socket's, or the last
 * X-Forwarded-For entry with `trustProxy`). A bucket holds `perMinute` requests and refills at
 * `perMinute` per minute; over the limit the request gets 429 `rate_limited` with `Retry-After`
 * before anything else runs, so it changes nothing. Reads are never limited.
 *
 * The buckets live in this process: N processes allow N times the limit.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { hashToken } from "../../service/auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, errorBody } from "../errors.ts";
import { bearerToken } from "./auth.ts";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const MINUTE_MS = 60_000;

export interface RateDecision {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** Seconds until the next request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  /** Last refill (= last use), ms. */
  at: number;
}

export interface TokenBucketOptions {
  /** Bucket size and refill per minute (> 0). */
  perMinute: number;
  /** Most buckets kept; beyond, the least recently used are dropped. */
  maxKeys?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * Token buckets keyed by string. Memory is bounded: a bucket untouched for a minute is full
 * again, i.e. equivalent to no bucket, and is dropped; `maxKeys` caps the rest (LRU).
 */
export class TokenBucketLimiter {
  readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** In order of last use (re-inserted on every use), oldest first. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketOptions) {
    if (!(options.perMinute > 0)) throw new Error("perMinute must be positive");
    this.capacity = options.perMinute;
    this.perMs = options.perMinute / MINUTE_MS;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Take one request's token from `key`'s bucket. */
  take(key: string): RateDecision {
    const now = this.now();
    this.evictIdle(now);
    const prev = this.buckets.get(key);
    const tokens = prev ? Math.min(this.capacity, prev.tokens + Math.max(0, now - prev.at) * this.perMs) : this.capacity;
    const bucket: Bucket = { tokens, at: now };
    const allowed = tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)),
    };
  }

  /** Drop buckets that have refilled completely (unused for a minute), oldest first. */
  private evictIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at < MINUTE_MS) break;
      this.buckets.delete(key);
    }
  }
}

/** The client's address: the socket's, or with `trustProxy` the last X-Forwarded-For entry (the one your proxy appended). */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // no Node socket (e.g. app.request() in tests)
  }
}

/** The rate-limit key of a request: its bearer token's hash, else its client address. */
export function rateLimitKey(c: Context, trustProxy: boolean): string {
  const token = bearerToken(c.req.header("authorization"));
  return token ? `token:${hashToken(token)}` : `ip:${clientAddress(c, trustProxy)}`;
}

export interface RateLimitOptions {
  perMinute: number;
  trustProxy?: boolean;
  maxKeys?: number;
  now?: () => number;
}

/** The write limiter middleware (a no-op with `perMinute: 0`). */
export function rateLimitWrites(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  if (options.perMinute <= 0) return (_c, next) => next();
  const limiter = new TokenBucketLimiter(options);
  const trustProxy = options.trustProxy ?? false;
  return async (c, next) => {
    if (!WRITE_METHODS.has(c.req.method)) return next();
    const decision = limiter.take(rateLimitKey(c, trustProxy));
    const headers = {
      "RateLimit-Limit": String(limiter.capacity),
      "RateLimit-Remaining": String(decision.remaining),
    };
    if (!decision.allowed) {
      const err = new ApiError(429, "rate_limited", `too many write requests; retry in ${decision.retryAfterSeconds} s`, {
        limitPerMinute: limiter.capacity,
        retryAfterSeconds: decision.retryAfterSeconds,
      });
      return c.json(errorBody(err), 429, { ...headers, "Retry-After": String(decision.retryAfterSeconds) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
