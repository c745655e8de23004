/**
 * Property suite: hostile bodies, headers, query strings and path parameters on EVERY route
 * (enumerated from the app's own routing table, cross-checked against /openapi.json). Whatever
 * arrives: never a 5xx; every non-2xx JSON reply is the error envelope (badges answer an error
 * badge, pages an HTML page); and nothing is stored (benchmarks, revisions, tokens, histories
 * and the leaderboard are unchanged after each route's run).
 *
 * Requests that could legitimately write (a writer token on submissions, uploads, benchmark
 * creation) only carry bodies that are invalid by construction; the admin token is not used on
 * the token routes (there a bodiless POST or DELETE is a valid request).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { parseConfig } from "../../api/config.ts";
import type { Services } from "../../service/index.ts";
import { backends } from "../helpers/database.ts";
import { ADMIN_TOKEN, useTestApi, type TestApi } from "../helpers/app.ts";

/** Runs per route (each run is one request); ~20 routes. Static documents get a quarter. */
const RUNS_PER_ROUTE = Number(process.env.PODIUM_FUZZ_RUNS ?? 40);
const isStatic = (r: Route) => r.path === "/openapi.json" || r.path.startsWith("/docs") || r.path.startsWith("/assets/") || r.path === "/favicon.ico";

// ---------------------------------------------------------------------------------------------
// The routes

interface Route {
  method: string;
  /** Hono syntax: /api/v1/benchmarks/:slug */
  path: string;
}

/** Every route the app serves (API, pages, docs), from its routing table; middleware ("ALL") excluded. */
function appRoutes(): Route[] {
  const app = createApp({ services: {} as Services, config: parseConfig({}) });
  const seen = new Map<string, Route>();
  for (const r of app.routes) if (r.method !== "ALL") seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  return [...seen.values()];
}

const ROUTES = appRoutes();
const routeName = (r: Route) => `${r.method} ${r.path}`;
const isBadge = (r: Route) => /\/badge\.(svg|json)$/.test(r.path);
const isPage = (r: Route) => r.path === "/" || r.path.startsWith("/benchmarks/") || r.path.startsWith("/docs");
/**
 * Any method (requests sometimes switch it) on these paths is a valid admin request (a bodiless
 * POST or DELETE creates, revokes or retracts): no admin token there.
 */
const isTokenRoute = (r: Route) => /\/tokens(\/:id)?$/.test(r.path) || /\/submissions\/:id$/.test(r.path);

// ---------------------------------------------------------------------------------------------
// Hostile values

const LONG = "x".repeat(5_001);
const SPECIAL_STRINGS = [
  "", " ", "\u0000", "a\u0000b", "\ud800", "\udfff", "x\ud83d", "\ufeff", "__proto__", "constructor", "prototype", "toString",
  "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "-0", "0x10", "1e3", " 5", "5 ", "99999999999999999999999", "-1", "0", "4294967296",
  "null", "undefined", "true", "[]", "{}", "%", "%00", "%zz", "%ED%A0%80", "%F0%9F%98", "%C0%AF", "..", ".", "\\", "é", "ÉCOLE",
  "日本語", "glue\u0301", "🙂", LONG, "<script>alert(1)</script>", "javascript:alert(1)", "data:text/html,x", "\r\n", "'; drop table benchmarks; --",
  "mean", "borda,kemeny", "kemeny,kemeny,kemeny", "instance", "task", "csv", "json", "bootstrap", "10000", "2001", "60000", "60001",
];
const special = fc.constantFrom(...SPECIAL_STRINGS);
/** Strings a client might send anywhere: specials, arbitrary code units (lone surrogates included), and mixes. */
const hostileString = fc.oneof(
  special,
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  fc.tuple(special, fc.string({ maxLength: 4 }), special).map(([a, b, c]) => a + b + c),
);

/** A path segment or query part: raw (the URL parser escapes what it must) or percent-encoded. */
function encodePart(s: string, raw: boolean): string {
  if (raw) return s;
  try {
    return encodeURIComponent(s);
  } catch {
    return s; // lone surrogates: encodeURIComponent refuses them
  }
}

