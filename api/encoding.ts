/**
 * Content negotiation for bodies the services keep ready to send (service/stored-body.ts):
 * pick br, gzip or identity from `Accept-Encoding`, then send the stored bytes of that coding
 * with `Content-Encoding`, `Content-Length` and `Vary: Accept-Encoding`. Nothing is encoded
 * per request.
 */
import type { Context } from "hono";
import { bodyIn, type ContentCoding, type StoredBody } from "../service/stored-body.ts";
import type { ServeOptions } from "../service/leaderboard.ts";

/** Preference among codings the client weighs equally: smallest first. */
const PREFERENCE: readonly ContentCoding[] = ["br", "gzip", "identity"];

/** The q-value of one `Accept-Encoding` element (RFC 9110 §12.4.2); invalid: 0 (not acceptable). */
function qValue(params: string[]): number {
  for (const param of params) {
    const [name, value = ""] = param.split("=").map((p) => p.trim());
    if (name.toLowerCase() !== "q") continue;
    return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : 0;
  }
  return 1;
}

/**
 * The coding to send for an `Accept-Encoding` header (RFC 9110 §12.5.3): the acceptable one with
 * the highest q-value, br before gzip before identity on a tie. `*` covers codings not named;
 * `identity` is acceptable unless excluded (`identity;q=0`, or `*;q=0` without naming it), at
 * the lowest q-value named. No header: identity. When nothing is acceptable, identity anyway
 * (rather than a 406).
 */
export function negotiateCoding(acceptEncoding: string | null | undefined): ContentCoding {
  if (!acceptEncoding) return "identity";
  const q = new Map<string, number>();
  for (const element of acceptEncoding.split(",")) {
    const [token, ...params] = element.split(";");
    let name = token.trim().toLowerCase();
    if (name === "x-gzip") name = "gzip";
    if (name) q.set(name, Math.max(q.get(name) ?? 0, qValue(params)));
  }
  const star = q.get("*");
  // Unnamed identity is acceptable but ranks with the least wanted coding named (as `negotiator` does): "gzip;q=0.5" still means gzip.
  const implicitIdentity = Math.min(1, ...[...q.values()].filter((w) => w > 0));
  const weight = (coding: ContentCoding) => q.get(coding) ?? star ?? (coding === "identity" ? implicitIdentity : 0);
  let best: ContentCoding = "identity";
  let bestQ = 0;
  for (const coding of PREFERENCE) {
    const w = weight(coding);
    if (w > bestQ) [best, bestQ] = [coding, w];
  }
  return best;
}

/** The conditional-GET inputs of this request for a service call: If-None-Match and the negotiated coding. */
export function serveOptions(c: Context): Required<ServeOptions> {
  return { ifNoneMatch: c.req.header("if-none-match") ?? null, coding: negotiateCoding(c.req.header("accept-encoding")) };
}

/** Every reply that could have been encoded differently says so (caches key on it), 304s included. */
export function varyOnEncoding(c: Context): void {
  c.header("Vary", "Accept-Encoding");
}

/** Send a stored body in the negotiated coding (its identity bytes when that coding is not kept). */
export function sendStored(c: Context, body: StoredBody, coding: ContentCoding, contentType: string): Response {
  const { bytes, coding: sent } = bodyIn(body, coding);
  varyOnEncoding(c);
  c.header("Content-Type", contentType);
  if (sent !== "identity") c.header("Content-Encoding", sent);
  c.header("Content-Length", String(bytes.byteLength));
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
}
