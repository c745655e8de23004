import { describe, expect, it } from "vitest";
import { TASK_METHODS } from "../../ranking/index.ts";
import { rankColor } from "../../service/badges.ts";
import { useTestApi, type TestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";

/**
 * A small XML well-formedness check (enough for badge-maker's output): tags balance, attributes
 * are quoted, and text/attribute values contain no raw `<` and only known entities.
 * Returns the decoded text content.
 */
function checkXml(xml: string): string {
  const stack: string[] = [];
  let text = "";
  const entity = /&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkChars = (s: string, where: string) => {
    if (s.includes("<")) throw new Error(`raw < in ${where}: ${s}`);
    if (s.replace(entity, "").includes("&")) throw new Error(`bare & in ${where}: ${s}`);
  };
  const decode = (s: string) => s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&amp;", "&");
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < xml.length && (m = re.exec(xml))) {
    pos = re.lastIndex;
    const [, close, name, attrs, selfClose, chars] = m;
    if (chars !== undefined) {
      checkChars(chars, "text");
      text += decode(chars);
      continue;
    }
    for (const [, value] of attrs.matchAll(/="([^"]*)"/g)) checkChars(value, `attribute of <${name}>`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else if (!selfClose) stack.push(name);
  }
  if (pos !== xml.length) throw new Error(`not well-formed at ${pos}: ${xml.slice(pos, pos + 40)}`);
  if (stack.length) throw new Error(`unclosed <${stack.join("> <")}>`);
  return text;
}

async function seed(api: TestApi, name = "Toy") {
  const created = await api.call("POST", "/api/v1/benchmarks", { body: { slug: "toy", name, tasks: [{ slug: "x" }, { slug: "y", higherIsBetter: false }] } });
  expect(created.status).toBe(201);
  // 10 systems s0..s9: s0 best on x, mixed on y so methods disagree a little
  const submissions = Array.from({ length: 10 }, (_, i) => ({
    system: { slug: `s${i}`, name: i === 3 ? `<script>alert(1)</script> & co` : `System ${i}` },
    scores: { x: 100 - i * 3, y: (i * 7) % 10 },
  }));
  expect((await api.call("POST", "/api/v1/benchmarks/toy/submissions", { body: { submissions } })).status).toBe(201);
}

const BADGE = "/api/v1/benchmarks/toy/systems";