/** Mostly the seeded names (so that hostile bodies and queries get past the path), else anything. */
const pathParam = (name: string) => {
  const seeded: Record<string, string> = { slug: "glue", system: "bert", id: "1" };
  const other: Record<string, string[]> = { slug: ["other", "nope"], system: ["roberta", "nope"], id: ["2", "0", "-1", "99999999999", "1e3", "01"] };
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(seeded[name] ?? "x") },
    { weight: 2, arbitrary: fc.constantFrom(...(other[name] ?? ["x"])) },
    { weight: 2, arbitrary: fc.tuple(hostileString, fc.boolean()).map(([s, raw]) => encodePart(s, raw)) },
  );
};

const QUERY_KEYS = ["methods", "level", "kemenyBudgetMs", "format", "uncertainty", "samples", "seed", "method", "sort", "chart", "__proto__", "constructor", "toString", "hasOwnProperty"];
const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileString), hostileString, fc.boolean()), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v, raw]) => `${encodePart(k, raw)}=${encodePart(v, raw)}`).join("&"));

/** Header values the Fetch API accepts (latin1 without CR, LF, NUL). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const CONTENT_TYPES = [
  "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json", "application/json; charset=utf-16",
  "text/plain", "text/csv", "text/csv; charset=latin1", "application/x-ndjson", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
  "*/*", "application/json, text/csv", "",
];

// ---------------------------------------------------------------------------------------------
// Bodies

/** JSON text nested `depth` levels deep (built as text: JSON.stringify itself would overflow). */
const deepJson = (depth: number, kind: "array" | "object") => (kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth));

const RAW = "@@raw@@";
/** Raw JSON text that zod must reject wherever it is put (and that stays invalid inside metadata). */
const alwaysInvalidRaw = fc.oneof(
  fc.oneof(fc.integer({ min: 33, max: 100 }), fc.integer({ min: 20_000, max: 100_000 })).chain((d) => fc.constantFrom(deepJson(d, "array"), deepJson(d, "object"))),
  fc.constantFrom('"\\ud800"', '"a\\udfff"', '"a\\u0000b"', '{"__proto__":1}', '{"__proto__":{"x":1}}', '{"a\\ud800":1}', '{"\\u0000":1}', '[{"__proto__":[]}]'),
);
/** Raw JSON text invalid for a field of the given kind. */
const INVALID_FOR: Record<string, string[]> = {
  object: ["[]", '"x"', "1", "null", "true", "[{}]"],
  array: ["{}", '"x"', "1", "null", "[]"],
  slug: ['""', '"Bad Slug"', '"-x"', '"ÉCOLE"', '"日本"', '"glue\\u0301"', `"${"a".repeat(65)}"`, "1", "null", "{}", "[]", '"a/b"'],
  text: ['""', `"${"x".repeat(201)}"`, "1", "{}", "[]"],
  description: [`"${"x".repeat(5_001)}"`, "1", "{}", "[]"],
  optionalText: [`"${"x".repeat(201)}"`, "1", "{}", "[]", "true"],
  url: ['"javascript:alert(1)"', '"data:text/html,x"', '"vbscript:x"', '"//evil.example"', '"/relative"', '"ftp://x"', '"https://"', '" https://x"', "1", "{}"],
  score: ["1e999", "-1e999", '"NaN"', '"Infinity"', '"1"', "{}", "[]", "true"],
  weight: ["0", "-1", "1e999", '"NaN"', '"1"', "null", "{}"],
  boolean: ['"true"', "1", "null", "{}"],
  metadata: ["[]", '"x"', "1", "true"],
};

interface Template {
  value: unknown;
  /** Paths into `value` with the kind of field there. */
  fields: [path: (string | number)[], kind: string][];
}

