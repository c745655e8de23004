/**
 * Instance uploads while the client is slow or silent, and compressed uploads: a stalled upload
 * holds no transaction (health, reads and other writes answer meanwhile), an idle one is a 408
 * that stores nothing, spooled batches spill to a temporary file that is always removed, and
 * `Content-Encoding` bodies are decoded within the size limit.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";

const UPLOAD_LIMIT = 1024 * 1024;
const LB = "/api/v1/benchmarks/tiny/leaderboard?level=instance";
/** More rows than one batch (25k): the first batch is spooled while the client still sends. */
const ROWS = 26_000;

const csvRows = (from: number, to: number, task = "acc") => Array.from({ length: to - from }, (_, k) => `${task},doc-${from + k},${((from + k) % 89) / 89}\n`).join("");
const HEADER = "task,instance,score\n";

/** A body that sends `first`, then waits until `release()` (which sends `rest` and ends). `stalled` resolves once it waits. */
function stalledBody(first: string, rest = "") {
  const enc = new TextEncoder();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let onStall!: () => void;
  const stalled = new Promise<void>((resolve) => (onStall = resolve));
  let step = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        step++;
        if (step === 1) return controller.enqueue(enc.encode(first));
        if (step === 2) {
          onStall();
          await released;
          if (rest) controller.enqueue(enc.encode(rest));
          return;
        }
        controller.close();
      },
    },
    // No read-ahead: the second pull happens only once the server asks for more (after spooling the first chunk).
    { highWaterMark: 0 },
  );
  return { stream, stalled, release };
}

/** Bytes in small chunks (split gzip members, headers and UTF-8 alike). */
function chunked(bytes: Uint8Array, size = 1000): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(controller) {
      if (off >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(off, off + size));
      off += size;
    },
  });
}

function post(api: TestApi, system: string, body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const init: RequestInit & { duplex?: "half" } = {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv", ...headers },
    body: body as RequestInit["body"],
  };
  if (body instanceof ReadableStream) init.duplex = "half";
  return Promise.resolve(api.app.request(`/api/v1/benchmarks/tiny/systems/${system}/instances`, init)).then(async (res) => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  });
}

async function seed(api: TestApi): Promise<void> {
  await api.createBenchmark("tiny", ["acc", "err"]);
  expect((await post(api, "a", `${HEADER}acc,i1,0.9\nerr,j1,3\n`)).status).toBe(201);
}

/** What an upload could change: the revision, the instance leaderboard, and whether `system` exists. */
async function snapshot(api: TestApi, system: string) {
  const lb = await api.call("GET", LB, { token: null });
  expect(lb.status).toBe(200);
  const history = await api.call("GET", `/api/v1/benchmarks/tiny/systems/${system}/submissions`, { token: null });
  return {
    revision: (await api.call("GET", "/api/v1/benchmarks/tiny")).body.revision,
    systems: lb.body.systems.map((s: any) => ({ slug: s.slug, scores: s.scores, submissionId: s.submissionId })),
    historyStatus: history.status,
  };
}

/** Directories the upload spool left in `dir`. */
const leftovers = (dir: string) => readdirSync(dir);

