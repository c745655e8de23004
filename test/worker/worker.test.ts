/**
 * The Cloudflare Workers entry: wrangler bundles it for workerd (no Node built-ins allowed
 * without nodejs_compat), and the bundle answers the stateless ranking API exactly as the
 * ranking module does.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rankTable } from "../../ranking/index.ts";

const table = {
  tasks: [{ slug: "cola" }, { slug: "latency", higherIsBetter: false, weight: 2 }],
  systems: [
    { slug: "bert", scores: { cola: 60.5, latency: 12 } },
    { slug: "roberta", scores: { cola: 63.6, latency: 20 } },
    { slug: "tiny", scores: { cola: 40, latency: null } },
  ],
  methods: ["mean", "borda", "copeland", "kemeny"] as const,
};

let outDir: string;
let worker: { fetch(request: Request): Promise<Response> };

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), "podium-worker-"));
  const wrangler = path.resolve("node_modules/wrangler/bin/wrangler.js");
  execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir], {
    stdio: "pipe",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  worker = (await import(pathToFileURL(path.join(outDir, "worker.js")).href)).default;
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function post(body: unknown, contentType = "application/json") {
  return worker.fetch(new Request("http://worker/api/v1/rank", { method: "POST", headers: { "content-type": contentType }, body: JSON.stringify(body) }));
}

describe("Workers bundle", () => {
  it("ranks a table exactly as the ranking module does", async () => {
    const res = await post(table);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(rankTable({ ...table, methods: [...table.methods] }))));
  });

  it("answers bad tables in the error envelope", async () => {
    const res = await post({ systems: [], methods: ["nope"] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { field: string }[] } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((d) => d.field)).toEqual(expect.arrayContaining(["systems", "methods[0]"]));
  });

  it("serves its OpenAPI document and a 404 envelope for routes it does not have", async () => {
    const doc = (await (await worker.fetch(new Request("http://worker/openapi.json"))).json()) as {
      info: { license?: { name: string } };
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
    };
    expect(Object.keys(doc.paths)).toContain("/api/v1/rank");
    expect(doc.paths["/api/v1/rank"].post).toMatchObject({ operationId: "rankTable", security: [] });
    expect(doc.info.license?.name).toBe("MIT");
    const missing = await worker.fetch(new Request("http://worker/api/v1/benchmarks"));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
