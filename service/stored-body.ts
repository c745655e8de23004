/**
 * Response bodies kept in memory ready to send: the bytes once, plus their gzip and brotli
 * forms, so a cached read never serializes or compresses again. Compression runs on libuv's
 * threadpool (node:zlib's callback API), not on the event loop.
 */
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

/** A content coding Podium can send (RFC 9110 §8.4.1); `identity` is no coding. */
export type ContentCoding = "br" | "gzip" | "identity";

/** Bodies at most this long are kept (and sent) as they are: compressing them gains little. */
export const MIN_COMPRESS_BYTES = 1024;
/**
 * Moderate brotli quality: on GLUE's JSON and page, quality 5 takes ~3 ms where 11 takes
 * 90-300 ms of a threadpool thread. gzip's best level costs ~2x level 6 and saves 2-5%: worth
 * it for a body compressed once and sent many times.
 */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 9;

/** Own-buffer UTF-8 (Buffer.from would slice small strings out of a shared 8 KB pool that the cache would then pin). */
const utf8 = new TextEncoder();
const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface StoredBody {
  identity: Uint8Array;
  /** Absent when the body is small or compressing did not make it smaller. */
  gzip?: Uint8Array;
  br?: Uint8Array;
}

/** Bytes held by a stored body (every form). */
export function storedBytes(body: StoredBody): number {
  return body.identity.byteLength + (body.gzip?.byteLength ?? 0) + (body.br?.byteLength ?? 0);
}

/** `content` as UTF-8 bytes with its compressed forms (only when worthwhile). */
export async function storeBody(content: string | Uint8Array): Promise<StoredBody> {
  const identity = typeof content === "string" ? utf8.encode(content) : content;
  if (identity.byteLength <= MIN_COMPRESS_BYTES) return { identity };
  const [gz, br] = await Promise.all([
    gzipAsync(identity, { level: GZIP_LEVEL }),
    brotliAsync(identity, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.byteLength,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
  ]);
  const body: StoredBody = { identity };
  if (gz.byteLength < identity.byteLength) body.gzip = gz;
  if (br.byteLength < identity.byteLength) body.br = br;
  return body;
}

/** What to send for a negotiated coding: its stored form, or the identity bytes when there is none. */
export function bodyIn(body: StoredBody, coding: ContentCoding): { bytes: Uint8Array; coding: ContentCoding } {
  const encoded = coding === "identity" ? undefined : body[coding];
  return encoded ? { bytes: encoded, coding } : { bytes: body.identity, coding: "identity" };
}

/**
 * The ETag of one content coding of a representation: `"tag"` for identity, `"tag-br"` /
 * `"tag-gzip"` otherwise (a strong validator differs between codings, RFC 9110 §8.8.3). It
 * depends only on the negotiated coding, so a 304 can be decided before anything is computed.
 */
export function codedEtag(etag: string, coding: ContentCoding): string {
  return coding === "identity" ? etag : `${etag.slice(0, -1)}-${coding}"`;
}
