/**
 * Rate limiting: one in-memory token bucket per client and budget. Two budgets, chosen by
 * api/middleware/request-cost.ts: writes (`perMinute`) and expensive reads
 * (`expensiveReadsPerMinute`); free reads are never limited. A bucket holds its budget per minute
 * and refills at that rate; over it the request gets 429 `rate_limited` with `Retry-After` before
 * its body is read or its handler runs, so it changes nothing.
 *
 * The client is the verified token or the address, never an unverified token: a bearer token is
 * verified first (`verifyToken`; verified hashes are cached for a minute, so a known token costs
 * no database lookup), and one that does not verify counts against the client address, the
 * socket's or, with `trustProxy`, the last X-Forwarded-For entry (an IPv6 address by its /64).
 * So random tokens get no fresh buckets, and nobody without a token can drain or reset its
 * bucket. Token and address buckets live in separate bounded maps: a flood of addresses cannot
 * evict a token's bucket. Authentication itself is not cached: a revoked token gets 401 at once
 * (for up to the cache's minute its requests still count against the token's bucket).
 *
 * The buckets live in this process: N processes allow N times the limit.
 */
import { isIPv6 } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { LRUCache } from "lru-cache";
import { hashToken } from "../../service/auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, errorBody } from "../errors.ts";
import { bearerToken } from "./auth.ts";
import { requestCost, type RequestCost } from "./request-cost.ts";

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
    this.maxKeys = options.maxKeys ?? 50_000;
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

/**
 * The bucket of an address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix (what
 * one subscriber usually gets, so rotating through it gives no fresh buckets).
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.replace(/%.*$/, ""); // zone index (fe80::1%eth0)
  if (!isIPv6(bare)) return address;
  const [head, tail] = bare.includes("::") ? bare.split("::") : [bare, undefined];
  const groups = (part: string | undefined) => (part ? part.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
  return `${all
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/** Resolves a bearer token to the identity its bucket is keyed by when it verifies, else undefined. */
export type TokenVerifier = (token: string) => Promise<string | undefined>;

export interface TokenVerifierOptions {
  /** How long a verified token is remembered (ms). */
  ttlMs?: number;
  /** Most verified tokens remembered. */
  max?: number;
}

/**
 * A TokenVerifier over `authenticate` (resolves for a valid token, throws otherwise), keyed by the
 * token's SHA-256 (plaintext tokens are not kept). Only successes are cached: failures are random
 * tokens, never seen twice.
 */
export function cachedTokenVerifier(authenticate: (token: string) => Promise<unknown>, options: TokenVerifierOptions = {}): TokenVerifier {
  const verified = new LRUCache<string, true>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 60_000 });
  return async (token) => {
    const hash = hashToken(token);
    if (verified.get(hash)) return hash;
    try {
      await authenticate(token);
    } catch {
      return undefined; // invalid, revoked, or the database is down: the address pays
    }
    verified.set(hash, true);
    return hash;
  };
}

/** One budget: a bucket per verified token and one per address, in separate bounded maps. */
class Budget {
  private readonly tokens: TokenBucketLimiter;
  private readonly addresses: TokenBucketLimiter;

  constructor(
    readonly perMinute: number,
    readonly describe: string,
    options: { maxKeys?: number; now?: () => number },
  ) {
    this.tokens = new TokenBucketLimiter({ ...options, perMinute });
    this.addresses = new TokenBucketLimiter({ ...options, perMinute });
  }

  take(client: ClientKey): RateDecision {
    return client.kind === "token" ? this.tokens.take(client.id) : this.addresses.take(client.id);
  }
}

export interface ClientKey {
  kind: "token" | "address";
  id: string;
}

export interface RateLimitOptions {
  /** Writes per minute per client (0: unlimited). */
  perMinute: number;
  /** Expensive reads per minute per client (0 or absent: unlimited). */
  expensiveReadsPerMinute?: number;
  trustProxy?: boolean;
  /** Without it every bearer token is unverified (all requests count against the address). */
  verifyToken?: TokenVerifier;
  maxKeys?: number;
  now?: () => number;
}

/** Who pays for a request: its verified token, else its client address. */
async function clientKey(c: Context, trustProxy: boolean, verifyToken: TokenVerifier | undefined): Promise<ClientKey> {
  const token = bearerToken(c.req.header("authorization"));
  const identity = token && verifyToken ? await verifyToken(token) : undefined;
  return identity ? { kind: "token", id: identity } : { kind: "address", id: addressBucket(clientAddress(c, trustProxy)) };
}

/** The rate limiter middleware: writes and expensive reads per client; a no-op for a budget of 0. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limits = { maxKeys: options.maxKeys, now: options.now };
  const budgets: Partial<Record<RequestCost, Budget>> = {};
  if (options.perMinute > 0) budgets.write = new Budget(options.perMinute, "write requests", limits);
  if ((options.expensiveReadsPerMinute ?? 0) > 0) budgets.expensive = new Budget(options.expensiveReadsPerMinute!, "expensive reads (computed rankings)", limits);
  const trustProxy = options.trustProxy ?? false;
  return async (c, next) => {
    const budget = budgets[requestCost(c.req.method, c.req.path, (name) => c.req.queries(name))];
    if (!budget) return next();
    const decision = budget.take(await clientKey(c, trustProxy, options.verifyToken));
    const headers = {
      "RateLimit-Limit": String(budget.perMinute),
      "RateLimit-Remaining": String(decision.remaining),
    };
    if (!decision.allowed) {
      const err = new ApiError(429, "rate_limited", `too many ${budget.describe}; retry in ${decision.retryAfterSeconds} s`, {
        limitPerMinute: budget.perMinute,
        retryAfterSeconds: decision.retryAfterSeconds,
      });
      return c.json(errorBody(err), 429, { ...headers, "Retry-After": String(decision.retryAfterSeconds) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
