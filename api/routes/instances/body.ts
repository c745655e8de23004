/**
 * The body of a streamed upload as decoded chunks: `Content-Encoding` (gzip, x-gzip, deflate, br;
 * a list is undone right to left) decoded while it arrives; the size limit applies to the bytes
 * received AND to the decoded bytes (413: a compression bomb stops at the limit); no byte for
 * `idleTimeoutMs` -> 408; corrupt compressed data -> 400; other encodings -> 415.
 */
import { pipeline, Readable, type Transform } from "node:stream";
import zlib from "node:zlib";
import { requestTimeout } from "../../../service/errors.ts";
import { invalidRequest, payloadTooLarge, unsupportedMediaType } from "../../errors.ts";

export interface UploadBodyLimits {
  /** Maximum bytes, received and decoded alike. */
  limitBytes: number;
  /** Longest wait for the next chunk of the body. */
  idleTimeoutMs: number;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** The decoders for a `Content-Encoding` header, in the order to apply them; 415 for an unknown coding. */
export function contentDecoders(header: string | undefined): (() => Transform)[] {
  const codings = (header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  for (const coding of codings)
    if (!Object.hasOwn(DECODERS, coding))
      throw unsupportedMediaType(`unsupported Content-Encoding "${coding.slice(0, 40)}"; send gzip, deflate, br or none`);
  return codings.reverse().map((c) => DECODERS[c]);
}

/** The upload body, decoded and bounded as described above. Stops reading the client when the consumer stops. */
export function uploadBody(body: ReadableStream<Uint8Array>, contentEncoding: string | undefined, limits: UploadBodyLimits): AsyncIterable<Uint8Array> {
  const decoders = contentDecoders(contentEncoding);
  let chunks: AsyncIterable<Uint8Array> = limited(received(body, limits.idleTimeoutMs), limits.limitBytes);
  for (const decoder of decoders) chunks = limited(decoded(chunks, decoder()), limits.limitBytes);
  return chunks;
}

/** The client's chunks; 408 when none arrives for `idleTimeoutMs`. Cancels the stream when left early. */
async function* received(body: ReadableStream<Uint8Array>, idleTimeoutMs: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(requestTimeout(`no upload data received for ${idleTimeoutMs} ms; nothing stored`)), idleTimeoutMs);
      });
      try {
        const { done, value } = await Promise.race([reader.read().catch(unreadable), idle]);
        if (done) return;
        yield value;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    // Stop reading (an early 400/408/413): release the stream rather than drain it.
    await reader.cancel().catch(() => {});
  }
}

/** The client went away (or the stream broke) mid-body: a 400 rather than a logged 500; nobody may be listening. */
function unreadable(err: unknown): never {
  const reason = err instanceof Error ? err.message : String(err);
  throw invalidRequest([{ field: "body", message: `the body could not be read to its end (${reason})` }], "incomplete upload body; nothing stored");
}

/** Count bytes as they pass: past `limit` it throws 413. */
async function* limited(chunks: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > limit) throw payloadTooLarge(limit);
    yield chunk;
  }
}

/** `chunks` through a zlib decoder; its errors (corrupt or truncated data) are a 400, the source's pass through. */
async function* decoded(chunks: AsyncIterable<Uint8Array>, decoder: Transform): AsyncGenerator<Uint8Array> {
  let sourceError: unknown;
  const source = Readable.from(
    (async function* () {
      try {
        yield* chunks;
      } catch (err) {
        sourceError = err;
        throw err;
      }
    })(),
    { objectMode: false },
  );
  const output = pipeline(source, decoder, () => {});
  try {
    for await (const chunk of output) yield chunk as Uint8Array;
  } catch (err) {
    if (sourceError !== undefined) throw sourceError;
    const reason = err instanceof Error ? err.message : String(err);
    throw invalidRequest([{ field: "body", message: `corrupt or truncated compressed data (${reason})` }], "the body cannot be decoded with its Content-Encoding");
  } finally {
    source.destroy();
    decoder.destroy();
  }
}
