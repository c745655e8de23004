/**
 * Request validation rules found by a red-team pass: nesting depth, `__proto__` keys, lone
 * surrogates and NUL in every text field, http(s)-only URLs, ambiguous submission bodies, and
 * the public URL used in badge snippets. Each bad request is a 400 naming the field and stores
 * nothing.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../api/config.ts";
import { MAX_JSON_DEPTH } from "../../api/json-input.ts";
import { backends } from "../helpers/database.ts";
import { useTestApi, type TestApi } from "../helpers/app.ts";

const fields = (res: { body: any }) => (res.body.error.details as { field: string }[]).map((d) => d.field);

function expect400(res: { status: number; body: any }, field: string) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("invalid_request");
  expect(fields(res)).toContain(field);
}

/** JSON text with `"@@"` replaced by a raw JSON string escape (e.g. a lone surrogate). */
const withRaw = (value: unknown, raw: string) => JSON.stringify(value).replaceAll('"@@"', `"${raw}"`).replaceAll("@@", raw);

/** Everything stored that a request could change. */
async function snapshot(api: TestApi) {
  const list = (await api.call("GET", "/api/v1/benchmarks")).body;
  const history = await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/submissions");
  return { list, history: history.body };
}

const benchmarkBody = (over: Record<string, unknown> = {}, task: Record<string, unknown> = {}) => ({
  slug: "new",
  name: "New",
  description: "d",
  tasks: [{ slug: "a", name: "A", metric: "acc", group: "g", ...task }],
  ...over,
});
const submission = (system: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  system: { slug: "bert", name: "BERT", url: "https://example.org/bert", metadata: { k: "v" }, ...system },
  scores: { cola: 1 },
  metadata: { k: "v" },
  ...extra,
});

/** Every text field of every JSON body, as [route, body with "@@" in that field, expected field]. */
const TEXT_FIELDS: [string, unknown, string][] = [
  ["/api/v1/benchmarks", benchmarkBody({ slug: "@@" }), "slug"],
  ["/api/v1/benchmarks", benchmarkBody({ name: "x@@" }), "name"],
  ["/api/v1/benchmarks", benchmarkBody({ description: "x@@" }), "description"],
  ["/api/v1/benchmarks", benchmarkBody({}, { slug: "@@" }), "tasks[0].slug"],
  ["/api/v1/benchmarks", benchmarkBody({}, { name: "x@@" }), "tasks[0].name"],
  ["/api/v1/benchmarks", benchmarkBody({}, { metric: "x@@" }), "tasks[0].metric"],
  ["/api/v1/benchmarks", benchmarkBody({}, { group: "x@@" }), "tasks[0].group"],
  ["/api/v1/benchmarks/glue/submissions", submission({ slug: "@@" }), "system.slug"],
  ["/api/v1/benchmarks/glue/submissions", submission({ name: "x@@" }), "system.name"],
  ["/api/v1/benchmarks/glue/submissions", submission({ url: "https://example.org/@@" }), "system.url"],
  ["/api/v1/benchmarks/glue/submissions", submission({ metadata: { k: "x@@" } }), "system.metadata.k"],
  ["/api/v1/benchmarks/glue/submissions", submission({}, { metadata: { list: ["ok", "x@@"] } }), "metadata.list[1]"],
  ["/api/v1/benchmarks/glue/submissions", submission({}, { metadata: { "k@@": 1 } }), "metadata"],
  ["/api/v1/benchmarks/glue/submissions", submission({}, { scores: { "cola@@": 1 } }), "scores"],
  ["/api/v1/benchmarks/glue/submissions", { submissions: [submission({ name: "x@@" })] }, "submissions[0].system.name"],
  ["/api/v1/rank", { systems: [{ slug: "@@", scores: { x: 1 } }] }, "systems[0].slug"],
  ["/api/v1/rank", { systems: [{ slug: "a", scores: { "x@@": 1 } }] }, "systems[0].scores"],
  ["/api/v1/rank", { systems: [{ slug: "a", scores: { x: 1 } }], tasks: [{ slug: "x@@" }] }, "tasks[0].slug"],
  ["/api/v1/rank", { systems: [{ slug: "a", scores: { x: 1 } }], methods: ["mean@@"] }, "methods[0]"],
];

