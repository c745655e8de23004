/**
 * URLs the service accepts and prints. Absolute URLs printed for others to follow (badge
 * snippets) start at PODIUM_PUBLIC_URL when it is set: behind a TLS-terminating proxy the
 * request's own URL says `http://`, and its host is whatever the client put in `Host`.
 */
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/** Exactly what it looks like: http(s)://host..., nothing before the scheme, no whitespace or control characters. */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\/[^\s\x00-\x1f\x7f]+$/i.test(s) || !URL.canParse(s)) return false;
  const url = new URL(s);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/** A base that paths are appended to: an http(s) URL without credentials, query or fragment. */
export function isPublicBaseUrl(s: string): boolean {
  if (!isHttpUrl(s)) return false;
  const url = new URL(s);
  return !url.username && !url.password && !url.search && !url.hash;
}

/** A DNS name or IP literal with an optional port: nothing else is echoed from a Host header. */
const PLAIN_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The base of absolute URLs in pages: PODIUM_PUBLIC_URL, else the request's origin when its
 * host is a plain host[:port], else "" (the page then prints root-relative URLs).
 */
export function publicBase(c: Context<AppEnv>): string {
  const configured = c.var.config.publicUrl;
  if (configured) return configured;
  const url = new URL(c.req.url);
  return PLAIN_HOST.test(url.host) ? url.origin : "";
}
