/** Server-rendered pages and /docs, in process: content, method selector, 404s, escaping. */
import { describe, expect, it } from "vitest";
import { TASK_METHODS } from "../../ranking/index.ts";
import { useTestApi } from "../helpers/app.ts";
import { backends } from "../helpers/database.ts";

const HOSTILE = `<img src=x onerror="window.__pwned=1">&"'<script>window.__pwned=2</script>`;

/** Text of an HTML fragment: tags dropped, the entities hono/jsx emits decoded. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Rows of the leaderboard table: slug and the text of every cell. */
function tableRows(html: string): { slug: string; cells: string[] }[] {
  return [...html.matchAll(/<tr data-system="([^"]*)">(.*?)<\/tr>/gs)].map((m) => ({
    slug: m[1],
    cells: [...m[2].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => text(c[1])),
  }));
}

const methodHeaders = (html: string) => [...html.matchAll(/<th [^>]*data-method="([^"]*)"/g)].map((m) => m[1]);
const leadingInt = (cell: string) => Number(/^\d+/.exec(cell)?.[0]);

describe.each(backends())("pages on %s", (kind) => {
  const api = useTestApi(kind);

  async function page(path: string) {
    const res = await api.app.request(`http://podium.test${path}`);
    return { status: res.status, type: res.headers.get("content-type") ?? "", html: await res.text() };
  }

  async function seed(slug = "glue", name = "GLUE") {
    await api.call("POST", "/api/v1/benchmarks", {
      body: { slug, name, description: "General <i>Language</i>", tasks: [{ slug: "cola", name: "CoLA" }, { slug: "sst2", name: "SST-2" }, { slug: "err", name: "Error", higherIsBetter: false }] },
    });
    const res = await api.call("POST", `/api/v1/benchmarks/${slug}/submissions`, {
      body: {
        submissions: [
          { system: { slug: "alpha", name: "Alpha" }, scores: { cola: 90, sst2: 10, err: 5 } },
          { system: { slug: "beta", name: "Beta" }, scores: { cola: 60, sst2: 70, err: 4 } },
          { system: { slug: "gamma", name: "Gamma" }, scores: { cola: 55, sst2: 65, err: 3 } },
          { system: { slug: "evil", name: HOSTILE }, scores: { cola: 50, sst2: 20 } },
        ],
      },
    });
    expect(res.status).toBe(201);
  }

  it("home lists benchmarks with escaped names and links to the docs", async () => {
    const empty = await page("/");
    expect(empty.status).toBe(200);
    expect(empty.type).toMatch(/^text\/html/);
    expect(empty.html).toContain("No benchmarks yet");
    await seed("glue", HOSTILE);
    const { html } = await page("/");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('href="/benchmarks/glue"');
    expect(html).toContain('href="/docs"');
    expect(html).toContain('href="/openapi.json"');
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<script|<img|<i>/i);
    expect(text(html)).toContain(HOSTILE);
    expect(text(html)).toContain("General <i>Language</i>");
    expect(text(html)).toContain("4 systems · 3 tasks");
  });

  it("the leaderboard page has every system, a rank column per method, scores and coverage", async () => {
    await seed();
    const { status, html } = await page("/benchmarks/glue");
    expect(status).toBe(200);
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard")).body;
    expect(methodHeaders(html)).toEqual([...TASK_METHODS]);
    const rows = tableRows(html);
    expect(rows.map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    for (const row of rows) {
      const sys = json.systems.find((s: any) => s.slug === row.slug);
      expect(row.cells[0]).toBe(sys.name + sys.slug);
      TASK_METHODS.forEach((m, i) => expect(leadingInt(row.cells[2 + i]), `${row.slug} ${m}`).toBe(sys.results[m].rank));
    }
    const evil = rows.find((r) => r.slug === "evil")!;
    expect(evil.cells[1]).toBe("2/3");
    expect(evil.cells.slice(2 + TASK_METHODS.length, 5 + TASK_METHODS.length)).toEqual(["50", "20", "—"]);
    expect(html).toContain("Error ↓");
    // one slope line per system, the tau matrix, the badge snippets with the request's origin
    expect(html.match(/<polyline data-system=/g)).toHaveLength(4);
    expect(html).toContain("Kendall τ-b");
    expect(html).toContain("[![GLUE rank](http://podium.test/api/v1/benchmarks/glue/systems/beta/badge.svg?method=mean)](http://podium.test/benchmarks/glue)");
    expect(html).toMatch(/Kemeny: (proven optimal|best order found)/);
    expect(html).not.toMatch(/<script/i);
  });

  it("marks social-choice ranks that differ from the mean's with an arrow and a title", async () => {
    await seed();
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda")).body;
    const { html } = await page("/benchmarks/glue?methods=mean,borda");
    const moved = json.systems.filter((s: any) => s.results.mean.rank !== s.results.borda.rank);
    expect(moved.length).toBeGreaterThan(0);
    for (const s of moved) {
      const delta = s.results.mean.rank - s.results.borda.rank;
      const cell = tableRows(html).find((r) => r.slug === s.slug)!.cells[3];
      expect(cell).toBe(`${s.results.borda.rank}${delta > 0 ? "▲" : "▼"}${Math.abs(delta)}`);
      expect(html).toContain(`than under mean (#${s.results.mean.rank})`);
    }
  });

  it("selects and orders methods through the query string", async () => {
    await seed();
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=borda")).body;
    const { html } = await page("/benchmarks/glue?methods=mean,borda,nonsense&sort=borda");
    expect(methodHeaders(html)).toEqual(["mean", "borda"]);
    expect(tableRows(html).map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    expect(html).toContain('<input type="checkbox" name="methods" value="borda" checked=""/>');
    expect(html).toContain('<input type="checkbox" name="methods" value="copeland"/>');
    expect(html).toContain('<option value="borda" selected="">');
    expect(html).toContain("Ignored unknown method(s): nonsense.");
    expect(html).toContain("badge.svg?method=borda");
    // what the <form method=get> sends: repeated params; a sort method not selected is added
    const form = await page("/benchmarks/glue?methods=copeland&methods=mean&sort=kemeny");
    expect(methodHeaders(form.html)).toEqual(["copeland", "mean", "kemeny"]);
    expect(form.html).toContain('<form class="methods" method="get">');
  });

  it("shows an undefined Kendall tau as —", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "tie", name: "Tie", tasks: [{ slug: "x" }, { slug: "y" }] } });
    await api.call("POST", "/api/v1/benchmarks/tie/submissions", {
      body: { submissions: [{ system: { slug: "a" }, scores: { x: 1, y: 2 } }, { system: { slug: "b" }, scores: { x: 2, y: 1 } }] },
    });
    const json = (await api.call("GET", "/api/v1/benchmarks/tie/leaderboard?methods=mean,borda")).body;
    expect(json.agreement.kendallTau.mean.borda).toBeNull();
    const { html } = await page("/benchmarks/tie?methods=mean,borda");
    const tau = /<table class="tau">(.*?)<\/table>/s.exec(html)![1];
    expect([...tau.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1])).toEqual(["1.000", "—", "—", "1.000"]);
  });

  it("escapes hostile names in the table, the chart and the snippets", async () => {
    await seed("x", `GLUE ${HOSTILE}`);
    const { html } = await page("/benchmarks/x?methods=mean,borda,kemeny");
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<script|<img/i);
    const svg = /<svg class="slope".*?<\/svg>/s.exec(html)![0];
    expect(svg).toContain("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;");
    expect(text(svg)).toContain(`${HOSTILE}: mean #`);
    expect(text(html)).toContain(`GLUE ${HOSTILE} · Podium`);
    // Markdown link text: brackets escaped so a name cannot close it
    await seed("y", "a](http://evil)[b");
    expect((await page("/benchmarks/y")).html).toContain("[![a\\](http://evil)\\[b rank]");
  });

  it("draws the top 40 systems in the chart unless chart=all", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "big", name: "Big", tasks: [{ slug: "x" }, { slug: "y" }] } });
    const submissions = Array.from({ length: 45 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { x: i, y: (i * 7) % 45 } }));
    await api.call("POST", "/api/v1/benchmarks/big/submissions", { body: { submissions } });
    const top = await page("/benchmarks/big?methods=mean,borda");
    expect(tableRows(top.html)).toHaveLength(45);
    expect(top.html.match(/<polyline data-system=/g)).toHaveLength(40);
    expect(top.html).toContain("The top 40 of 45 systems by mean.");
    expect(top.html).toContain('href="?methods=mean%2Cborda&amp;sort=mean&amp;chart=all#slope"');
    const all = await page("/benchmarks/big?methods=mean,borda&chart=all");
    expect(all.html.match(/<polyline data-system=/g)).toHaveLength(45);
  });

  it("answers 404 in HTML for an unknown benchmark or a bad slug", async () => {
    for (const path of ["/benchmarks/nope", "/benchmarks/Not%20A%20Slug", `/benchmarks/${encodeURIComponent(HOSTILE)}`]) {
      const res = await page(path);
      expect(res.status, path).toBe(404);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.html).toContain("Not found");
      expect(res.html).not.toMatch(/<script|<img/i);
    }
    // API paths keep the JSON envelope
    const api404 = await api.call("GET", "/api/v1/nope");
    expect(api404.body.error.code).toBe("not_found");
  });

  it("keeps pages out of the OpenAPI document", async () => {
    const doc = (await api.call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toContain("/api/v1/benchmarks/{slug}/leaderboard");
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith("/api/") && p !== "/healthz" && p !== "/readyz" && p !== "/metrics")).toEqual([]);
  });
});

describe("/docs", () => {
  const api = useTestApi("pglite");

  it("serves the API reference with its script from Podium itself (no CDN, no remote fonts)", async () => {
    const res = await api.app.request("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script src="/docs/assets/scalar.js"></script>');
    expect(html).toContain('"url": "/openapi.json"');
    expect(html).toContain('"withDefaultFonts": false');
    const srcs = [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*(?:src|href)="([^"]*)"/gi)].map((m) => m[1]);
    expect(srcs.length).toBeGreaterThan(0);
    for (const src of srcs) expect(src, src).not.toMatch(/^(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
  });

  it("serves the script with a long cache lifetime", async () => {
    const res = await api.app.request("/docs/assets/scalar.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d{6,}/);
    const js = await res.text();
    expect(js.length).toBeGreaterThan(100_000);
    expect(js).toContain("createApiReference");
  });
});