const single = (slug = "fuzz") => ({
  system: { slug, name: "Fuzz", url: "https://example.org/fuzz", metadata: { k: "v", n: [1, 2] } },
  scores: { cola: 1, sst2: 2 },
  metadata: { run: 1 },
});
const SINGLE_FIELDS: Template["fields"] = [
  [[], "object"], [["system"], "object"], [["system", "slug"], "slug"], [["system", "name"], "text"], [["system", "url"], "url"],
  [["system", "metadata"], "metadata"], [["system", "metadata", "k"], "any"], [["scores"], "object"], [["scores", "cola"], "score"],
  [["metadata"], "metadata"], [["metadata", "run"], "any"],
];
const TEMPLATES: Record<string, Template> = {
  "POST /api/v1/benchmarks": {
    value: { slug: "fuzz", name: "Fuzz", description: "d", tasks: [{ slug: "a", name: "A", metric: "acc", higherIsBetter: true, weight: 1, group: "g" }] },
    fields: [
      [[], "object"], [["slug"], "slug"], [["name"], "text"], [["description"], "description"], [["tasks"], "array"], [["tasks", 0], "object"],
      [["tasks", 0, "slug"], "slug"], [["tasks", 0, "name"], "text"], [["tasks", 0, "metric"], "optionalText"], [["tasks", 0, "higherIsBetter"], "boolean"],
      [["tasks", 0, "weight"], "weight"], [["tasks", 0, "group"], "optionalText"],
    ],
  },
  "POST /api/v1/benchmarks/:slug/submissions": { value: single(), fields: SINGLE_FIELDS },
  "POST /api/v1/benchmarks/:slug/submissions#bulk": {
    value: { submissions: [single("fuzz-a"), single("fuzz-b")] },
    fields: [[[], "object"], [["submissions"], "array"], ...SINGLE_FIELDS.map(([p, k]) => [["submissions", 1, ...p], k] as [(string | number)[], string])],
  },
  "POST /api/v1/rank": {
    value: { systems: [{ slug: "a", scores: { x: 1, y: 2 } }, { slug: "b", scores: { x: 2, y: null } }], tasks: [{ slug: "x" }, { slug: "y", higherIsBetter: false }], methods: ["mean", "borda"] },
    fields: [
      [[], "object"], [["systems"], "array"], [["systems", 0], "object"], [["systems", 0, "slug"], "slug"], [["systems", 0, "scores"], "object"],
      [["systems", 0, "scores", "x"], "score"], [["tasks", 1, "slug"], "slug"], [["tasks", 1, "higherIsBetter"], "boolean"], [["methods"], "array"],
    ],
  },
};

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return copy;
}

/** A template with one field replaced by raw JSON text that makes the body invalid. */
function mutatedTemplate(template: Template): fc.Arbitrary<string> {
  return fc.constantFrom(...template.fields).chain(([path, kind]) =>
    fc.oneof(alwaysInvalidRaw, ...(INVALID_FOR[kind] ? [fc.constantFrom(...INVALID_FOR[kind])] : [])).map((raw) => JSON.stringify(setAt(template.value, path, RAW)).replace(`"${RAW}"`, () => raw)),
  );
}

/**
 * A valid template with a key added at the top that makes it invalid: `__proto__`, or (on a
 * single submission) `submissions`, which makes the body ambiguous.
 */
function extraKey(template: Template): fc.Arbitrary<string> {
  const extras = ['"__proto__":{"slug":"x"}', '"__proto__":null'];
  if (template.value && typeof template.value === "object" && "system" in template.value) extras.push('"submissions":[]', `"submissions":[${JSON.stringify(single("other"))}]`);
  return fc.constantFrom(...extras).map((extra) => JSON.stringify(template.value).replace(/^\{/, `{${extra},`));
}

/** Bodies that are not JSON, or JSON of no use to any route, or bytes that are not UTF-8. */
const junkBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom("", "{", "{not json", "[1,", '"unterminated', '{"a":1}}', "nul", "\u0000", '{"a":1,}', "{}", "[]", "null", "0", "1e999", '"x"', "\ufeff{}", "{\"a\":NaN}"),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 33, max: 200_000 }).map((d) => deepJson(d, "array")),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]), new Uint8Array([0x1f, 0x8b, 0x08, 0x00])),
  hostileString,
);