describe.each(backends())("request validation on %s", (kind) => {
  const api = useTestApi(kind);
  const seed = async () => {
    await api.createBenchmark("glue");
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: submission() })).status).toBe(201);
    return snapshot(api);
  };

  it(`nesting deeper than ${MAX_JSON_DEPTH} levels anywhere in a body is a 400 naming the field`, async () => {
    const before = await seed();
    const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
    const deepArray = (n: number) => "[".repeat(n) + "]".repeat(n);
    const submit = (raw: string) => api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: raw });
    let res = await submit(`{"system":{"slug":"bert"},"scores":{"cola":1},"metadata":{"x":${deepObject(10_000)}}}`);
    expect400(res, `metadata.x${".a".repeat(MAX_JSON_DEPTH - 2)}`);
    expect(res.body.error.details[0].message).toMatch(/nested too deeply/);
    expect400(await submit(`{"system":{"slug":"bert","metadata":{"x":${deepArray(100_000)}}},"scores":{"cola":1}}`), `system.metadata.x${"[0]".repeat(MAX_JSON_DEPTH - 3)}`);
    expect((await submit(deepArray(300_000))).status).toBe(400);
    expect((await api.call("POST", "/api/v1/benchmarks", { body: `{"slug":"x","name":"X","tasks":${deepArray(50_000)}}` })).status).toBe(400);
    expect((await api.call("POST", "/api/v1/rank", { body: `{"systems":[{"slug":"a","scores":${deepObject(50_000)}}]}` })).status).toBe(400);
    expect(await snapshot(api)).toEqual(before);
    // The limit itself is fine: metadata nested to the last allowed level is stored.
    const ok = await submit(`{"system":{"slug":"bert"},"scores":{"cola":2},"metadata":${deepObject(MAX_JSON_DEPTH - 1)}}`);
    expect(ok.status).toBe(201);
  });

  it("a __proto__ key anywhere is a 400 naming it (zod records would drop it silently)", async () => {
    const before = await seed();
    const cases: [string, string, string][] = [
      ["/api/v1/benchmarks/glue/submissions", '{"system":{"slug":"bert"},"scores":{"cola":1,"__proto__":5}}', "scores.__proto__"],
      ["/api/v1/benchmarks/glue/submissions", '{"system":{"slug":"bert"},"scores":{"__proto__":{"cola":1}}}', "scores.__proto__"],
      ["/api/v1/benchmarks/glue/submissions", '{"system":{"slug":"bert"},"scores":{"cola":1},"metadata":{"__proto__":{"admin":true}}}', "metadata.__proto__"],
      ["/api/v1/benchmarks/glue/submissions", '{"__proto__":{"system":{"slug":"bert"}},"system":{"slug":"bert"},"scores":{"cola":1}}', "__proto__"],
      ["/api/v1/benchmarks", '{"slug":"x","name":"X","tasks":[{"slug":"a","__proto__":{"weight":-1}}]}', "tasks[0].__proto__"],
      ["/api/v1/rank", '{"systems":[{"slug":"a","scores":{"__proto__":1,"x":1}}]}', "systems[0].scores.__proto__"],
    ];
    for (const [path, raw, field] of cases) expect400(await api.call("POST", path, { body: raw }), field);
    expect(await snapshot(api)).toEqual(before);
    // constructor/prototype are ordinary (unknown) task names.
    expect400(await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "bert" }, scores: { constructor: 1 } } }), "scores.constructor");
  });

  for (const [label, raw] of [
    ["a lone high surrogate", "\\ud800"],
    ["a lone low surrogate", "\\udfff"],
    ["a NUL character", "\\u0000"],
  ] as const)
    it(`${label} in any text field is a 400 naming the field`, async () => {
      const before = await seed();
      for (const [path, body, field] of TEXT_FIELDS) {
        const res = await api.call("POST", path, { body: withRaw(body, raw) });
        expect400(res, field);
      }
      expect(await snapshot(api)).toEqual(before);
      // A paired surrogate (an emoji) is ordinary text.
      const emoji = await api.call("POST", "/api/v1/benchmarks", { body: withRaw(benchmarkBody({ name: "x@@", description: "@@" }), "\\ud83d\\ude00") });
      expect(emoji.status).toBe(201);
      expect(emoji.body.name).toBe("x😀");
    });

  it("system URLs must be absolute http(s) URLs", async () => {
    const before = await seed();
    for (const url of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      " javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "//evil.example/x",
      "/relative",
      "https://",
      "https:/x",
      "http://exa mple.org",
      "https://example.org/\nx",
      "ftp://example.org/x",
      `https://example.org/${"x".repeat(2000)}`,
    ]) {
      expect400(await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: submission({ url }) }), "system.url");
      expect400(await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { submissions: [submission({ slug: "x", url })] } }), "submissions[0].system.url");
    }
    expect(await snapshot(api)).toEqual(before);
    for (const url of ["https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG", "http://127.0.0.1:8080/x"]) {
      const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: submission({ url }) });
      expect(res.status).toBe(201);
    }
    const lb = await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean");
    expect(lb.body.systems[0].url).toBe("http://127.0.0.1:8080/x");
  });

  it("a body with both `submissions` and a single submission is ambiguous: 400, nothing stored", async () => {
    const before = await seed();
    const bulk = [submission({ slug: "other" })];
    for (const [extra, field] of [
      [{ system: { slug: "bert" }, scores: { cola: 1 } }, "system"],
      [{ scores: { cola: 1 } }, "scores"],
      [{ metadata: {} }, "metadata"],
    ] as const) {
      const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { submissions: bulk, ...extra } });
      expect400(res, field);
      expect(res.body.error.details[0].message).toMatch(/ambiguous/);
    }
    expect(await snapshot(api)).toEqual(before);
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { submissions: bulk } })).status).toBe(201);
  });
});

