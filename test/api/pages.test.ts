/**
 * Server-rendered pages, /docs and the page assets, in process: content against the JSON
 * leaderboard, method and level selection, the system page, metadata, 404s, escaping, CSP,
 * caching of assets and pages.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BenchmarkPage } from "../../api/pages/benchmark.tsx";
import { heatBin, topMovers } from "../../api/pages/charts.tsx";
import { PAGE_CSP } from "../../api/pages/routes.ts";
import { SystemPage } from "../../api/pages/system.tsx";
import { TASK_METHODS } from "../../ranking/index.ts";
import type { Leaderboard } from "../../service/index.ts";
import { ADMIN_TOKEN, useTestApi } from "../helpers/app.ts";
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

/** Rows of the leaderboard table: slug, every cell's text, and per method cell its rank, move and score. */
function tableRows(html: string): { slug: string; cells: string[]; methods: { rank: string; move: string; score: string }[] }[] {
  const body = /<table class="lb" id="lb">.*?<tbody>(.*?)<\/tbody>/s.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr data-system="([^"]*)"[^>]*>(.*?)<\/tr>/gs)].map((m) => ({
    slug: m[1],
    cells: [...m[2].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => text(c[1])),
    methods: [...m[2].matchAll(/<td class="m"[^>]*>(.*?)<\/td>/gs)].map((c) => ({
      rank: text(/<span class="rk">(.*?)<\/span>/s.exec(c[1])?.[1] ?? ""),
      move: text(/<span class="mv[^"]*"[^>]*>(.*?)<\/span>/s.exec(c[1])?.[1] ?? ""),
      score: text(/<span class="sc">(.*?)<\/span>/s.exec(c[1])?.[1] ?? ""),
    })),
  }));
}

const methodHeaders = (html: string) => [...html.matchAll(/<th [^>]*data-method="([^"]*)"/g)].map((m) => m[1]);
const taskCells = (html: string, slug: string) => {
  const row = /<tr data-system="([^"]*)"[^>]*>(.*?)<\/tr>/gs;
  for (const m of html.matchAll(row)) if (m[1] === slug) return [...m[2].matchAll(/<td class="task[^"]*"[^>]*>(.*?)<\/td>/gs)].map((c) => text(c[1]));
  return [];
};

/** Nothing a strict CSP would block: no inline script, no inline style attribute, no foreign URL. */
function expectCspClean(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/\sstyle="/i);
  expect(html).not.toMatch(/<style/i);
  const urls = [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*(?:src|href)="([^"]*)"/gi)].map((m) => m[1]);
  for (const u of urls) expect(u, u).toMatch(/^\/(?!\/)/);
}