describe.each(backends())("instance uploads: stalled clients, spooling, Content-Encoding (%s)", (kind) => {
  const spoolDir = mkdtempSync(path.join(tmpdir(), "podium-spool-test-"));
  afterAll(() => rmSync(spoolDir, { recursive: true, force: true }));
  // Spool everything to disk (budget 0), so the temporary-file path runs in every upload here.
  const api = useTestApi(kind, { uploadLimitBytes: UPLOAD_LIMIT, uploadSpoolMemoryBytes: 0, uploadSpoolDir: spoolDir });

  it("a stalled upload holds no transaction: health, reads and writes answer while it waits; then it is stored", async () => {
    await seed(api);
    const before = await snapshot(api, "slow");
    const { stream, stalled, release } = stalledBody(HEADER + csvRows(0, ROWS), csvRows(ROWS, ROWS + 10));
    let settled = false;
    const uploading = post(api, "slow", stream).finally(() => (settled = true));
    await stalled;

    // The first batch is parked in the spool's temporary file meanwhile.
    const [spilled] = leftovers(spoolDir);
    expect(spilled).toMatch(/^podium-upload-/);
    expect(statSync(path.join(spoolDir, spilled, "batches")).size).toBeGreaterThan(0);

    expect((await api.call("GET", "/healthz", { token: null })).status).toBe(200);
    expect(await snapshot(api, "slow")).toEqual(before);
    const submit = await api.call("POST", "/api/v1/benchmarks/tiny/submissions", { body: { system: { slug: "t" }, scores: { acc: 1, err: 0 } } });
    expect(submit.status).toBe(201);
    const other = await post(api, "b", `${HEADER}acc,i1,0.5\n`);
    expect(other).toEqual({ status: 201, body: { rows: 1 } });
    expect(settled).toBe(false);

    release();
    expect(await uploading).toEqual({ status: 201, body: { rows: ROWS + 10 } });
    const lb = (await api.call("GET", LB, { token: null })).body;
    const slow = lb.systems.find((s: any) => s.slug === "slow");
    const expected = Array.from({ length: ROWS + 10 }, (_, i) => (i % 89) / 89).reduce((a, b) => a + b, 0) / (ROWS + 10);
    expect(slow.scores.acc).toBeCloseTo(expected, 9);
    expect(leftovers(spoolDir)).toEqual([]);
  });

  it("a bad row or a broken body after spooled batches: 400, nothing stored, no temporary file left", async () => {
    await seed(api);
    const before = await snapshot(api, "bad");
    const res = await post(api, "bad", chunked(new TextEncoder().encode(HEADER + csvRows(0, ROWS) + "acc,last,x\n"), 64 * 1024));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: `line ${ROWS + 2}`, message: expect.stringMatching(/score must be a finite number/) }]);
    // a duplicate across batches names the line that first gave it (doc-3 is on line 5)
    const dup = await post(api, "bad", chunked(new TextEncoder().encode(HEADER + csvRows(0, ROWS) + "acc,doc-3,1\n"), 8 * 1024));
    expect(dup.status).toBe(400);
    expect(dup.body.error.details[0]).toEqual({ field: `line ${ROWS + 2}`, message: `line ${ROWS + 2}: duplicate (task, instance) ("acc", "doc-3"), first on line 5` });
    // the client goes away after a spooled batch: 400 (not a 500), nothing stored
    const enc = new TextEncoder();
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(enc.encode(HEADER + csvRows(0, ROWS)));
        else controller.error(new Error("connection reset by peer"));
      },
    });
    const aborted = await post(api, "bad", broken);
    expect(aborted.status).toBe(400);
    expect(aborted.body.error.details[0].message).toMatch(/could not be read to its end/);
    expect(await snapshot(api, "bad")).toEqual(before);
    expect(leftovers(spoolDir)).toEqual([]);
  });

  it("gzip, x-gzip, deflate and br bodies store the same rows as the plain one", async () => {
    await seed(api);
    const text = `${HEADER}acc,"naïve, ""q""",0.25\n${csvRows(0, 3000)}${csvRows(0, 500, "err")}`;
    const bytes = new TextEncoder().encode(text);
    expect(await post(api, "plain", text)).toEqual({ status: 201, body: { rows: 3501 } });
    const encoded: [string, string, Uint8Array][] = [
      ["gz", "gzip", gzipSync(bytes)],
      ["xgz", "x-gzip", gzipSync(bytes)],
      ["defl", "deflate", deflateSync(bytes)],
      ["br", "br", brotliCompressSync(bytes)],
      ["twice", "gzip, br", brotliCompressSync(gzipSync(bytes))],
    ];
    for (const [system, encoding, body] of encoded)
      expect(await post(api, system, chunked(body, 333), { "content-encoding": encoding }), encoding).toEqual({ status: 201, body: { rows: 3501 } });
    const lb = (await api.call("GET", `${LB}&methods=mean`, { token: null })).body;
    const plain = lb.systems.find((s: any) => s.slug === "plain");
    for (const [system] of encoded) {
      const row = lb.systems.find((s: any) => s.slug === system);
      expect(row.scores, system).toEqual(plain.scores);
      expect(row.results.mean.rank, system).toBe(plain.results.mean.rank);
    }
    expect(leftovers(spoolDir)).toEqual([]);
  });

  it("Content-Encoding problems: unknown 415, corrupt or truncated 400, a bomb over the limit 413; nothing stored", async () => {
    await seed(api);
    const before = await snapshot(api, "z");
    const gz = gzipSync(new TextEncoder().encode(`${HEADER}acc,i9,1\n`));
    for (const encoding of ["compress", "zstd", "gzip, nope"]) {
      const res = await post(api, "z", gz, { "content-encoding": encoding });
      expect(res.status, encoding).toBe(415);
      expect(res.body.error.code).toBe("unsupported_media_type");
    }
    const corrupt = Uint8Array.from(gz);
    corrupt.fill(0x55, 10, 30);
    for (const body of [corrupt, gz.subarray(0, gz.length - 12), new TextEncoder().encode("task,instance,score\n")]) {
      const res = await post(api, "z", body, { "content-encoding": "gzip" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details[0].field).toBe("body");
    }
    // 8 MiB of (skipped) empty lines from a few KiB: stopped at the 1 MiB limit on the decoded bytes
    const bombText = new TextEncoder().encode(`${HEADER}${"\n".repeat(8 * UPLOAD_LIMIT)}acc,i9,1\n`);
    for (const encoding of ["gzip", "br"]) {
      const body = encoding === "gzip" ? gzipSync(bombText) : brotliCompressSync(bombText);
      expect(body.length).toBeLessThan(UPLOAD_LIMIT / 10);
      const res = await post(api, "z", chunked(body, 4096), { "content-encoding": encoding });
      expect(res.status, encoding).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
    }
    expect(await snapshot(api, "z")).toEqual(before);
    expect(leftovers(spoolDir)).toEqual([]);
  });
});