describe("PODIUM_PUBLIC_URL", () => {
  it("is an absolute http(s) base URL; the trailing slash is dropped", () => {
    expect(parseConfig({}).publicUrl).toBeUndefined();
    expect(parseConfig({ PODIUM_PUBLIC_URL: "" }).publicUrl).toBeUndefined();
    expect(parseConfig({ PODIUM_PUBLIC_URL: "https://podium.example.org/" }).publicUrl).toBe("https://podium.example.org");
    expect(parseConfig({ PODIUM_PUBLIC_URL: "https://example.org:8443/podium" }).publicUrl).toBe("https://example.org:8443/podium");
    for (const bad of ["podium.example.org", "javascript:alert(1)", "ftp://example.org", "https://example.org/?q=1", "https://example.org/#x", "https://u:p@example.org", "https://exa mple.org"])
      expect(() => parseConfig({ PODIUM_PUBLIC_URL: bad }), bad).toThrow(ConfigError);
    expect(() => parseConfig({ PODIUM_PUBLIC_URL: "nope" })).toThrow(/PODIUM_PUBLIC_URL/);
  });
});

async function seedPage(api: TestApi) {
  await api.createBenchmark("glue");
  expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "bert" }, scores: { cola: 1 } } })).status).toBe(201);
}

describe.each(backends())("badge snippets with PODIUM_PUBLIC_URL on %s", (kind) => {
  const api = useTestApi(kind, { publicUrl: "https://podium.example.org" });

  it("use the public URL whatever the Host", async () => {
    await seedPage(api);
    const html = await (await api.app.request("http://internal:3000/benchmarks/glue/systems/bert?method=mean", { headers: { host: "evil.example" } })).text();
    expect(html).toContain("(https://podium.example.org/api/v1/benchmarks/glue/systems/bert/badge.svg?method=mean)](https://podium.example.org/benchmarks/glue/systems/bert)");
    expect(html).not.toContain("internal:3000");
    expect(html).not.toContain("evil.example");
  });
});

describe.each(backends())("badge snippets without PODIUM_PUBLIC_URL on %s", (kind) => {
  const api = useTestApi(kind);

  it("use the request's origin when its host is a plain host[:port], root-relative URLs otherwise", async () => {
    await seedPage(api);
    const page = async (url: string) => (await api.app.request(url)).text();
    expect(await page("http://podium.test:8080/benchmarks/glue/systems/bert?method=mean")).toContain("(http://podium.test:8080/api/v1/benchmarks/glue/systems/bert/badge.svg?method=mean)");
    expect(await page("http://[::1]:8080/benchmarks/glue/systems/bert?method=mean")).toContain("(http://[::1]:8080/api/v1/benchmarks/glue/");
    const odd = await page("http://evil_host.example/benchmarks/glue/systems/bert?method=mean");
    expect(odd).not.toContain("evil_host");
    expect(odd).toContain("[![GLUE rank](/api/v1/benchmarks/glue/systems/bert/badge.svg?method=mean)](/benchmarks/glue/systems/bert)");
  });
});