describe.each(backends())("pages on %s", (kind) => {
  const api = useTestApi(kind);

  async function page(path: string, headers: Record<string, string> = {}) {
    const res = await api.app.request(`http://podium.test${path}`, { headers });
    return { status: res.status, type: res.headers.get("content-type") ?? "", headers: res.headers, html: await res.text() };
  }

  async function seed(slug = "glue", name = "GLUE") {
    await api.call("POST", "/api/v1/benchmarks", {
      body: { slug, name, description: "General <i>Language</i>", tasks: [{ slug: "cola", name: "CoLA" }, { slug: "sst2", name: "SST-2" }, { slug: "err", name: "Error", higherIsBetter: false }] },
    });
    const res = await api.call("POST", `/api/v1/benchmarks/${slug}/submissions`, {
      body: {
        submissions: [
          { system: { slug: "alpha", name: "Alpha", url: "https://alpha.example/model" }, scores: { cola: 90, sst2: 10, err: 5 } },
          { system: { slug: "beta", name: "Beta" }, scores: { cola: 60, sst2: 70, err: 4 } },
          { system: { slug: "gamma", name: "Gamma" }, scores: { cola: 55, sst2: 65, err: 3 } },
          { system: { slug: "evil", name: HOSTILE }, scores: { cola: 50, sst2: 20 } },
        ],
      },
    });
    expect(res.status).toBe(201);
  }

  async function uploadInstances(slug: string, system: string, csv: string) {
    const res = await api.app.request(`/api/v1/benchmarks/${slug}/systems/${system}/instances`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv" },
      body: csv,
    });
    expect(res.status).toBe(201);
  }

  it("home lists benchmarks with escaped names, links to the docs, a favicon and Podium's own assets", async () => {
    const empty = await page("/");
    expect(empty.status).toBe(200);
    expect(empty.type).toMatch(/^text\/html/);
    expect(empty.html).toContain("No benchmarks yet");
    await seed("glue", HOSTILE);
    const { html, headers } = await page("/");
    expect(headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1, minimum-scale=1"/>');
    expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="\/assets\/favicon\.[0-9a-f]{8}\.svg"\/>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/podium\.[0-9a-f]{8}\.css"\/>/);
    expect(html).toMatch(/<script src="\/assets\/podium\.[0-9a-f]{8}\.js" defer=""><\/script>/);
    expect(html).toContain('href="/benchmarks/glue"');
    expect(html).toContain('href="/docs"');
    expect(html).not.toContain(HOSTILE);
    expectCspClean(html);
    expect(text(html)).toContain(HOSTILE);
    expect(text(html)).toContain("General <i>Language</i>");
    expect(text(html)).toContain("4 systems · 3 tasks");
  });

  it("the leaderboard page: mean, borda and kemeny by default, rank and score per method, coverage, task scores", async () => {
    await seed();
    const { status, html, headers } = await page("/benchmarks/glue");
    expect(status).toBe(200);
    expect(headers.get("content-security-policy")).toBe(PAGE_CSP);
    expectCspClean(html);
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda,kemeny")).body;
    expect(methodHeaders(html)).toEqual(["mean", "borda", "kemeny"]);
    const rows = tableRows(html);
    expect(rows.map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    for (const row of rows) {
      const sys = json.systems.find((s: any) => s.slug === row.slug);
      expect(row.cells[0]).toBe(String(sys.results.mean.rank));
      expect(row.cells[1]).toBe(sys.name + (sys.slug === "alpha" ? "↗" : ""));
      expect(row.cells[2]).toBe(`${sys.coverage}/3`);
      ["mean", "borda", "kemeny"].forEach((m, i) => {
        expect(row.methods[i].rank, `${row.slug} ${m}`).toBe(String(sys.results[m].rank));
        expect(row.methods[i].score, `${row.slug} ${m}`).toBe(m === "kemeny" ? "" : String(Number(sys.results[m].score.toFixed(3))));
      });
    }
    expect(taskCells(html, "evil")).toEqual(["50", "20", "—"]);
    expect(taskCells(html, "alpha")).toEqual(["90", "10", "5"]);
    // the best score of a task is bold (lower is better on err)
    expect(html).toMatch(/<tr data-system="gamma".*?<td class="task best" data-v="3">3<\/td>/s);
    expect(html).toContain("Error ↓");
    // each row links to its system page, and to its own site when it has one
    expect(html).toContain('<a class="nm" href="/benchmarks/glue/systems/beta">Beta</a>');
    expect(html).toContain('href="https://alpha.example/model" rel="nofollow noopener"');
    // Kemeny agreement as a share of its maximum: 3 tasks, 4 + 4 + 3 systems scored -> 6 + 6 + 3 comparisons
    const share = ((json.kemeny.agreement / 15) * 100).toFixed(1);
    expect(text(html)).toContain(`Kemeny agreement: ${share}% of its maximum. The Kemeny order agrees with ${json.kemeny.agreement} of the 15 weighted pairwise task comparisons`);
    expect(html).not.toContain("<svg class=\"slope\"");
  });

  it("marks social-choice ranks that moved against the mean with an arrow", async () => {
    await seed();
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda")).body;
    const { html } = await page("/benchmarks/glue?methods=mean,borda");
    const moved = json.systems.filter((s: any) => s.results.mean.rank !== s.results.borda.rank);
    expect(moved.length).toBeGreaterThan(0);
    const rows = tableRows(html);
    for (const s of json.systems) {
      const delta = s.results.mean.rank - s.results.borda.rank;
      const cell = rows.find((r) => r.slug === s.slug)!.methods[1];
      expect(cell.move).toBe(delta > 0 ? `▲${delta}` : delta < 0 ? `▼${-delta}` : "");
      expect(rows.find((r) => r.slug === s.slug)!.methods[0].move).toBe("");
      if (delta) expect(html).toContain(`than under mean (#${s.results.mean.rank})`);
    }
  });

  it("a method that ties most systems (plurality here) shows no moves, and says why", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "flat", name: "Flat", tasks: [{ slug: "x" }, { slug: "y" }] } });
    const submissions = Array.from({ length: 8 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { x: 10 - i, y: i === 0 ? 10 : (i * 3) % 8 } }));
    await api.call("POST", "/api/v1/benchmarks/flat/submissions", { body: { submissions } });
    const json = (await api.call("GET", "/api/v1/benchmarks/flat/leaderboard?methods=mean,plurality,borda")).body;
    const tied = json.systems.filter((s: any) => s.results.plurality.rank === 2).length;
    expect(tied).toBe(7);
    const { html } = await page("/benchmarks/flat?methods=mean,plurality,borda");
    expect(text(html)).toContain(`* plurality ties 7 of 8 systems at rank 2: it hardly orders this board, so its moves against the mean are not shown.`);
    const rows = tableRows(html);
    expect(rows.every((r) => r.methods[1].move === "")).toBe(true);
    // borda still shows its moves
    const bordaMoves = json.systems.filter((s: any) => s.results.mean.rank !== s.results.borda.rank).length;
    expect(rows.filter((r) => r.methods[2].move !== "").length).toBe(bordaMoves);
    expect(html).toMatch(/data-method="plurality"[^>]*>plurality\*<\/th>/);
    expect(text((await page("/benchmarks/flat?methods=mean,borda")).html)).not.toContain("hardly orders");
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
    // what the <form method=get> sends: repeated params; a sort method not selected is added
    const form = await page("/benchmarks/glue?methods=copeland&methods=mean&sort=kemeny");
    expect(methodHeaders(form.html)).toEqual(["copeland", "mean", "kemeny"]);
    expect(form.html).toContain('<form class="options" method="get" action="/benchmarks/glue">');
    // every task-level method is offered
    for (const m of TASK_METHODS) expect(html).toContain(`name="methods" value="${m}"`);
  });

  it("draws the agreement as a heat map and shows an undefined Kendall tau as —", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "tie", name: "Tie", tasks: [{ slug: "x" }, { slug: "y" }] } });
    await api.call("POST", "/api/v1/benchmarks/tie/submissions", {
      body: { submissions: [{ system: { slug: "a" }, scores: { x: 1, y: 2 } }, { system: { slug: "b" }, scores: { x: 2, y: 1 } }] },
    });
    const json = (await api.call("GET", "/api/v1/benchmarks/tie/leaderboard?methods=mean,borda")).body;
    expect(json.agreement.kendallTau.mean.borda).toBeNull();
    const { html } = await page("/benchmarks/tie?methods=mean,borda");
    const heat = /<table class="heat">(.*?)<\/table>/s.exec(html)![1];
    expect([...heat.matchAll(/<td([^>]*)>(.*?)<\/td>/g)].map((m) => [/class="([^"]*)"/.exec(m[1])?.[1] ?? "", m[2]])).toEqual([
      ["h10", "1.00"],
      ["", "—"],
      ["", "—"],
      ["h10", "1.00"],
    ]);
    expect(html).toContain('role="region" aria-label="Agreement between methods (Kendall tau-b)"');
    expect([-1, -0.2, 0.1, 0.5, 0.79, 0.8, 0.89, 0.9, 0.949, 0.95, 0.999, 1].map(heatBin)).toEqual(["h0", "h0", "h1", "h3", "h5", "h6", "h7", "h8", "h8", "h9", "h9", "h10"]);
  });

  it("the rank-shift chart draws the systems that move most between the mean and the consensus", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "big", name: "Big", tasks: [{ slug: "x" }, { slug: "y" }, { slug: "z" }] } });
    const submissions = Array.from({ length: 40 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { x: i, y: ((i * 17) % 40) * 10, z: (i * 29) % 40 } }));
    await api.call("POST", "/api/v1/benchmarks/big/submissions", { body: { submissions } });
    const json = (await api.call("GET", "/api/v1/benchmarks/big/leaderboard?methods=mean,borda")).body;
    const { html } = await page("/benchmarks/big?methods=mean,borda");
    const drawn = [...html.matchAll(/<g class="mover" data-system="([^"]*)"/g)].map((m) => m[1]);
    const shift = (s: any) => Math.abs(s.results.mean.rank - s.results.borda.rank);
    const moving = json.systems.filter((s: any) => shift(s) > 0);
    expect(moving.length).toBeGreaterThan(15);
    expect(drawn).toHaveLength(15);
    const smallestDrawn = Math.min(...drawn.map((slug) => shift(json.systems.find((s: any) => s.slug === slug))));
    for (const s of moving) if (!drawn.includes(s.slug)) expect(shift(s)).toBeLessThanOrEqual(smallestDrawn);
    expect(topMovers(json as Leaderboard, "mean", "borda").map((m) => m.slug)).toEqual(drawn);
    // the view box holds the longest label (7.2 px a character + margins)
    const vb = /<svg class="shift"[^>]*viewBox="0 0 (\d+) (\d+)"/.exec(html)!;
    expect(Number(vb[1])).toBeGreaterThan(150 + 2 * 7.2 * "#40 s39".length);
    expect(html).toContain("Rank shift: mean → borda");
  });

  it("shows the top 500 rows unless rows=all", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "huge", name: "Huge", tasks: [{ slug: "x" }] } });
    const submissions = Array.from({ length: 502 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { x: i } }));
    await api.call("POST", "/api/v1/benchmarks/huge/submissions", { body: { submissions } });
    const top = await page("/benchmarks/huge?methods=mean");
    expect(tableRows(top.html)).toHaveLength(500);
    expect(text(top.html)).toContain("The top 500 of 502 systems by mean");
    const all = await page("/benchmarks/huge?methods=mean&rows=all");
    expect(tableRows(all.html)).toHaveLength(502);
  });

  it("beyond 3000 systems the default page leaves Kemeny out and says so; asking for it explains the 400", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "wide", name: "Wide", tasks: [{ slug: "x" }, { slug: "y" }] } });
    const submissions = Array.from({ length: 3001 }, (_, i) => ({ system: { slug: `s${i}` }, scores: { x: i % 97, y: (i * 7) % 101 } }));
    expect((await api.call("POST", "/api/v1/benchmarks/wide/submissions", { body: { submissions } })).status).toBe(201);
    const { status, html } = await page("/benchmarks/wide");
    expect(status).toBe(200);
    expect(methodHeaders(html)).toEqual(["mean", "borda"]);
    expect(text(html)).toContain("kemeny left out: it compares every pair of systems, and this benchmark has more than 3000.");
    const asked = await page("/benchmarks/wide?methods=mean,kemeny");
    expect(asked.status).toBe(400);
    expect(text(asked.html)).toContain("kemeny compare every pair of systems and take at most 3000 systems (this table has 3001)");
    expect(asked.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect((await page("/benchmarks/wide/systems/s7")).status).toBe(200);
  });

  it("with uncertainty: an interval bar per method cell and tie groups as bands", async () => {
    await seed();
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda&uncertainty=bootstrap")).body;
    const { html } = await page("/benchmarks/glue?methods=mean,borda&uncertainty=bootstrap");
    expect(html.match(/<svg class="ibar"/g)).toHaveLength(2 * json.systems.length);
    for (const s of json.systems) {
      const [lo, hi] = s.results.mean.interval;
      expect(html).toMatch(new RegExp(`<tr data-system="${s.slug}"[^>]*>.*?<span class="iv"[^>]*>${lo === hi ? lo : `${lo}–${hi}`}</span>`, "s"));
    }
    const groups: string[][] = json.tieGroups.mean;
    groups.forEach((members, g) => {
      for (const slug of members) expect(html).toMatch(new RegExp(`<tr data-system="${slug}" class="band-${g % 2}[^"]*" data-tie-group="${g + 1}"`));
    });
  });

  it("the system page: ranks under every method, scores and ranks per task, history and badge snippets", async () => {
    await seed();
    await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "beta" }, scores: { cola: 61, sst2: 71, err: 4 } } });
    const json = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard")).body;
    const beta = json.systems.find((s: any) => s.slug === "beta");
    const { status, html, headers } = await page("/benchmarks/glue/systems/beta");
    expect(status).toBe(200);
    expect(headers.get("content-security-policy")).toBe(PAGE_CSP);
    expectCspClean(html);
    const ranks = [...html.matchAll(/<tr data-method="([^"]*)">.*?<td>(.*?)<\/td>/gs)].map((m) => [m[1], text(m[2])]);
    expect(ranks).toEqual(json.methods.map((m: string) => [m, `#${beta.results[m].rank} of 4`]));
    const tasks = [...html.matchAll(/<tr data-task="([^"]*)">.*?<td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td>/gs)].map((m) => m.slice(1, 5).map(text));
    expect(tasks).toEqual([
      ["cola", "61", "#2 of 4", "90"],
      ["sst2", "71", "#1 of 4", "71"],
      ["err", "4", "#2 of 3", "3"],
    ]);
    const history = [...html.matchAll(/<tr data-submission="(\d+)">(.*?)<\/tr>/gs)].map((m) => [Number(m[1]), text(m[2])]);
    const api_history = (await api.call("GET", "/api/v1/benchmarks/glue/systems/beta/submissions")).body;
    const entries = api_history.submissions ?? api_history;
    expect(history.map((h) => h[0])).toEqual(entries.map((e: any) => e.id));
    expect(history[0][1]).toContain("on the leaderboard");
    expect(history[1][1]).toContain("superseded");
    const badge = "http://podium.test/api/v1/benchmarks/glue/systems/beta/badge.svg?method=borda";
    expect(text(/<code id="badge-markdown">(.*?)<\/code>/s.exec(html)![1])).toBe(`[![GLUE rank](${badge})](http://podium.test/benchmarks/glue/systems/beta)`);
    expect(text(/<code id="badge-html">(.*?)<\/code>/s.exec(html)![1])).toBe(`<a href="http://podium.test/benchmarks/glue/systems/beta"><img src="${badge}" alt="GLUE rank"></a>`);
    expect(html).toContain('<img class="badge" src="/api/v1/benchmarks/glue/systems/beta/badge.svg?method=borda"');
    // another badge method, and intervals on request
    expect((await page("/benchmarks/glue/systems/beta?method=kemeny")).html).toContain("badge.svg?method=kemeny");
    const iv = await page("/benchmarks/glue/systems/beta?uncertainty=bootstrap");
    const withIv = (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?uncertainty=bootstrap")).body.systems.find((s: any) => s.slug === "beta");
    const [lo, hi] = withIv.results.borda.interval;
    expect(iv.html).toMatch(new RegExp(`<tr data-method="borda">.*?<td>${lo === hi ? lo : `${lo}–${hi}`}<svg class="ibar"`, "s"));
  });

  it("pairwise evidence: a heat map on the benchmark page and the system's record on its page, as the API computes them", async () => {
    await seed();
    const evidence = (await api.call("GET", "/api/v1/benchmarks/glue/pairwise")).body;
    const board = await page("/benchmarks/glue");
    expectCspClean(board.html);
    expect(board.html).toContain('id="evidence"');
    const cells = [...board.html.matchAll(/<g class="row" data-system="([^"]*)">/g)].map((m) => m[1]);
    expect(cells).toEqual(evidence.systems);
    const separatedCells = [...board.html.matchAll(/<g class="cell separated"/g)].length;
    expect(separatedCells).toBe(evidence.separated.flat().filter(Boolean).length);

    const i = evidence.systems.indexOf("beta");
    const { html } = await page("/benchmarks/glue/systems/beta");
    expectCspClean(html);
    const rows = [...html.matchAll(/<table class="pairwise-record">.*?<tbody>(.*?)<\/tbody>/gs)][0]?.[1] ?? "";
    const record = [...rows.matchAll(/<tr[^>]*><th scope="row">(.*?)<\/th><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/gs)].map((m) => [text(m[1]), text(m[3]), text(m[4])]);
    const names: Record<string, string> = { alpha: "Alpha", beta: "Beta", gamma: "Gamma", evil: HOSTILE };
    const expected = evidence.systems
      .map((slug: string, j: number) => ({ slug, j }))
      .filter(({ j }: { j: number }) => j !== i)
      .map(({ slug, j }: { slug: string; j: number }) => [names[slug], String(evidence.n[i][j]), evidence.separated[i][j] ? "ahead" : evidence.separated[j][i] ? "behind" : "not separated"]);
    expect(record).toEqual(expected);
  });

  it("the system page: 404 for an unknown system or bad slugs, escaped hostile names, ETag and 304", async () => {
    await seed("x", `GLUE ${HOSTILE}`);
    for (const path of ["/benchmarks/x/systems/nope", "/benchmarks/nope/systems/evil", "/benchmarks/x/systems/Not%20A%20Slug", `/benchmarks/x/systems/${encodeURIComponent(HOSTILE)}`]) {
      const res = await page(path);
      expect(res.status, path).toBe(404);
      expect(res.html).toContain("Not found");
      expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
      expect(res.html).not.toMatch(/<img src=x/i);
    }
    const evil = await page("/benchmarks/x/systems/evil");
    expect(evil.status).toBe(200);
    expect(evil.html).not.toContain(HOSTILE);
    expect(text(/<h1>(.*?)<\/h1>/s.exec(evil.html)![1])).toBe(HOSTILE);
    // the HTML snippet is text to copy: the name inside it is escaped as an attribute value
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    expect(text(/<code id="badge-html">(.*?)<\/code>/s.exec(evil.html)![1])).toContain(`alt="${esc(`GLUE ${HOSTILE} rank`)}"`);
    const again = await page("/benchmarks/x/systems/evil", { "if-none-match": evil.headers.get("etag")! });
    expect(again.status).toBe(304);
    await api.call("POST", "/api/v1/benchmarks/x/submissions", { body: { system: { slug: "evil" }, scores: { cola: 1 } } });
    expect((await page("/benchmarks/x/systems/evil", { "if-none-match": evil.headers.get("etag")! })).status).toBe(200);
  });

  it("instance level: the default when a benchmark has only instance scores, with a level switch and system pages", async () => {
    await api.call("POST", "/api/v1/benchmarks", { body: { slug: "inst", name: "Inst", tasks: [{ slug: "acc" }, { slug: "f1" }] } });
    await uploadInstances("inst", "m1", "task,instance,score\nacc,a,1\nacc,b,0\nf1,a,0.5\nf1,b,0.7\n");
    await uploadInstances("inst", "m2", "task,instance,score\nacc,a,0\nacc,b,1\nf1,a,0.9\nf1,b,0.8\n");
    await uploadInstances("inst", "m3", "task,instance,score\nacc,a,0\nacc,b,0\nf1,a,0.1\n");
    const json = (await api.call("GET", "/api/v1/benchmarks/inst/leaderboard?level=instance&methods=mean,borda,borda2")).body;
    const { status, html } = await page("/benchmarks/inst");
    expect(status).toBe(200);
    expect(methodHeaders(html)).toEqual(["mean", "borda", "borda2"]);
    expect(tableRows(html).map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    expect(text(html)).toContain("3 systems · 2 tasks");
    expect(text(html)).toContain("Ordered by mean (instance level)");
    expect(html).toContain('<strong aria-current="page">instance</strong>');
    expect(html).toContain('<a class="nm" href="/benchmarks/inst/systems/m2?level=instance">m2</a>');
    expect(html).toContain("Rank shift: mean → borda2");
    // the task level exists, empty
    const task = await page("/benchmarks/inst?level=task");
    expect(task.status).toBe(200);
    expect(text(task.html)).toContain("No system has task-level scores yet.");
    // an instance-level system page
    const winner = json.systems.find((s: any) => s.results.borda2.rank === 1);
    const sys = await page(`/benchmarks/inst/systems/${winner.slug}`);
    expect(sys.status).toBe(200);
    expect(text(sys.html)).toContain(`borda2#1 of 3`);
    expect(sys.html).toContain(`badge.svg?method=borda2&amp;level=instance`);
    expect(text(sys.html)).toContain(`Upload`);
    // a benchmark without instance scores: the instance level says so
    await seed();
    const none = await page("/benchmarks/glue?level=instance");
    expect(none.status).toBe(400);
    expect(none.html).toContain("no instance-level scores");
    // instance-only methods are not offered at task level, nor task-only ones at instance level
    expect((await page("/benchmarks/inst?methods=kemeny,borda2")).html).toContain("Ignored unknown method(s): kemeny.");
  });

  it("escapes hostile names in the table, the chart and the snippets", async () => {
    await seed("x", `GLUE ${HOSTILE}`);
    const { html } = await page("/benchmarks/x?methods=mean,borda,kemeny");
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img src=x|<script>/i);
    expect(text(html)).toContain(`GLUE ${HOSTILE} · Podium`);
    expect(html).toContain('data-name="&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&amp;&quot;&#39;&lt;script&gt;window.__pwned=2&lt;/script&gt; evil"');
    // Markdown link text: brackets escaped so a name cannot close it
    await seed("y", "a](http://evil)[b");
    expect((await page("/benchmarks/y/systems/beta")).html).toContain("[![a\\](http://evil)\\[b rank]");
  });

  it("answers 404 in HTML for an unknown benchmark or a bad slug", async () => {
    for (const path of ["/benchmarks/nope", "/benchmarks/Not%20A%20Slug", `/benchmarks/${encodeURIComponent(HOSTILE)}`]) {
      const res = await page(path);
      expect(res.status, path).toBe(404);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.html).toContain("Not found");
      expect(res.html).not.toMatch(/<img src=x|<script>/i);
    }
    // API paths keep the JSON envelope
    const api404 = await api.call("GET", "/api/v1/nope");
    expect(api404.body.error.code).toBe("not_found");
  });

  it("minCoverage: kept by the form and the links when well formed, reported when not", async () => {
    await seed();
    const ok = await page("/benchmarks/glue?minCoverage=3");
    expect(ok.status).toBe(200);
    expect(ok.html).toMatch(/<input type="text" name="minCoverage"[^>]* value="3"/);
    // the policy applies: the system scored on 2 of 3 tasks is listed apart, not ranked
    expect(tableRows(ok.html).map((r) => r.slug)).not.toContain("evil");
    expect(text(ok.html)).toContain("Not ranked: below the coverage policy");
    expect(ok.html).toMatch(/href="\/api\/v1\/benchmarks\/glue\/leaderboard\?methods=mean%2Cborda%2Ckemeny&amp;minCoverage=3"/);
    for (const bad of ["abc", "1.5", "-1"]) {
      const res = await page(`/benchmarks/glue?minCoverage=${bad}`);
      expect(res.status).toBe(200);
      expect(text(res.html)).toContain(`Ignored minCoverage=${bad}: an integer number of tasks (e.g. 9) or a fraction in (0, 1] (e.g. 0.5).`);
      expect(res.html).toMatch(/<input type="text" name="minCoverage"[^>]* value=""/);
    }
    expect((await page("/benchmarks/glue/systems/beta?minCoverage=2")).status).toBe(200);
  });

  it("keeps pages out of the OpenAPI document", async () => {
    const doc = (await api.call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toContain("/api/v1/benchmarks/{slug}/leaderboard");
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith("/api/") && p !== "/healthz" && p !== "/readyz" && p !== "/metrics")).toEqual([]);
  });
});