describe.each(backends())("instance uploads: idle timeout (%s)", (kind) => {
  const spoolDir = mkdtempSync(path.join(tmpdir(), "podium-spool-test-"));
  afterAll(() => rmSync(spoolDir, { recursive: true, force: true }));
  const api = useTestApi(kind, { uploadIdleTimeoutMs: 300, uploadSpoolMemoryBytes: 0, uploadSpoolDir: spoolDir });

  it("an upload that stops sending gets 408 request_timeout; nothing stored, its spool removed", async () => {
    await seed(api);
    const before = await snapshot(api, "idle");
    for (const encoding of [undefined, "gzip"]) {
      // header and more than a batch of rows (spooled to disk), then silence
      const text = HEADER + csvRows(0, ROWS);
      const body = encoding ? gzipStalled(text) : stalledBody(text).stream;
      const res = await post(api, "idle", body, encoding ? { "content-encoding": encoding } : {});
      expect(res.status, String(encoding)).toBe(408);
      expect(res.body.error.code).toBe("request_timeout");
      expect(res.body.error.message).toMatch(/nothing stored/);
      expect(await snapshot(api, "idle")).toEqual(before);
      expect(leftovers(spoolDir)).toEqual([]);
    }
  });
});

/** The gzip of `text` minus its last bytes (the trailer), then silence: a stalled compressed body. */
function gzipStalled(text: string): ReadableStream<Uint8Array> {
  const gz = gzipSync(new TextEncoder().encode(text));
  let sent = false;
  return new ReadableStream({
    async pull(controller) {
      if (!sent) {
        sent = true;
        return controller.enqueue(gz.subarray(0, gz.length - 8));
      }
      await new Promise(() => {}); // never sends more
    },
  });
}
