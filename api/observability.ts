/**
 * Operations middleware shared by every entry (Node and Workers): a request id on every response
 * (`X-Request-Id`: the client's when sane, else a new UUID), security headers, CORS on public
 * GETs, and one record per request handed to the optional `Observability` sinks. The sinks
 * (pino logs, prom-client metrics) are wired by the Node entry only (api/observability-node.ts);
 * without them nothing is logged or measured and the app works the same.
 */
import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./env.ts";

/** What is known about a finished request (one log line, one metrics observation). */
export interface RequestRecord {
  requestId: string;
  method: string;
  /** The matched route pattern (`/api/v1/benchmarks/:slug/leaderboard`), or `unmatched`. */
  route: string;
  /** The path as requested (logs only: unbounded cardinality). */
  path: string;
  status: number;
  durationMs: number;
  /** Content-Length of the response when known. */
  bytes?: number;
  /** Principal kind and stored token id, when the request authenticated. */
  principal?: string;
  userAgent?: string;
}

/** Where request records go. Both optional: createApp works without them (tests, Workers). */
export interface Observability {
  /** One structured log line per request. */
  log?: (record: RequestRecord) => void;
  metrics?: {
    observeRequest(record: RequestRecord): void;
    /** The Prometheus exposition (served at GET /metrics). */
    render(): Promise<{ contentType: string; body: string }>;
  };
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:=-]{1,128}$/;

/** The request's id: the client's `X-Request-Id` when it is 1-128 of `A-Za-z0-9._:=-`, else a fresh UUID. */
export function requestIdOf(header: string | undefined): string {
  return header !== undefined && SANE_REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/** The pattern of the route that answered (the last non-middleware match), bounded for metrics labels. */
function routePattern(c: Context): string {
  try {
    const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
    return routes.at(-1)?.path ?? "unmatched";
  } catch {
    return "unmatched";
  }
}

function setHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    // immutable headers (a Response passed through as is): rebuild it
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}

/** Request id, timing and the per-request record (logs, metrics). Mount first. */
export function requestContext(observability: Observability = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const id = requestIdOf(c.req.header("x-request-id"));
    c.set("requestId", id);
    try {
      await next();
    } finally {
      setHeader(c, "X-Request-Id", id);
      if (observability.log || observability.metrics) {
        const principal = c.get("principal");
        const length = Number(c.res.headers.get("content-length"));
        const record: RequestRecord = {
          requestId: id,
          method: c.req.method,
          route: routePattern(c),
          path: c.req.path,
          status: c.res.status,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          ...(Number.isFinite(length) && c.res.headers.has("content-length") ? { bytes: length } : {}),
          ...(principal ? { principal: principal.tokenId !== undefined ? `${principal.kind}:${principal.tokenId}` : principal.kind } : {}),
          ...(c.req.header("user-agent") ? { userAgent: c.req.header("user-agent")!.slice(0, 200) } : {}),
        };
        try {
          observability.metrics?.observeRequest(record);
          observability.log?.(record);
        } catch {
          // observability must never fail a request
        }
      }
    }
  };
}

/**
 * Security headers on every response (hono/secure-headers): nosniff, Referrer-Policy, HSTS,
 * COOP and friends. Pages set their own Content-Security-Policy and frame-ancestors
 * (api/pages/routes.ts); badges must stay embeddable anywhere (no X-Frame-Options, no
 * frame-ancestors, and a cross-origin Cross-Origin-Resource-Policy so other sites' pages may
 * load them). API data under /api/ (badges aside) gets `default-src 'none'; frame-ancestors 'none'`.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const common = secureHeaders({
    xFrameOptions: false,
    crossOriginResourcePolicy: "cross-origin",
    crossOriginOpenerPolicy: "same-origin",
    referrerPolicy: "strict-origin-when-cross-origin",
    contentSecurityPolicy: undefined,
    // a route's own value (the pages' Referrer-Policy, say) wins
    overwrite: false,
  });
  return async (c, next) => {
    await common(c, next);
    // API data (JSON, CSV, NDJSON) is never a document: nothing may run or load from it, nobody may frame it.
    if (c.req.path.startsWith("/api/") && !BADGE_PATH.test(c.req.path) && !c.res.headers.has("content-security-policy"))
      setHeader(c, "Content-Security-Policy", API_CSP);
  };
}

const BADGE_PATH = /\/badge\.(svg|json)$/;
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const READ_METHODS = new Set(["GET", "HEAD"]);
/** Request headers a cross-origin reader may send (no Authorization: admin reads stay same-origin). */
const CORS_ALLOWED_HEADERS = "Accept, Accept-Encoding, If-None-Match, X-Request-Id";
const CORS_EXPOSED_HEADERS = "ETag, X-Request-Id, Retry-After, Content-Length";

/**
 * CORS for reads (API.md "Operations"): every GET/HEAD answers `Access-Control-Allow-Origin: *`
 * (never with credentials), and a preflight (OPTIONS with `Access-Control-Request-Method` GET or
 * HEAD) is answered 204. Writes get no CORS headers: browsers on other origins cannot send them.
 */
export function corsForReads(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "OPTIONS") {
      const wanted = c.req.header("access-control-request-method");
      if (wanted && READ_METHODS.has(wanted.toUpperCase())) {
        return c.body(null, 204, {
          "Access-Control-Allow-Origin": "*",
          "Access-Control-Allow-Methods": "GET, HEAD",
          "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
          "Access-Control-Max-Age": "86400",
        });
      }
      return next();
    }
    await next();
    if (READ_METHODS.has(c.req.method)) {
      setHeader(c, "Access-Control-Allow-Origin", "*");
      setHeader(c, "Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
    }
  };
}