/** Instance uploads (CSV / NDJSON): every body has at least one row that must be refused. */
const badRow = fc.constantFrom(
  "nope,i1,1", "cola,i1,NaN", "cola,i1,1e999", "cola,i1,abc", "cola,,1", `cola,${"x".repeat(201)},1`, "cola,i1", "cola,i1,1,extra", '"cola,i1,1',
  "cola,i\u0000,1",
);
const goodRow = fc.tuple(fc.constantFrom("cola", "sst2"), fc.string({ maxLength: 8 }).filter((s) => !/[",\r\n]/.test(s) && s.trim() !== ""), fc.double({ noNaN: true, noDefaultInfinity: true })).map(([t, i, s]) => `${t},${i},${s}`);
const csvBody = fc.tuple(fc.array(goodRow, { maxLength: 4 }), badRow, fc.array(goodRow, { maxLength: 4 })).map(([a, bad, b]) => ["task,instance,score", ...a, bad, ...b].join("\n"));
const ndjsonBody = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom("cola", "sst2"), fc.string({ minLength: 1, maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 4 }), fc.constantFrom('{"task":"nope","instance":"i","score":1}', '{"task":"cola","instance":"i","score":"1"}', "{bad json", '{"task":"cola","instance":"\\ud800","score":1}', '{"__proto__":{"task":"cola"},"instance":"i","score":1}', '[1,2,3]', deepJson(5_000, "array")))
  .map(([rows, bad]) => [...rows.map(([task, instance, score]) => JSON.stringify({ task, instance, score })), bad].join("\n"));

function bodyFor(route: Route): fc.Arbitrary<string | Uint8Array> {
  const key = `${route.method} ${route.path}`;
  if (key === "POST /api/v1/benchmarks/:slug/systems/:system/instances") return fc.oneof(csvBody, ndjsonBody, junkBody);
  const templates = [TEMPLATES[key], TEMPLATES[`${key}#bulk`]].filter((t): t is Template => t !== undefined);
  if (templates.length === 0) return junkBody;
  return fc.oneof(junkBody, ...templates.map(mutatedTemplate), ...templates.map(extraKey));
}

function contentTypeFor(route: Route): fc.Arbitrary<string | undefined> {
  const usual = route.path.endsWith("/instances") ? fc.constantFrom("text/csv", "application/x-ndjson", "text/csv; charset=utf-8") : fc.constantFrom("application/json", "application/json; charset=utf-8");
  return fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: headerText });
}

// ---------------------------------------------------------------------------------------------
// Requests

interface Seeded {
  writerToken: string;
  foreignToken: string;
}

interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function requestFor(route: Route, seeded: Seeded): fc.Arbitrary<HostileRequest> {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const refused = [null, "garbage", `Bearer pod_${"x".repeat(43)}`, "Bearer ", `Basic ${ADMIN_TOKEN}`, `Bearer ${seeded.foreignToken}`];
  // Half of the requests carry a token that may write, so that hostile bodies reach the service and the database.
  const writers = [`Bearer ${seeded.writerToken}`, ...(isTokenRoute(route) ? [] : [`Bearer ${ADMIN_TOKEN}`])];
  return fc
    .record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") }),
      params: fc.tuple(...params.map(pathParam)),
      query: fc.oneof(fc.constant(""), queryString),
      host: fc.constantFrom("localhost", "podium.test:8080", "evil_host", "[::1]:3000", "xn--e1afmkfd.xn--p1ai"),
      authorization: fc.oneof(fc.constantFrom(...refused), fc.constantFrom(...writers)),
      contentType: contentTypeFor(route),
      extraHeaders: fc.dictionary(
        fc.constantFrom("if-none-match", "accept", "accept-encoding", "content-encoding", "x-forwarded-for", "expect", "content-language", "x-request-id", "idempotency-key"),
        fc.oneof(headerText, fc.constantFrom("gzip", "br", "*", 'W/"x"', '"x"', "identity, gzip;q=0", "text/csv", "application/json")),
        { maxKeys: 3 },
      ),
      body: bodyFor(route),
    })
    .map(({ method, params: values, query, host, authorization, contentType, extraHeaders, body }) => {
      let path = route.path;
      params.forEach((name, i) => (path = path.replace(`:${name}`, values[i])));
      const headers: Record<string, string> = { ...extraHeaders };
      if (authorization !== null) headers.authorization = authorization;
      if (contentType !== undefined) headers["content-type"] = contentType;
      const withBody = method !== "GET" && method !== "HEAD";
      return { method, url: `http://${host}${path}${query ? `?${query}` : ""}`, headers, body: withBody ? body : undefined };
    });
}

