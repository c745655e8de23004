/**
 * `podium import` against a tiny node:http stand-in for the server, to produce what a real one
 * rarely does on demand: 429/503 with Retry-After, a batch refused halfway, and to count requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { csvDir, podium } from "./podium.ts";

interface Seen {
  method: string;
  url: string;
  body: string;
  idempotencyKey?: string;
}

type Handler = (req: Seen, res: ServerResponse, postCount: number) => void;

let server: Server;
let url: string;
let seen: Seen[] = [];
let onPost: Handler = (_req, res) => json(res, 500, { error: { code: "internal", message: "no handler" } });

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const TASKS = [{ slug: "acc", name: "Acc", higherIsBetter: true, weight: 1, metric: null, group: null }];

function stored(req: Seen, res: ServerResponse) {
  const subs = (JSON.parse(req.body) as { submissions: { system: { slug: string; name: string } }[] }).submissions;
  json(res, 201, { submissions: subs.map((s, i) => ({ id: i + 1, system: s.system, createdAt: new Date(0).toISOString() })) });
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const r: Seen = { method: req.method!, url: req.url!, body, idempotencyKey: req.headers["idempotency-key"] as string | undefined };
      seen.push(r);
      if (r.method === "GET" && r.url === "/api/v1/benchmarks/stub") return json(res, 200, { slug: "stub", name: "Stub", revision: 7, tasks: TASKS });
      if (r.method === "GET" && r.url.startsWith("/api/v1/benchmarks/stub/leaderboard")) return json(res, 200, { systems: [] });
      if (r.method === "POST" && r.url === "/api/v1/benchmarks/stub/submissions") return onPost(r, res, seen.filter((s) => s.method === "POST").length);
      json(res, 404, { error: { code: "not_found", message: `no route ${r.method} ${r.url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(() => {
  seen = [];
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const files = csvDir("podium-import-stub-");
const THREE = files.write("three.csv", "system,Acc\nAda,0.1\nBob,0.2\nCy,0.3\n");
const posts = () => seen.filter((s) => s.method === "POST");

describe("podium import: retries and partial failures", () => {
  it("retries a 429 and a 503 as their Retry-After says, then imports", async () => {
    onPost = (req, res, n) => {
      if (n === 1) return json(res, 429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "1" });
      if (n === 2) return json(res, 503, { error: { code: "overloaded", message: "busy" } }, { "retry-after": "0" });
      stored(req, res);
    };
    const r = await podium(["import", THREE, "--benchmark", "stub", "--url", url, "--token", "t"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("server answered 429 rate_limited; retrying in 1 s (retry 1 of 5)");
    expect(r.stderr).toContain("server answered 503 overloaded; retrying in 0 s (retry 2 of 5)");
    expect(r.stdout).toContain("imported 3 systems into stub (revision 7)");
    expect(posts()).toHaveLength(3);
    // The same body every time: a refused request changed nothing, so it is sent again as it was.
    expect(new Set(posts().map((p) => p.body)).size).toBe(1);
    expect(JSON.parse(posts()[2].body).submissions.map((s: { system: { slug: string } }) => s.system.slug)).toEqual(["ada", "bob", "cy"]);
  });

  it("a connection lost before the answer is sent again with the same Idempotency-Key; batches get keys of their own", async () => {
    onPost = (req, res, n) => (n === 1 ? res.socket!.destroy() : stored(req, res));
    const r = await podium(["import", THREE, "--benchmark", "stub", "--url", url, "--token", "t", "--batch-bytes", "150"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/retrying in 1 s \(retry 1 of 5\)/);
    const keys = posts().map((p) => p.idempotencyKey);
    expect(keys.every((k) => /^podium-cli-[0-9a-f-]{36}$/.test(k ?? ""))).toBe(true);
    expect(keys[1]).toBe(keys[0]); // the retry of the lost request
    expect(new Set(keys).size).toBe(posts().length - 1); // every other request its own key
  });

  it("gives up after --retries retries (exit 1)", async () => {
    onPost = (_req, res) => json(res, 429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "0" });
    const r = await podium(["import", THREE, "--benchmark", "stub", "--url", url, "--token", "t", "--retries", "2"]);
    expect(r.code).toBe(1);
    expect(posts()).toHaveLength(3);
    expect(r.stderr).toMatch(/submitting batch 1 \(3 systems from CSV line 2\) failed: 429 rate_limited: slow down/);
    expect(r.stderr).toContain("nothing was imported");
  });

  it("a batch refused halfway: says which systems were imported and which were not (exit 1)", async () => {
    onPost = (req, res, n) => (n === 2 ? json(res, 400, { error: { code: "invalid_request", message: "invalid submission", details: [{ field: "submissions[0].scores.acc", message: "nope" }] } }) : stored(req, res));
    // Each submission is ~70 bytes: 100 bytes per request makes one batch per system.
    const r = await podium(["import", THREE, "--benchmark", "stub", "--url", url, "--token", "t", "--batch-bytes", "100"]);
    expect(r.code).toBe(1);
    expect(posts()).toHaveLength(2);
    expect(r.stderr).toContain("imported 1/3 systems");
    expect(r.stderr).toMatch(/submitting batch 2 \(1 systems from CSV line 3\) failed: 400 invalid_request: invalid submission\n\s+submissions\[0\]\.scores\.acc: nope/);
    expect(r.stderr).toContain("imported before the failure (these stay stored): 1 of 3 systems, every changed system before CSV line 3: ada");
    expect(r.stderr).toContain("not imported: 2 systems from CSV line 3 (bob) on");
  });

  it("--dry-run contacts nothing, needs no token, and prints the plan", async () => {
    const r = await podium(["import", THREE, "--benchmark", "stub", "--create", "--name", "Stub", "--weights", "Acc=2", "--url", url, "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen).toEqual([]);
    expect(r.stdout).toContain(`dry run: nothing is sent to ${url}`);
    expect(r.stdout).toMatch(/^  acc  higher is better  weight 2  "Acc"$/m);
    expect(r.stdout).toContain("systems: 3");
    expect(r.stdout).toMatch(/batches: 1 of at most 1048576 bytes: 3 systems/);
  });
});
