/**
 * /openapi.json as clients and linters read it: an operationId on every operation, security
 * stated (public `[]`, the rest bearer), the statuses the app can answer declared, typed error
 * details; the committed client/schema.d.ts generated from it; and the typed client
 * (client/index.ts) driving the in-process app.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPodiumClient } from "../../client/index.ts";
import { openApiDocument } from "../../scripts/openapi.ts";
import { openApiTypes } from "../../scripts/openapi-types.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  requestBody?: unknown;
}
interface Document {
  info: { license?: { name: string } };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, any>; securitySchemes?: Record<string, unknown> };
}

const doc = (await openApiDocument()) as unknown as Document;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, op })),
);
const isPublic = (op: Operation) => Array.isArray(op.security) && op.security.length === 0;

describe("the OpenAPI document", () => {
  it("names every operation with a unique camelCase operationId", () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][a-zA-Z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["getLeaderboard", "createSubmissions", "uploadInstanceScores", "getBadgeSvg", "rankTable", "getHealth", "getReadiness"]));
  });

  it("states the security of every operation: [] when public, the declared bearer scheme (and 401) otherwise", () => {
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: "http", scheme: "bearer" } });
    for (const { name, op } of operations) {
      expect(op.security, name).toBeDefined();
      if (isPublic(op)) continue;
      expect(op.security, name).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(op.responses), name).toContain("401");
    }
    expect(operations.filter((o) => isPublic(o.op)).map((o) => o.op.operationId)).toEqual(
      expect.arrayContaining(["getHealth", "getLeaderboard", "rankTable", "getBadgeSvg", "listBenchmarks"]),
    );
  });

  it("declares 429 on writes and rate-limited reads, 413 on writes, 503 everywhere, 408 on uploads", () => {
    const statuses = (id: string) => Object.keys(operations.find((o) => o.op.operationId === id)!.op.responses);
    for (const { name, method, op } of operations) {
      expect(Object.keys(op.responses), name).toContain("503");
      if (method !== "get") expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(["413", "429"]));
    }
    expect(statuses("getLeaderboard")).toContain("429");
    expect(statuses("rankTable")).toEqual(expect.arrayContaining(["400", "413", "415", "429"]));
    expect(statuses("uploadInstanceScores")).toEqual(expect.arrayContaining(["408", "413", "415"]));
  });

  it("types the error envelope: field issues, and the budget on 429", () => {
    const details = (name: string) => doc.components.schemas[name].properties.error.properties.details;
    expect(details("Error")).toEqual({ type: "array", items: { $ref: "#/components/schemas/FieldIssue" } });
    expect(doc.components.schemas.FieldIssue.required).toEqual(["field", "message"]);
    expect(details("RateLimitedError")).toEqual({ $ref: "#/components/schemas/RateLimitDetails" });
    const rankTable = operations.find((o) => o.op.operationId === "rankTable")!.op;
    expect(rankTable.responses["429"].content!["application/json"].schema.$ref).toBe("#/components/schemas/RateLimitedError");
    expect(rankTable.responses["400"].content!["application/json"].schema.$ref).toBe("#/components/schemas/Error");
  });

  it("carries the MIT license", () => {
    expect(doc.info.license?.name).toBe("MIT");
  });

  it("passes `redocly lint` (redocly.yaml) with no error and no warning", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "podium-openapi-"));
    try {
      const file = path.join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(doc));
      const root = new URL("../../", import.meta.url).pathname;
      const run = () =>
        execFileSync(path.join(root, "node_modules/.bin/redocly"), ["lint", "--config", path.join(root, "redocly.yaml"), "--format=json", file], {
          cwd: root,
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      let out: string;
      try {
        out = run();
      } catch (err) {
        out = (err as { stdout?: string }).stdout ?? ""; // exit 1 on errors: report them below
      }
      const report = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("matches the committed client/schema.d.ts (run `npm run openapi:types` after changing a route)", async () => {
    expect(readFileSync(new URL("../../client/schema.d.ts", import.meta.url), "utf8")).toBe(await openApiTypes());
  });
});

describe.each(backends())("the typed client on %s", (kind) => {
  const api = useTestApi(kind);
  const client = (token?: string) => createPodiumClient("http://podium.test/", token, { fetch: (request) => Promise.resolve(api.app.request(request)) });

  it("is what the app serves as /openapi.json", async () => {
    expect((await api.call("GET", "/openapi.json", { token: null })).body).toEqual(doc);
  });

  it("states security truthfully: bearer operations answer 401 without a token, public ones never do", async () => {
    for (const { name, method, path, op } of operations) {
      const url = path.replace(/\{[^}]+\}/g, (p) => (p === "{id}" ? "1" : "x"));
      const res = await api.app.request(url, { method: method.toUpperCase(), ...(op.requestBody ? { headers: { "content-type": "application/json" }, body: "{}" } : {}) });
      if (isPublic(op)) expect(res.status, name).not.toBe(401);
      else expect(res.status, name).toBe(401);
    }
  });

  it("creates a benchmark, submits with a benchmark token and reads the leaderboard", async () => {
    const admin = client(ADMIN_TOKEN);
    const created = await admin.POST("/api/v1/benchmarks", { body: { slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }, { slug: "sst2" }] } });
    expect(created.response.status).toBe(201);
    expect(created.data?.tasks.map((t) => t.slug)).toEqual(["cola", "sst2"]);

    const token = await admin.POST("/api/v1/benchmarks/{slug}/tokens", { params: { path: { slug: "glue" } } });
    const submitter = client(token.data!.token);
    const submitted = await submitter.POST("/api/v1/benchmarks/{slug}/submissions", {
      params: { path: { slug: "glue" } },
      body: {
        submissions: [
          { system: { slug: "bert", name: "BERT" }, scores: { cola: 60.5, sst2: 94.9 } },
          { system: { slug: "tiny" }, scores: { cola: 40, sst2: 80 } },
        ],
      },
    });
    expect(submitted.response.status).toBe(201);
    expect(submitted.data?.submissions.map((s) => s.system.slug)).toEqual(["bert", "tiny"]);

    const board = await client().GET("/api/v1/benchmarks/{slug}/leaderboard", { params: { path: { slug: "glue" }, query: { methods: "mean,borda" } } });
    expect(board.error).toBeUndefined();
    expect(board.data?.methods).toEqual(["mean", "borda"]);
    expect(board.data?.systems.map((s) => [s.slug, s.results.mean.rank])).toEqual([["bert", 1], ["tiny", 2]]);
  });

  it("rejects, at compile time, paths and bodies the document does not have", async () => {
    // @ts-expect-error no such path in client/schema.d.ts
    const unknown = await client().GET("/api/v1/benchmark", {});
    expect(unknown.response.status).toBe(404);
    // @ts-expect-error `tasks` is required by CreateBenchmark
    const incomplete = await client(ADMIN_TOKEN).POST("/api/v1/benchmarks", { body: { slug: "x", name: "X" } });
    expect(incomplete.response.status).toBe(400);
  });

  it("returns the typed error envelope", async () => {
    const noToken = await client().POST("/api/v1/benchmarks", { body: { slug: "nope", name: "N", tasks: [{ slug: "t" }] } });
    expect(noToken.response.status).toBe(401);
    expect(noToken.error?.error.code).toBe("unauthorized");

    const bad = await client(ADMIN_TOKEN).POST("/api/v1/benchmarks", { body: { slug: "Bad Slug", name: "B", tasks: [] } });
    expect(bad.response.status).toBe(400);
    const details = bad.error?.error.details; // typed: field issues, or the budget of a 429
    expect(Array.isArray(details) && details.map((d) => d.field)).toEqual(expect.arrayContaining(["slug", "tasks"]));
  });
});