/** The red-team's findings, run first on every run of the suite (the random requests explore around them). */
function knownHostile(route: Route, seeded: Seeded): HostileRequest[] {
  const post = (path: string, body: string): HostileRequest => ({
    method: "POST",
    url: `http://localhost${path}`,
    headers: { authorization: `Bearer ${path.includes("/glue/") ? seeded.writerToken : ADMIN_TOKEN}`, "content-type": "application/json" },
    body,
  });
  const deep = deepJson(10_000, "object");
  const submission = (over: string) => `{"system":{"slug":"evil"${over}},"scores":{"cola":1}`;
  const cases: Record<string, HostileRequest[]> = {
    "POST /api/v1/benchmarks/:slug/submissions": [
      post("/api/v1/benchmarks/glue/submissions", `${submission("")},"metadata":{"x":${deep}}}`),
      post("/api/v1/benchmarks/glue/submissions", `${submission(`,"metadata":${deepJson(100_000, "array")}`)}}`),
      post("/api/v1/benchmarks/glue/submissions", `${submission(',"url":"javascript:alert(1)"')}}`),
      post("/api/v1/benchmarks/glue/submissions", `${submission(',"url":"data:text/html,x"')}}`),
      post("/api/v1/benchmarks/glue/submissions", `{"submissions":[${submission("")}}],"system":{"slug":"evil2"},"scores":{"cola":1}}`),
      post("/api/v1/benchmarks/glue/submissions", '{"system":{"slug":"evil"},"scores":{"cola":1,"__proto__":2}}'),
      post("/api/v1/benchmarks/glue/submissions", '{"system":{"slug":"evil","name":"\\ud800"},"scores":{"cola":1}}'),
      post("/api/v1/benchmarks/glue/submissions", deepJson(200_000, "array")),
    ],
    "POST /api/v1/benchmarks": [
      post("/api/v1/benchmarks", '{"slug":"evil","name":"Evil","description":"a\\ud800","tasks":[{"slug":"a"}]}'),
      post("/api/v1/benchmarks", `{"slug":"evil","name":"Evil","tasks":[{"slug":"a","group":${deep}}]}`),
    ],
    "POST /api/v1/rank": [post("/api/v1/rank", `{"systems":[{"slug":"a","scores":${deep}}]}`), post("/api/v1/rank", '{"systems":[{"slug":"a","scores":{"__proto__":1}}]}')],
  };
  return cases[routeName(route)] ?? [];
}

async function send(api: TestApi, req: HostileRequest) {
  const res = await api.app.request(req.url, { method: req.method, headers: req.headers, body: req.body });
  return { res, text: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// What every reply must be

function expectEnvelope(text: string) {
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String), ...(body.error.details !== undefined ? { details: body.error.details } : {}) });
  if (body.error.details !== undefined && Array.isArray(body.error.details))
    for (const d of body.error.details) expect(d).toEqual({ field: expect.any(String), message: expect.any(String) });
}