describe.each(backends())("badges on %s", (kind) => {
  const api = useTestApi(kind);

  describe("happy", () => {
    it("SVG is well-formed and carries the leaderboard rank for every method", async () => {
      await seed(api);
      const lb = await api.call("GET", "/api/v1/benchmarks/toy/leaderboard", { token: null });
      for (const method of TASK_METHODS)
        for (const system of ["s0", "s3", "s9"]) {
          const res = await api.call("GET", `${BADGE}/${system}/badge.svg?method=${method}`, { token: null });
          expect(res.status).toBe(200);
          expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
          expect(res.body).toMatch(/^<svg[\s>]/);
          const text = checkXml(res.body);
          const rank = lb.body.systems.find((s: { slug: string }) => s.slug === system).results[method].rank;
          expect(text, `${system} ${method}`).toContain(`#${rank} of 10`);
          expect(text).toContain(`Toy · ${method}`);
        }
    });

    it("defaults to borda; badge.json has exactly the shields endpoint keys", async () => {
      await seed(api);
      const lb = await api.call("GET", "/api/v1/benchmarks/toy/leaderboard?methods=borda", { token: null });
      const rank = lb.body.systems.find((s: { slug: string }) => s.slug === "s1").results.borda.rank;
      const res = await api.call("GET", `${BADGE}/s1/badge.json`, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(["color", "label", "message", "schemaVersion"]);
      expect(res.body).toEqual({ schemaVersion: 1, label: "Toy · borda", message: `#${rank} of 10`, color: rankColor(rank, 10) });
      const svg = await api.call("GET", `${BADGE}/s1/badge.svg`, { token: null });
      expect(checkXml(svg.body)).toContain(`Toy · borda: #${rank} of 10`);
    });

    it("colours by percentile", () => {
      expect([1, 2, 3, 5, 6, 8, 9, 10].map((k) => rankColor(k, 10))).toEqual(["brightgreen", "green", "yellowgreen", "yellowgreen", "yellow", "orange", "orange", "orange"]);
      expect(rankColor(1, 1)).toBe("brightgreen");
      expect(rankColor(10, 105)).toBe("brightgreen");
      expect(rankColor(11, 105)).toBe("green");
      expect(rankColor(105, 105)).toBe("orange");
    });

    it("escapes a hostile benchmark name in the SVG", async () => {
      await seed(api, "<script>&x");
      const res = await api.call("GET", `${BADGE}/s0/badge.svg?method=mean`, { token: null });
      expect(res.status).toBe(200);
      expect(res.body).not.toMatch(/<script/i);
      expect(res.body).toContain("&lt;script&gt;&amp;x");
      expect(checkXml(res.body)).toContain("<script>&x · mean: #1 of 10");
      const json = await api.call("GET", `${BADGE}/s0/badge.json?method=mean`, { token: null });
      expect(json.body.label).toBe("<script>&x · mean");
    });

    it("caches for GitHub's image proxy: short max-age, ETag, 304; new rank after a submission", async () => {
      await seed(api);
      const res = await api.call("GET", `${BADGE}/s9/badge.svg?method=mean`, { token: null });
      expect(res.headers.get("cache-control")).toBe("public, max-age=300, s-maxage=300");
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(/^"badge-/);
      const again = await api.call("GET", `${BADGE}/s9/badge.svg?method=mean`, { token: null, headers: { "if-none-match": `W/${etag}` } });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      // other format and other system: other validators
      const json = await api.call("GET", `${BADGE}/s9/badge.json?method=mean`, { token: null });
      const other = await api.call("GET", `${BADGE}/s8/badge.svg?method=mean`, { token: null });
      expect(new Set([etag, json.headers.get("etag"), other.headers.get("etag")]).size).toBe(3);

      await api.call("POST", "/api/v1/benchmarks/toy/submissions", { body: { system: { slug: "s9" }, scores: { x: 1000, y: -5 } } });
      const after = await api.call("GET", `${BADGE}/s9/badge.svg?method=mean`, { token: null, headers: { "if-none-match": etag } });
      expect(after.status).toBe(200);
      expect(after.headers.get("etag")).not.toBe(etag);
      expect(checkXml(after.body)).toContain("#1 of 10");
    });
  });

  describe("errors", () => {
    it.each([
      ["unknown benchmark", "/api/v1/benchmarks/nope/systems/s0"],
      ["unknown system", `${BADGE}/nobody`],
      ["invalid slug", `${BADGE}/NOT_A_SLUG!`],
    ])("%s: 404 error badge with a short TTL", async (_what, base) => {
      await seed(api);
      const svg = await api.call("GET", `${base}/badge.svg`, { token: null });
      expect(svg.status).toBe(404);
      expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
      expect(svg.headers.get("cache-control")).toBe("public, max-age=60");
      expect(svg.headers.get("etag")).toBeNull();
      expect(checkXml(svg.body)).toContain("not found");
      const json = await api.call("GET", `${base}/badge.json`, { token: null });
      expect(json.status).toBe(404);
      expect(json.headers.get("cache-control")).toBe("public, max-age=60");
      expect(json.body).toMatchObject({ schemaVersion: 1, message: "not found", isError: true });
      // shields keys for shields.io, plus Podium's error envelope like every non-2xx JSON reply
      expect(Object.keys(json.body).sort()).toEqual(["color", "error", "isError", "label", "message", "schemaVersion"]);
      expect(json.body.error).toMatchObject({ code: "not_found", message: expect.stringContaining("not found") });
    });

    it("unknown method: 400 error badge", async () => {
      await seed(api);
      const svg = await api.call("GET", `${BADGE}/s0/badge.svg?method=vibes`, { token: null });
      expect(svg.status).toBe(400);
      expect(svg.headers.get("cache-control")).toBe("public, max-age=60");
      checkXml(svg.body);
      const json = await api.call("GET", `${BADGE}/s0/badge.json?method=vibes`, { token: null });
      expect(json.status).toBe(400);
      expect(json.body).toMatchObject({ schemaVersion: 1, isError: true, color: "red", error: { code: "invalid_request" } });
    });
  });
});
