/**
 * Instance-level scores over the API: streamed CSV/NDJSON uploads (replace semantics, all or
 * nothing, limits, auth) and `level=instance` leaderboards (hand-checked ranks; TAC 2008 anchors).
 */
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";
import { readExample } from "../helpers/examples.ts";

const UPLOAD_LIMIT = 1024 * 1024;

/** A body delivered in small byte chunks (splits lines, quoted fields and UTF-8 sequences). */
function streamOf(text: string, chunkBytes = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  return new ReadableStream({
    pull(controller) {
      if (off >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(off, off + chunkBytes));
      off += chunkBytes;
    },
  });
}

async function upload(
  api: TestApi,
  slug: string,
  system: string,
  body: string | ReadableStream<Uint8Array>,
  options: { type?: string; token?: string | null } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { "content-type": options.type ?? "text/csv" };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const init: RequestInit & { duplex?: "half" } = { method: "POST", headers, body };
  if (typeof body !== "string") init.duplex = "half";
  const res = await api.app.request(`/api/v1/benchmarks/${slug}/systems/${system}/instances`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const csv = (rows: (string | number)[][]) => ["task,instance,score", ...rows.map((r) => r.join(","))].join("\n") + "\n";

/** The tiny table of the hand-checked ranks: acc (higher is better, weight 2), err (lower, weight 1). */
async function seedTiny(api: TestApi): Promise<void> {
  const res = await api.call("POST", "/api/v1/benchmarks", {
    body: { slug: "tiny", name: "Tiny", tasks: [{ slug: "acc", weight: 2 }, { slug: "err", higherIsBetter: false }] },
  });
  expect(res.status).toBe(201);
  // a and c by CSV (quoted fields, CRLF), b by NDJSON; c has no score on acc/i2.
  expect(await upload(api, "tiny", "a", streamOf('task,instance,score\r\nacc,"i1",0.9\r\n"acc",i2,0.5\r\nerr,j1,3\r\n'))).toEqual({ status: 201, body: { rows: 3 } });
  const b = ['{"task":"acc","instance":"i1","score":0.8}', '{"task":"acc","instance":"i2","score":0.7}', '{"task":"err","instance":"j1","score":1}'].join("\n");
  expect(await upload(api, "tiny", "b", streamOf(b, 5), { type: "application/x-ndjson" })).toEqual({ status: 201, body: { rows: 3 } });
  expect(await upload(api, "tiny", "c", csv([["acc", "i1", 0.8], ["err", "j1", 2]]))).toEqual({ status: 201, body: { rows: 2 } });
}

const rankOf = (lb: any, method: string) => Object.fromEntries(lb.systems.map((s: any) => [s.slug, s.results[method].rank]));
const scoreOf = (lb: any, method: string, slug: string) => lb.systems.find((s: any) => s.slug === slug).results[method].score;

describe.each(backends())("instance-level scores (%s)", (kind) => {
  const api = useTestApi(kind, { uploadLimitBytes: UPLOAD_LIMIT });
  const LB = "/api/v1/benchmarks/tiny/leaderboard";

  describe("level=instance leaderboard", () => {
    it("ranks a tiny table as computed by hand (mean, one-level borda with weights, two-level borda2)", async () => {
      await seedTiny(api);
      // d has task-level scores only: not on the instance leaderboard.
      expect((await api.call("POST", "/api/v1/benchmarks/tiny/submissions", { body: { system: { slug: "d" }, scores: { acc: 1, err: 0 } } })).status).toBe(201);
      const res = await api.call("GET", `${LB}?level=instance`, { token: null });
      expect(res.status).toBe(200);
      const lb = res.body;
      expect(lb.level).toBe("instance");
      expect(lb.methods).toEqual(["mean", "borda", "borda2"]);
      expect(lb.systems.map((s: any) => s.slug).sort()).toEqual(["a", "b", "c"]);
      // mean: per-task means (a: .7, 3; b: .75, 1; c: .8, 2), then (2*acc - err) / 3
      expect(scoreOf(lb, "mean", "a")).toBeCloseTo(-1.6 / 3, 12);
      expect(scoreOf(lb, "mean", "b")).toBeCloseTo(0.5 / 3, 12);
      expect(scoreOf(lb, "mean", "c")).toBeCloseTo(-0.4 / 3, 12);
      expect(rankOf(lb, "mean")).toEqual({ b: 1, c: 2, a: 3 });
      // borda: acc/i1 a 2, b .5, c .5 (x2); acc/i2 (c missing): b 1+2/3, a 1/3, c 1 (x2); err/j1: b 2, c 1, a 0
      expect(scoreOf(lb, "borda", "a")).toBeCloseTo(4 + 2 / 3, 12);
      expect(scoreOf(lb, "borda", "b")).toBeCloseTo(6 + 1 / 3, 12);
      expect(scoreOf(lb, "borda", "c")).toBeCloseTo(4, 12);
      expect(rankOf(lb, "borda")).toEqual({ b: 1, a: 2, c: 3 });
      // borda2: task sums acc a 7/3, b 13/6, c 3/2 -> 2,1,0 (x2); err b 2, c 1, a 0 -> a 4, b 4, c 1
      expect(scoreOf(lb, "borda2", "a")).toBeCloseTo(4, 12);
      expect(scoreOf(lb, "borda2", "b")).toBeCloseTo(4, 12);
      expect(scoreOf(lb, "borda2", "c")).toBeCloseTo(1, 12);
      expect(rankOf(lb, "borda2")).toEqual({ a: 1, b: 1, c: 3 });
      // scores: per-task means over the system's instances; coverage: tasks with an instance score
      const a = lb.systems.find((s: any) => s.slug === "a");
      expect(a.scores.acc).toBeCloseTo(0.7, 12);
      expect(a.scores.err).toBe(3);
      expect(a.coverage).toBe(2);
      expect(a.submissionId).toEqual(expect.any(Number));
      // the task-level leaderboard is untouched (only d has task scores)
      const task = await api.call("GET", `${LB}?methods=mean`, { token: null });
      expect(task.body.systems.map((s: any) => s.slug)).toEqual(["d"]);
    });

    it("CSV format, method validation per level, and no instance scores -> 400", async () => {
      await api.createBenchmark("empty", ["x"]);
      const none = await api.call("GET", "/api/v1/benchmarks/empty/leaderboard?level=instance", { token: null });
      expect(none.status).toBe(400);
      expect(none.body.error.message).toMatch(/no instance-level scores/);

      await seedTiny(api);
      const csvRes = await api.call("GET", `${LB}?level=instance&methods=borda2,mean&format=csv`, { token: null });
      expect(csvRes.status).toBe(200);
      const lines = csvRes.body.trim().split("\r\n");
      expect(lines[0]).toBe("system,name,coverage,borda2_rank,borda2_score,mean_rank,mean_score,acc,err");
      expect(lines[1]).toMatch(/^a,a,2,1,4,3,/);

      const kemeny = await api.call("GET", `${LB}?level=instance&methods=mean,kemeny`, { token: null });
      expect(kemeny.status).toBe(400);
      expect(kemeny.body.error.details).toEqual([{ field: "methods", message: expect.stringContaining("borda2") }]);
      const borda2AtTaskLevel = await api.call("GET", `${LB}?methods=borda2`, { token: null });
      expect(borda2AtTaskLevel.status).toBe(400);
      expect(borda2AtTaskLevel.body.error.details[0].field).toBe("methods");
      const unknown = await api.call("GET", `${LB}?level=instance&methods=mean,nope`, { token: null });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details[0].field).toBe("methods[1]");
    });

    it("an upload bumps the revision and changes the ETag; level is part of the ETag; 304 until then", async () => {
      await seedTiny(api);
      const before = await api.call("GET", `${LB}?level=instance`, { token: null });
      const etag = before.headers.get("etag")!;
      const taskEtag = (await api.call("GET", LB, { token: null })).headers.get("etag");
      expect(taskEtag).not.toBe(etag);
      expect((await api.call("GET", `${LB}?level=instance`, { token: null, headers: { "if-none-match": etag } })).status).toBe(304);

      expect((await upload(api, "tiny", "c", csv([["acc", "i1", 0.95], ["acc", "i2", 0.9], ["err", "j1", 0]]))).status).toBe(201);
      const after = await api.call("GET", `${LB}?level=instance`, { token: null, headers: { "if-none-match": etag } });
      expect(after.status).toBe(200);
      expect(after.headers.get("etag")).not.toBe(etag);
      expect(after.body.benchmark.revision).toBe(before.body.benchmark.revision + 1);
      expect(rankOf(after.body, "borda2").c).toBe(1);
    });
  });

  describe("uploads", () => {
    it("lists a system's uploads newest first (id, rows, time); 404 for an unknown system or benchmark", async () => {
      await seedTiny(api);
      expect((await upload(api, "tiny", "a", csv([["err", "j2", 5], ["err", "j3", 4]]))).status).toBe(201);
      const res = await api.call("GET", "/api/v1/benchmarks/tiny/systems/a/instances/uploads", { token: null });
      expect(res.status).toBe(200);
      const uploads = res.body.uploads;
      expect(uploads.map((u: any) => u.rows)).toEqual([2, 3]);
      expect(uploads[0].id).toBeGreaterThan(uploads[1].id);
      expect(Date.parse(uploads[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(uploads[1].createdAt));
      const lb = (await api.call("GET", `${LB}?level=instance`, { token: null })).body;
      expect(lb.systems.find((s: any) => s.slug === "a").submissionId).toBe(uploads[0].id);
      const b = await api.call("GET", "/api/v1/benchmarks/tiny/systems/b/instances/uploads", { token: null });
      expect(b.body.uploads).toHaveLength(1);
      for (const path of ["/api/v1/benchmarks/tiny/systems/zz/instances/uploads", "/api/v1/benchmarks/nope/systems/a/instances/uploads"]) {
        const missing = await api.call("GET", path, { token: null });
        expect(missing.status).toBe(404);
        expect(missing.body.error.code).toBe("not_found");
      }
    });

    it("badges: level=instance ranks by instance scores; borda2 implies it and is refused at level=task; none without instance scores", async () => {
      await seedTiny(api);
      await api.createBenchmark("plain", ["x"]);
      const badge = async (path: string) => {
        const r = await api.app.request(path);
        return { status: r.status, body: (await r.json()) as any };
      };
      const lb = (await api.call("GET", `${LB}?level=instance`, { token: null })).body;
      for (const m of ["mean", "borda", "borda2"]) {
        const rank = rankOf(lb, m).b;
        expect(await badge(`/api/v1/benchmarks/tiny/systems/b/badge.json?level=instance&method=${m}`)).toMatchObject({ status: 200, body: { message: `#${rank} of 3` } });
      }
      expect(await badge("/api/v1/benchmarks/tiny/systems/b/badge.json?method=borda2")).toMatchObject({ status: 200, body: { message: `#${rankOf(lb, "borda2").b} of 3` } });
      // the task level has no systems here: the plain badge is the instance-level borda2 one; level=task is not found
      expect(await badge("/api/v1/benchmarks/tiny/systems/b/badge.json")).toMatchObject({ status: 200, body: { message: `#${rankOf(lb, "borda2").b} of 3` } });
      expect((await badge("/api/v1/benchmarks/tiny/systems/b/badge.json?level=task")).status).toBe(404);
      const wrongLevel = await badge("/api/v1/benchmarks/tiny/systems/b/badge.json?level=task&method=borda2");
      expect(wrongLevel).toMatchObject({ status: 400, body: { isError: true, error: { code: "invalid_request" } } });
      const none = await badge("/api/v1/benchmarks/plain/systems/b/badge.json?method=borda2");
      expect(none).toMatchObject({ status: 400, body: { isError: true, message: "no instance scores" } });
    });

    it("an upload replaces ALL of the system's instance scores (tasks it omits included)", async () => {
      await seedTiny(api);
      expect(await upload(api, "tiny", "a", csv([["err", "j2", 5]]))).toEqual({ status: 201, body: { rows: 1 } });
      const lb = (await api.call("GET", `${LB}?level=instance`, { token: null })).body;
      const a = lb.systems.find((s: any) => s.slug === "a");
      expect(a.scores).toEqual({ err: 5 });
      expect(a.coverage).toBe(1);
      // err now has instances j1 (b, c) and j2 (a): nobody is compared with a on err
      expect(lb.systems).toHaveLength(3);
    });

    it("creates the system on its first upload; a benchmark token may upload to its own benchmark only", async () => {
      await seedTiny(api);
      await api.createBenchmark("other", ["x"]);
      const own = await api.createToken("tiny");
      const foreign = await api.createToken("other");
      expect((await upload(api, "tiny", "new-sys", csv([["acc", "i1", 1]]), { token: own })).status).toBe(201);
      const bench = await api.call("GET", "/api/v1/benchmarks/tiny/leaderboard?level=instance", { token: null });
      expect(bench.body.systems.map((s: any) => s.slug)).toContain("new-sys");

      expect((await upload(api, "tiny", "x", csv([["acc", "i1", 1]]), { token: null })).status).toBe(401);
      expect((await upload(api, "tiny", "x", csv([["acc", "i1", 1]]), { token: "pod_wrong" })).status).toBe(401);
      expect((await upload(api, "nope", "x", csv([["acc", "i1", 1]]), { token: own })).status).toBe(404);
      const forbidden = await upload(api, "tiny", "x", csv([["acc", "i1", 1]]), { token: foreign });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe("forbidden");
    });

    it("415 for other content types, 413 beyond PODIUM_UPLOAD_LIMIT_BYTES (declared or streamed), nothing stored", async () => {
      await seedTiny(api);
      const rev = (await api.call("GET", "/api/v1/benchmarks/tiny")).body.revision;
      for (const type of ["application/json", "text/plain", "multipart/form-data; boundary=x"]) {
        const res = await upload(api, "tiny", "a", csv([["acc", "i1", 1]]), { type });
        expect(res.status).toBe(415);
        expect(res.body.error.code).toBe("unsupported_media_type");
      }
      const rows = Array.from({ length: 60_000 }, (_, i) => ["acc", `doc-${i}`, i / 7]);
      const big = csv(rows);
      expect(big.length).toBeGreaterThan(UPLOAD_LIMIT);
      const declared = await upload(api, "tiny", "a", big);
      expect(declared.status).toBe(413);
      expect(declared.body.error.code).toBe("payload_too_large");
      // no Content-Length: counted while streaming, after the first batches were parsed
      const streamed = await upload(api, "tiny", "a", streamOf(big, 4096));
      expect(streamed.status).toBe(413);
      expect(streamed.body.error.code).toBe("payload_too_large");
      expect((await api.call("GET", "/api/v1/benchmarks/tiny")).body.revision).toBe(rev);
      const a = (await api.call("GET", `${LB}?level=instance`, { token: null })).body.systems.find((s: any) => s.slug === "a");
      expect(a.scores.err).toBe(3);
    });

    it("bad rows: 400 naming the lines, at most 20, nothing stored", async () => {
      await seedTiny(api);
      const cases: [string, string, RegExp][] = [
        ["text/csv", csv([["acc", "i1", 1], ["nope", "i2", 1]]), /^line 3: unknown task "nope"/],
        ["text/csv", csv([["acc", "i1", "abc"]]), /^line 2: score must be a finite number/],
        ["text/csv", csv([["acc", "i1", "Infinity"]]), /^line 2: score must be a finite number/],
        ["text/csv", csv([["acc", "i1", ""]]), /^line 2: score must be a finite number/],
        ["text/csv", csv([["acc", "", 1]]), /^line 2: instance id must be a non-empty string/],
        ["text/csv", csv([["acc", "x".repeat(201), 1]]), /^line 2: instance id longer than 200/],
        ["text/csv", csv([["acc", "i1", 1, 2]]), /^line 2: expected 3 fields, got 4/],
        ["text/csv", csv([["acc", "i1", 1], ["acc", "i1", 2]]), /^line 3: duplicate \(task, instance\).*first on line 2/],
        ["text/csv", 'task,instance,score\nacc,"i1,1\n', /^line 2: unterminated quoted field/],
        ["text/csv", "task,instance\nacc,i1\n", /^line 1: header must be/],
        ["application/x-ndjson", '{"task":"acc","instance":"i1","score":1}\n{"task":"acc",\n', /^line 2: malformed JSON/],
        ["application/x-ndjson", '{"task":"acc","instance":"i1","score":"1"}\n', /^line 1: score must be a finite number/],
        ["application/x-ndjson", '[1,2,3]\n', /^line 1: expected an object/],
        // the text rule of every JSON body holds for instance ids too
        ["application/x-ndjson", '{"task":"acc","instance":"\\ud800","score":1}\n', /^line 1: instance id must not contain a lone surrogate/],
        ["application/x-ndjson", '{"task":"acc","instance":"a\\u0000","score":1}\n', /^line 1: instance id must not contain a NUL character/],
        ["text/csv", csv([["acc", "i\u0000", 1]]), /^line 2: instance id must not contain a NUL character/],
      ];
      for (const [type, body, message] of cases) {
        const res = await upload(api, "tiny", "a", body, { type });
        expect(res.status, `${type} ${body.slice(0, 60)}`).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
        expect(res.body.error.details[0].message).toMatch(message);
        expect(res.body.error.details[0].field).toMatch(/^line \d+$/);
      }
      // at most 20 details
      const many = await upload(api, "tiny", "a", csv(Array.from({ length: 100 }, (_, i) => ["zzz", `i${i}`, 1])));
      expect(many.status).toBe(400);
      expect(many.body.error.details).toHaveLength(20);
      // an empty upload (header only, or nothing)
      for (const body of ["task,instance,score\n", ""]) {
        const res = await upload(api, "tiny", "a", body);
        expect(res.status).toBe(400);
        expect(res.body.error.details[0].field).toBe("body");
      }
      const a = (await api.call("GET", `${LB}?level=instance`, { token: null })).body.systems.find((s: any) => s.slug === "a");
      expect(a.scores).toEqual({ acc: expect.closeTo(0.7, 12), err: 3 });
    });

    it("all or nothing: a bad row at the end of a 30k-row upload (past the first batch) stores nothing", async () => {
      await seedTiny(api);
      const rev = (await api.call("GET", "/api/v1/benchmarks/tiny")).body.revision;
      const rows: (string | number)[][] = Array.from({ length: 30_000 }, (_, i) => ["acc", `doc-${i}`, (i % 97) / 97]);
      const bad = await upload(api, "tiny", "a", streamOf(csv([...rows, ["acc", "doc-last", "oops"]]), 16 * 1024));
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([{ field: "line 30002", message: expect.stringMatching(/^line 30002: score must be a finite number/) }]);
      // a duplicate across batches (line 29002 repeats line 12) is found by the primary key
      const dup = await upload(api, "tiny", "a", streamOf(csv([...rows.slice(0, 29_000), ["acc", "doc-10", 1]]), 16 * 1024));
      expect(dup.status).toBe(400);
      expect(dup.body.error.details[0].message).toMatch(/^line 29002: duplicate \(task, instance\)/);

      expect((await api.call("GET", "/api/v1/benchmarks/tiny")).body.revision).toBe(rev);
      const lb = (await api.call("GET", `${LB}?level=instance`, { token: null })).body;
      const a = lb.systems.find((s: any) => s.slug === "a");
      expect(a.scores).toEqual({ acc: expect.closeTo(0.7, 12), err: 3 });

      // the same 30k rows without the bad one are accepted
      expect(await upload(api, "tiny", "a", streamOf(csv(rows), 16 * 1024))).toEqual({ status: 201, body: { rows: 30_000 } });
      const after = (await api.call("GET", `${LB}?level=instance`, { token: null })).body;
      expect(after.benchmark.revision).toBe(rev + 1);
      expect(after.systems.find((s: any) => s.slug === "a").scores).toEqual({ acc: expect.closeTo(rows.reduce((s, r) => s + (r[2] as number), 0) / 30_000, 9) });
    });

    it("multi-byte UTF-8 split across chunks, quoted commas/quotes/newlines in instance ids", async () => {
      await seedTiny(api);
      const body = 'task,instance,score\nacc,"naïve ""quote"", comma",1\nacc,"two\nlines",2\nacc,日本語,3\n';
      expect(await upload(api, "tiny", "u", streamOf(body, 3))).toEqual({ status: 201, body: { rows: 3 } });
      const nd = '{"task":"acc","instance":"naïve \\"quote\\", comma","score":5}\n{"task":"acc","instance":12,"score":1}\n';
      expect(await upload(api, "tiny", "v", streamOf(nd, 3), { type: "application/x-ndjson; charset=utf-8" })).toEqual({ status: 201, body: { rows: 2 } });
      const lb = (await api.call("GET", `${LB}?level=instance&methods=borda`, { token: null })).body;
      expect(lb.systems.find((s: any) => s.slug === "u").scores.acc).toBe(2);
      expect(lb.systems.find((s: any) => s.slug === "v").scores.acc).toBe(3);
      // invalid UTF-8 -> 400
      const res = await api.app.request("/api/v1/benchmarks/tiny/systems/w/instances", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv" },
        body: new Uint8Array([...new TextEncoder().encode("task,instance,score\nacc,"), 0xff, 0xfe, ...new TextEncoder().encode(",1\n")]),
      });
      expect(res.status).toBe(400);
    });
  });

  describe("TAC 2008 over the API (62 systems x 13 automatic metrics x 48 instances)", () => {
    it("reproduces the published instance-level taus and the borda2 top three", { timeout: 120_000 }, async () => {
      const lines = readExample("tac08_instances.csv").trim().split(/\r?\n/);
      const header = lines[0].split(",");
      const metrics = header.map((h, i) => [h, i] as const).filter(([h, i]) => i >= 2 && !h.startsWith("H:"));
      expect(metrics).toHaveLength(13);
      const taskSlug = (h: string) => h.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
      const res = await api.call("POST", "/api/v1/benchmarks", {
        body: { slug: "tac08", name: "TAC 2008", tasks: metrics.map(([h]) => ({ slug: taskSlug(h), name: h })) },
      });
      expect(res.status).toBe(201);
      const bySystem = new Map<string, string[]>();
      for (const line of lines.slice(1)) {
        const cells = line.split(",");
        const out = bySystem.get(cells[0]) ?? [];
        for (const [h, i] of metrics) if (cells[i] !== "") out.push(`${taskSlug(h)},${cells[1]},${cells[i]}`);
        bySystem.set(cells[0], out);
      }
      expect(bySystem.size).toBe(62);
      for (const [system, rows] of bySystem) {
        const up = await upload(api, "tac08", system.toLowerCase(), `task,instance,score\n${rows.join("\n")}\n`);
        expect(up).toEqual({ status: 201, body: { rows: rows.length } });
      }
      const lb = (await api.call("GET", "/api/v1/benchmarks/tac08/leaderboard?level=instance", { token: null })).body;
      expect(lb.systems).toHaveLength(62);
      const tau = lb.agreement.kendallTau;
      expect(tau.mean.borda.toFixed(3)).toBe("0.851");
      expect(tau.mean.borda2.toFixed(3)).toBe("0.858");
      expect(tau.borda.borda2.toFixed(3)).toBe("0.982");
      const top3 = [...lb.systems].sort((x: any, y: any) => x.results.borda2.rank - y.results.borda2.rank).slice(0, 3);
      expect(top3.map((s: any) => s.slug)).toEqual(["m61", "m60", "m58"]);

      // the winner's badge: method=borda2 implies level=instance
      const badge = async (query: string) => {
        const r = await api.app.request(`/api/v1/benchmarks/tac08/systems/m61/badge.json?${query}`);
        return { status: r.status, body: (await r.json()) as any };
      };
      expect(await badge("method=borda2")).toMatchObject({ status: 200, body: { message: "#1 of 62", label: "TAC 2008 · borda2" } });
      // no task-level scores at all: the plain badge is the instance-level borda2 one, with its own ETag
      const plain = await api.app.request("/api/v1/benchmarks/tac08/systems/m61/badge.json");
      expect(plain.status).toBe(200);
      expect(await plain.json()).toMatchObject({ message: "#1 of 62", label: "TAC 2008 · borda2" });
      const again = await api.app.request("/api/v1/benchmarks/tac08/systems/m61/badge.json", { headers: { "if-none-match": plain.headers.get("etag")! } });
      expect(again.status).toBe(304);
      // an explicit task-level request still says the system is not there
      expect((await badge("level=task")).status).toBe(404);
      const m61 = lb.systems.find((s: any) => s.slug === "m61");
      expect(await badge("method=mean&level=instance")).toMatchObject({ status: 200, body: { message: `#${m61.results.mean.rank} of 62` } });
      const svg = await api.app.request("/api/v1/benchmarks/tac08/systems/m61/badge.svg?level=instance&method=borda2");
      expect(svg.status).toBe(200);
      expect(await svg.text()).toContain("#1 of 62");
      // its upload history
      const history = await api.call("GET", "/api/v1/benchmarks/tac08/systems/m61/instances/uploads", { token: null });
      expect(history.status).toBe(200);
      expect(history.body.system).toBe("m61");
      expect(history.body.uploads).toHaveLength(1);
      expect(history.body.uploads[0]).toMatchObject({ id: m61.submissionId, rows: bySystem.get("M61")!.length, createdAt: m61.submittedAt });
    });
  });
});