describe("metadata on the pages (rendered from a leaderboard that carries it)", () => {
  const lb: Leaderboard = {
    benchmark: { slug: "m", name: "Meta", revision: 3 },
    level: "task",
    tasks: [{ slug: "x", name: "X", metric: null, higherIsBetter: true, weight: 1, group: null } as any],
    methods: ["mean"],
    systems: [
      { slug: "a", name: "A", url: null, submissionId: 1, submittedAt: "2026-01-01T00:00:00.000Z", coverage: 1, scores: { x: 2 }, results: { mean: { rank: 1, score: 2 } }, metadata: { organisation: "Acme", parameters: 7, "open weights": true, link: "https://a.example", nested: { no: 1 } } } as any,
      { slug: "b", name: "B", url: null, submissionId: 2, submittedAt: "2026-01-01T00:00:00.000Z", coverage: 1, scores: { x: 1 }, results: { mean: { rank: 2, score: 1 } }, metadata: { organisation: "Globex", "open weights": false } } as any,
      { slug: "c", name: "C", url: null, submissionId: 3, submittedAt: "2026-01-01T00:00:00.000Z", coverage: 1, scores: { x: 0 }, results: { mean: { rank: 3, score: 0 } } } as any,
    ],
    agreement: { kendallTau: {}, condorcetWinner: null } as any,
  };

  it("shows metadata columns (model-card keys first), filters for them, and each system's metadata", async () => {
    const html = (await BenchmarkPage({ leaderboard: lb, allMethods: TASK_METHODS, sort: "mean", ignored: [] })).toString();
    const headers = [...html.matchAll(/<th scope="col" class="meta" data-sort="(\w+)"[^>]*>(.*?)<\/th>/g)].map((m) => [m[2], m[1]]);
    expect(headers).toEqual([
      ["Organisation", "text"],
      ["Parameters", "num"],
      ["Open weights", "text"],
    ]);
    expect(html).toContain('<select data-meta="organisation"><option value="">any</option><option value="Acme">Acme</option><option value="Globex">Globex</option></select>');
    expect(html).toContain('<select data-meta="open weights"><option value="">any</option><option value="no">no</option><option value="yes">yes</option></select>');
    // one value only: no filter
    expect(html).not.toContain('data-meta="parameters"');
    expect(html).toContain(`data-meta="{&quot;organisation&quot;:&quot;Acme&quot;,&quot;parameters&quot;:&quot;7&quot;,&quot;open weights&quot;:&quot;yes&quot;}"`);
    // the metadata link is the row's website link
    expect(html).toContain('href="https://a.example" rel="nofollow noopener" aria-label="A: website"');
    expectCspClean(html);

    const sys = (await SystemPage({ leaderboard: lb, system: lb.systems[0], history: [], origin: "https://podium.example", badgeMethod: "mean" })).toString();
    const dl = /<dl class="meta">(.*?)<\/dl>/s.exec(sys)![1];
    expect([...dl.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map((m) => [m[1], text(m[2])])).toEqual([
      ["Organisation", "Acme"],
      ["Parameters", "7"],
      ["Open weights", "yes"],
      ["Link", "https://a.example"],
    ]);
    // the pairwise slot renders when given
    const withPairwise = (await SystemPage({ leaderboard: lb, system: lb.systems[0], history: [], origin: "", badgeMethod: "mean", pairwise: "PAIRWISE-RECORD" })).toString();
    expect(withPairwise).toContain('<section id="pairwise" aria-label="Pairwise record">PAIRWISE-RECORD</section>');
    expect(sys).not.toContain('id="pairwise"');
    const withEvidence = (await BenchmarkPage({ leaderboard: lb, allMethods: TASK_METHODS, sort: "mean", ignored: [], evidence: "PAIRWISE-HEATMAP" })).toString();
    expect(withEvidence).toContain('<section id="evidence" aria-label="Pairwise evidence">PAIRWISE-HEATMAP</section>');
    expect(html).not.toContain('id="evidence"');
  });

  it("lists the systems a coverage policy left unranked, and says when the Kemeny optimum is not unique (when the service provides them)", async () => {
    const withPolicy = {
      ...lb,
      incomplete: [{ slug: "z", name: "Zed", url: null, submissionId: 9, submittedAt: "2026-01-01T00:00:00.000Z", coverage: 0, scores: {} }],
      coverage: { minCoverage: { tasks: 1 }, requiredTasks: 1 },
      kemeny: { order: ["a", "b", "c"], agreement: 2, exact: true, upperBound: 2, ambiguous: true, swappable: [["b", "c"]] },
    } as unknown as Leaderboard;
    const html = (await BenchmarkPage({ leaderboard: withPolicy, allMethods: TASK_METHODS, sort: "mean", ignored: [], minCoverage: "1" })).toString();
    expect(text(html)).toContain("Not ranked: below the coverage policy1 system scored on fewer than 1 of 1 tasks.");
    expect(html).toMatch(/<tr data-system="z"><td class="l">Zed<\/td><td>0\/1<\/td><td>—<\/td><\/tr>/);
    expect(html).toMatch(/<input type="text" name="minCoverage"[^>]* value="1"/);
    expect(html).toContain("&amp;minCoverage=1");
    expect(text(html)).toContain("The optimum is not unique: 1 adjacent pair of the order can swap at no loss (B ↔ C).");
    const plain = (await BenchmarkPage({ leaderboard: lb, allMethods: TASK_METHODS, sort: "mean", ignored: [] })).toString();
    expect(plain).not.toContain("Not ranked");
    expect(plain).toMatch(/<input type="text" name="minCoverage"[^>]* value=""/);
  });

  it("uses the columns the benchmark declares when it declares them", async () => {
    const declared = { ...lb, benchmark: { ...lb.benchmark, columns: ["open weights"] } } as Leaderboard;
    const html = (await BenchmarkPage({ leaderboard: declared, allMethods: TASK_METHODS, sort: "mean", ignored: [] })).toString();
    expect([...html.matchAll(/<th scope="col" class="meta"[^>]*>(.*?)<\/th>/g)].map((m) => m[1])).toEqual(["Open weights"]);
  });
});

describe("/docs and the page assets", () => {
  const api = useTestApi("pglite");

  it("serves the API reference with its script from Podium itself, under a CSP that allows its inline script by hash", async () => {
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
    const csp = res.headers.get("content-security-policy")!;
    const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    for (const s of inline) expect(csp).toContain(`'sha256-${createHash("sha256").update(s).digest("base64")}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
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

  it("serves the stylesheet, script and favicon under content-hashed paths, immutable, with ETag and 304", async () => {
    const home = await (await api.app.request("/")).text();
    const paths = [...home.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(new Set(paths).size).toBe(3);
    const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, svg: /^image\/svg\+xml/ };
    for (const p of new Set(paths)) {
      const res = await api.app.request(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get("content-type")).toMatch(types[p.split(".").pop()!]);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const body = await res.text();
      expect(body.length).toBeGreaterThan(100);
      const hash = /\.([0-9a-f]{8})\.\w+$/.exec(p)![1];
      expect(res.headers.get("etag")).toBe(`"${hash}"`);
      expect((await api.app.request(p, { headers: { "if-none-match": `"${hash}"` } })).status).toBe(304);
    }
    const css = await (await api.app.request(paths.find((p) => p.endsWith(".css"))!)).text();
    // the sticky header works only with no overflow box around the table
    expect(css).toContain("table.lb thead th { position:sticky; top:0;");
    expect((await api.app.request("/assets/podium.00000000.js")).status).toBe(404);
    const ico = await api.app.request("/favicon.ico");
    expect(ico.status).toBe(301);
    expect(ico.headers.get("location")).toMatch(/^\/assets\/favicon\.[0-9a-f]{8}\.svg$/);
  });
});