function expectWellFormedReply(route: Route, req: HostileRequest, res: Response, text: string) {
  const what = `${req.method} ${req.url} -> ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status < 400 || req.method === "HEAD") return;
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/html") && isPage(route) && req.method === route.method) return; // the HTML not-found page
  if (type.startsWith("image/svg+xml") && isBadge(route)) {
    expect(text, what).toMatch(/^<svg[\s\S]*<\/svg>$/);
    return;
  }
  expect(type, what).toMatch(/^application\/json/);
  const badge = isBadge(route) ? JSON.parse(text) : undefined;
  if (badge && "schemaVersion" in badge) {
    expect(badge, what).toMatchObject({ schemaVersion: 1, label: expect.any(String), message: expect.any(String), color: expect.any(String), isError: true });
    expectEnvelope(JSON.stringify({ error: badge.error }));
    return;
  }
  try {
    expectEnvelope(text);
  } catch (err) {
    throw new Error(`not the error envelope: ${what}\n${String(err)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Seed and snapshot

async function seed(api: TestApi): Promise<Seeded> {
  await api.createBenchmark("glue");
  await api.createBenchmark("other", ["x"]);
  const writerToken = await api.createToken("glue");
  const foreignToken = await api.createToken("other");
  const ok = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { submissions: [{ system: { slug: "bert", url: "https://example.org/bert", metadata: { k: 1 } }, scores: { cola: 1, sst2: 2 } }, { system: { slug: "roberta" }, scores: { cola: 2, mnli: 3 } }] } });
  expect(ok.status).toBe(201);
  const upload = await api.app.request("/api/v1/benchmarks/glue/systems/bert/instances", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv" },
    body: "task,instance,score\ncola,i1,0.5\ncola,i2,0.7\nsst2,i1,1\n",
  });
  expect(upload.status).toBe(201);
  return { writerToken, foreignToken };
}

/** Everything a request could change. */
async function snapshot(api: TestApi) {
  const get = async (path: string) => {
    const res = await api.call("GET", path);
    // a token's lastUsedAt is bookkeeping of its use, not something a request stored
    if (Array.isArray(res.body?.tokens)) for (const t of res.body.tokens) delete t.lastUsedAt;
    return { status: res.status, body: res.body };
  };
  return {
    benchmarks: await get("/api/v1/benchmarks"),
    glue: await get("/api/v1/benchmarks/glue"),
    other: await get("/api/v1/benchmarks/other"),
    glueTokens: await get("/api/v1/benchmarks/glue/tokens"),
    otherTokens: await get("/api/v1/benchmarks/other/tokens"),
    bert: await get("/api/v1/benchmarks/glue/systems/bert/submissions"),
    roberta: await get("/api/v1/benchmarks/glue/systems/roberta/submissions"),
    leaderboard: await get("/api/v1/benchmarks/glue/leaderboard?methods=mean"),
    instances: await get("/api/v1/benchmarks/glue/leaderboard?level=instance&methods=mean"),
    audit: await get("/api/v1/benchmarks/glue/audit"),
  };
}

// ---------------------------------------------------------------------------------------------

describe("hostile requests: the route list", () => {
  it("covers every path of /openapi.json, the pages and the docs", async () => {
    const app = createApp({ services: {} as Services, config: parseConfig({}) });
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    const names = ROUTES.map(routeName);
    expect(documented.length).toBeGreaterThan(10);
    expect(names).toEqual(expect.arrayContaining([...documented, "GET /", "GET /benchmarks/:slug", "GET /benchmarks/:slug/systems/:system", "GET /assets/:file", "GET /favicon.ico", "GET /docs", "GET /openapi.json"]));
  });
});

describe.each(backends())("hostile requests on %s", (kind) => {
  const api = useTestApi(kind, { rateLimitPerMinute: 0 });

  it.each(ROUTES.map((r) => [routeName(r), r] as const))("%s: never 5xx, always the envelope, nothing stored", async (_name, route) => {
    const seeded = await seed(api);
    const before = await snapshot(api);
    await fc.assert(
      fc.asyncProperty(requestFor(route, seeded), async (req) => {
        const { res, text } = await send(api, req);
        expectWellFormedReply(route, req, res, text);
      }),
      { numRuns: isStatic(route) ? Math.ceil(RUNS_PER_ROUTE / 4) : RUNS_PER_ROUTE, examples: knownHostile(route, seeded).map((req) => [req]) },
    );
    expect(await snapshot(api)).toEqual(before);
  });
});
