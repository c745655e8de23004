/**
 * Browser test: Debian's chromium (driven by playwright-core) against a real server process
 * seeded with GLUE (task level), TAC 2008 (instance level only) and a small benchmark with a
 * hostile system name. Checks what a reader sees: every system with the JSON leaderboard's
 * ranks and scores, sorting, search and the coverage filter (the page's own script under its
 * strict CSP), the system page, the instance page, the sticky header, axe-core at 1400 and 390
 * px, and that no page contacts another host. Saves screenshots under test-results/.
 * Run with `npm run test:browser` (not part of `npm test`); FAILS when chromium is missing.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, devices, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchmarkPage } from "../../api/pages/benchmark.tsx";
import { PAGE_CSP } from "../../api/pages/routes.ts";
import { TASK_METHODS } from "../../ranking/index.ts";
import type { Leaderboard } from "../../service/index.ts";
import { repoRoot } from "../helpers/examples.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { httpClient, seedGlue, seedTac, type Call, type SeededSystem } from "./seed.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const HOSTILE = `<img src=x onerror="window.__pwned=1">&"'<script>window.__pwned=2</script>`;
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const resultsDir = path.join(repoRoot, "test-results");
const WIDE = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

let server: TestServer;
let browser: Browser;
let call: Call;
let glue: SeededSystem[];
let tacSystems: string[];
/** Why setup failed: every test then fails with it (a missing chromium must not read as a skip). */
let setupError: unknown;
function ready(): void {
  if (setupError) throw setupError;
}

interface Opened {
  page: Page;
  /** Requests to any host other than the server (aborted). */
  foreign: string[];
  dialogs: string[];
  /** Console errors (CSP violations among them), except failed loads, which `failed` names. */
  errors: string[];
  /** Responses with status >= 400: "status url". */
  failed: string[];
}

/** A page that records dialogs, console errors and every request to a host other than the server (and aborts it). */
async function openPage(viewport = WIDE, javaScriptEnabled = true, bypassCSP = false, device: BrowserContextOptions = {}): Promise<Opened> {
  // bypassCSP only where axe-core is injected (an inline script the pages' CSP rightly refuses)
  const context = await browser.newContext({ viewport, javaScriptEnabled, bypassCSP, ...device });
  const page = await context.newPage();
  const foreign: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  return { page, foreign, dialogs, errors, failed };
}

/** Checks what a page did (no foreign request, no error, no failed load except `allowFailed`) and closes it. */
async function close(o: Opened, allowFailed: string[] = []): Promise<void> {
  expect(o.foreign).toEqual([]);
  expect(o.errors).toEqual([]);
  expect(o.failed.filter((f) => !allowFailed.some((a) => f.endsWith(a)))).toEqual([]);
  await o.page.context().close();
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate<{ id: string; impact: string; help: string; nodes: { target: string[] }[] }[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => ({ target: n.target })) })))",
  );
  return result.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** The visible rows of the leaderboard: slug, name, the text of every cell, and per method column its rank and score. */
async function tableRows(page: Page): Promise<{ slug: string; name: string; cells: string[]; ranks: string[]; scores: string[] }[]> {
  return page.$$eval("#lb tbody tr:not([hidden])", (trs) =>
    trs.map((tr) => ({
      slug: tr.getAttribute("data-system") ?? "",
      name: tr.querySelector("td.sys a.nm")?.textContent ?? "",
      cells: [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""),
      ranks: [...tr.querySelectorAll("td.m")].map((td) => td.querySelector(".rk")?.textContent ?? ""),
      scores: [...tr.querySelectorAll("td.m")].map((td) => td.querySelector(".sc")?.textContent ?? ""),
    })),
  );
}

const methodHeaders = (page: Page) => page.$$eval("#lb thead th[data-method]", (ths) => ths.map((th) => th.getAttribute("data-method")));

async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  mkdirSync(resultsDir, { recursive: true });
  // launch() gives every run a fresh temporary profile (user-data-dir), removed on close.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  server = await startTestServer();
  call = httpClient(server.url, server.adminToken);
  glue = (await seedGlue(call)).systems;
  tacSystems = await seedTac(call);
  await call("POST", "/api/v1/benchmarks", { slug: "demo", name: "Demo <b>bench</b>", tasks: ["cola", "sst2", "mrpc", "rte"].map((slug) => ({ slug, name: slug.toUpperCase() })) });
  const names = ["Alpha", "Beta", "Gamma", HOSTILE, "Delta & Co", "Epsilon"];
  const scores = [
    [90, 10, 80, 70],
    [60, 70, 75, 65],
    [55, 65, 85, 60],
    [50, 20, 40, 90],
    [80, 80, 30, 20],
    [70, 60, 60, null],
  ];
  await call("POST", "/api/v1/benchmarks/demo/submissions", {
    submissions: names.map((name, i) => ({
      system: { slug: i === 3 ? "evil" : name.toLowerCase().replace(/[^a-z]+/g, "-"), name },
      scores: Object.fromEntries(["cola", "sst2", "mrpc", "rte"].map((t, j) => [t, scores[i][j]]).filter(([, v]) => v !== null)),
    })),
  });
}

beforeAll(async () => {
  try {
    await setup();
  } catch (e) {
    setupError = e;
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("leaderboard page in chromium", () => {
  it("GLUE: every system with its rank and score under mean, borda and kemeny, and its task scores", async () => {
    ready();
    const json = await call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda,kemeny");
    const o = await openPage();
    const { page } = o;
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "GLUE", exact: true }).click();
    await page.waitForURL(`${server.url}/benchmarks/glue`);
    expect(await page.title()).toBe("GLUE · Podium");
    expect(await methodHeaders(page)).toEqual(["mean", "borda", "kemeny"]);
    const rows = await tableRows(page);
    expect(rows).toHaveLength(105);
    expect(rows.map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    const taskHeaders = await page.$$eval("#lb thead th[data-task]", (ths) => ths.map((th) => th.getAttribute("data-task")));
    expect(taskHeaders).toEqual(json.tasks.map((t: any) => t.slug));
    const first = await page.$$eval("#lb thead th", (ths) => ths.findIndex((th) => th.hasAttribute("data-method")));
    for (const row of rows) {
      const sys = json.systems.find((s: any) => s.slug === row.slug);
      expect(row.name).toBe(sys.name);
      expect(row.cells[first - 1]).toBe(`${sys.coverage}/14`);
      ["mean", "borda", "kemeny"].forEach((m, i) => {
        expect(Number(row.ranks[i]), `${row.slug} ${m}`).toBe(sys.results[m].rank);
        expect(row.scores[i], `${row.slug} ${m}`).toBe(m === "kemeny" ? "" : String(Number(sys.results[m].score.toFixed(3))));
      });
      const moved = sys.results.mean.rank - sys.results.borda.rank;
      expect(row.cells[first + 1], row.slug).toContain(moved > 0 ? `▲${moved}` : moved < 0 ? `▼${-moved}` : `${sys.results.borda.rank}`);
      json.tasks.forEach((t: any, j: number) => expect(Number(row.cells[first + 3 + j]), `${row.slug} ${t.slug}`).toBe(sys.scores[t.slug]));
    }
    // every seeded GLUE system name is on the page
    const names = new Set(rows.map((r) => r.name));
    for (const s of glue) expect(names.has(s.name), s.name).toBe(true);
    // the charts: the rank shift from the mean to kemeny, the coloured agreement matrix with Kemeny's share of its maximum
    expect(await page.locator("svg.shift g.mover").count()).toBeGreaterThan(0);
    expect(await page.locator("svg.shift text.head").allTextContents()).toEqual(["mean", "kemeny"]);
    const heat = await page.$$eval("table.heat tbody td", (tds) => tds.map((td) => ({ text: td.textContent, cls: td.className })));
    expect(heat).toHaveLength(9);
    expect(heat.every((c) => /^h\d+$/.test(c.cls))).toBe(true);
    expect(await page.locator("#kemeny").textContent()).toMatch(/Kemeny agreement: \d+\.\d% of its maximum/);
    await page.screenshot({ path: path.join(resultsDir, "glue.png") });
    await close(o);
  });

  it("labels of the rank-shift chart are never clipped", async () => {
    ready();
    const o = await openPage(PHONE);
    await o.page.goto(`${server.url}/benchmarks/glue`);
    const boxes = await o.page.$$eval("svg.shift", (svgs) =>
      svgs.map((svg) => {
        const vb = (svg as unknown as { viewBox: { baseVal: { width: number; height: number } } }).viewBox.baseVal;
        return {
          vb: { w: vb.width, h: vb.height },
          texts: [...svg.querySelectorAll("text")].map((t) => {
            const b = (t as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox();
            return { x: b.x, right: b.x + b.width, y: b.y, bottom: b.y + b.height };
          }),
        };
      }),
    );
    expect(boxes).toHaveLength(1);
    for (const t of boxes[0].texts) {
      expect(t.x).toBeGreaterThanOrEqual(0);
      expect(t.right).toBeLessThanOrEqual(boxes[0].vb.w);
      expect(t.bottom).toBeLessThanOrEqual(boxes[0].vb.h);
    }
    await close(o);
  });

  it("sorts by any column with the page's own script (under its CSP)", async () => {
    ready();
    const json = await call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda,kemeny");
    const o = await openPage();
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/glue`);
    const csp = (await page.context().request.get(`${server.url}/benchmarks/glue`)).headers()["content-security-policy"];
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    await page.getByRole("button", { name: "borda" }).click();
    expect(await page.locator('#lb th[data-method="borda"]').getAttribute("aria-sort")).toBe("ascending");
    const byBorda = (await tableRows(page)).map((r) => json.systems.find((s: any) => s.slug === r.slug).results.borda.rank);
    expect(byBorda).toEqual([...byBorda].sort((a, b) => a - b));
    expect(byBorda[0]).toBe(1);
    // a task column sorts best first, then reversed
    await page.getByRole("button", { name: "CoLA" }).click();
    const cola = async () => (await tableRows(page)).map((r) => json.systems.find((s: any) => s.slug === r.slug).scores.cola);
    const down = await cola();
    expect(down).toEqual([...down].sort((a, b) => b - a));
    await page.getByRole("button", { name: "CoLA" }).click();
    const up = await cola();
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(await page.locator('#lb th[data-task="cola"]').getAttribute("aria-sort")).toBe("ascending");
    // by name
    await page.getByRole("button", { name: "System" }).click();
    const names = (await tableRows(page)).map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // the keyboard reaches the sort buttons
    await page.locator('#lb th[data-method="kemeny"] button').focus();
    await page.keyboard.press("Enter");
    const byKemeny = (await tableRows(page)).map((r) => json.systems.find((s: any) => s.slug === r.slug).results.kemeny.rank);
    expect(byKemeny).toEqual(json.systems.map((_: any, i: number) => i + 1));
    await close(o);
  });

  it("searches by name and filters by coverage", async () => {
    ready();
    const json = await call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean");
    const o = await openPage();
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/glue`);
    await expect.poll(() => page.locator("#filters").isVisible()).toBe(true);
    await page.getByRole("searchbox").fill("ernie");
    const expected = json.systems.filter((s: any) => `${s.name} ${s.slug}`.toLowerCase().includes("ernie")).map((s: any) => s.slug);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(105);
    expect((await tableRows(page)).map((r) => r.slug)).toEqual(expected);
    expect(await page.locator("#count").textContent()).toBe(`${expected.length} of 105 systems`);
    await page.getByRole("searchbox").fill("");
    expect(await tableRows(page)).toHaveLength(105);

    // coverage: one demo system has 3 of 4 tasks
    await page.goto(`${server.url}/benchmarks/demo`);
    expect(await tableRows(page)).toHaveLength(6);
    await page.getByLabel("Coverage").selectOption("4");
    const complete = await tableRows(page);
    expect(complete.map((r) => r.slug).sort()).toEqual(["alpha", "beta", "delta-co", "evil", "gamma"]);
    await close(o);
  });

  it("filters and sorts by metadata columns (a page rendered from a leaderboard whose systems carry metadata)", async () => {
    ready();
    const system = (slug: string, rank: number, metadata?: Record<string, unknown>) =>
      ({ slug, name: slug.toUpperCase(), url: null, submissionId: rank, submittedAt: "2026-01-01T00:00:00.000Z", coverage: 1, scores: { x: 10 - rank }, results: { mean: { rank, score: 10 - rank } }, ...(metadata ? { metadata } : {}) }) as any;
    const lb = {
      benchmark: { slug: "meta", name: "Meta", revision: 1 },
      level: "task",
      tasks: [{ slug: "x", name: "X", metric: null, higherIsBetter: true, weight: 1, group: null }],
      methods: ["mean"],
      systems: [
        system("a", 1, { organisation: "Acme", parameters: 70, "open weights": true }),
        system("b", 2, { organisation: "Globex", parameters: 8, "open weights": false }),
        system("c", 3, { organisation: "Acme", parameters: 400, "open weights": false }),
        system("d", 4),
      ],
      agreement: { kendallTau: {}, condorcetWinner: null },
    } as unknown as Leaderboard;
    const html = (await BenchmarkPage({ leaderboard: lb, allMethods: TASK_METHODS, sort: "mean", ignored: [] })).toString();
    const o = await openPage();
    const { page } = o;
    // served from the test server's origin (so the page's own script loads from it), with the pages' CSP
    const url = `${server.url}/__rendered/meta`;
    await page.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", headers: { "content-security-policy": PAGE_CSP }, body: html }));
    await page.goto(url);
    await expect.poll(() => page.locator("#filters").isVisible()).toBe(true);
    const slugs = async () => (await tableRows(page)).map((r) => r.slug);
    await page.getByLabel("Organisation").selectOption("Acme");
    expect(await slugs()).toEqual(["a", "c"]);
    await page.getByLabel("Open weights").selectOption("no");
    expect(await slugs()).toEqual(["c"]);
    await page.getByLabel("Organisation").selectOption("");
    expect(await slugs()).toEqual(["b", "c"]);
    await page.getByLabel("Open weights").selectOption("");
    // parameters sort as numbers, largest first; systems without the key last
    await page.getByRole("button", { name: "Parameters" }).click();
    expect(await slugs()).toEqual(["c", "a", "b", "d"]);
    await page.getByRole("button", { name: "Parameters" }).click();
    expect(await slugs()).toEqual(["b", "a", "c", "d"]);
    await close(o);
  });

  it("keeps the header on screen after scrolling halfway down, and the system column when scrolling sideways", async () => {
    ready();
    for (const viewport of [WIDE, PHONE]) {
      const o = await openPage(viewport);
      const { page } = o;
      await page.goto(`${server.url}/benchmarks/glue`);
      await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)");
      const top = await page.evaluate<{ y: number; bottom: number; scrolled: number }>(
        "(() => { const r = document.querySelector('#lb thead th.sys').getBoundingClientRect(); return { y: r.top, bottom: r.bottom, scrolled: window.scrollY }; })()",
      );
      expect(top.scrolled).toBeGreaterThan(0);
      expect(top.y).toBeGreaterThanOrEqual(0);
      expect(top.bottom).toBeLessThanOrEqual(viewport.height);
      expect(top.y).toBeLessThan(5);
      // sideways: the table is wider than the window; the system column stays in view, the text above does not move
      const wide = await page.evaluate<{ doc: number; view: number }>("({ doc: document.documentElement.scrollWidth, view: document.documentElement.clientWidth })");
      expect(wide.doc).toBeGreaterThan(wide.view);
      await page.evaluate("window.scrollTo(document.documentElement.scrollWidth, window.scrollY)");
      const after = await page.evaluate<{ sx: number; sys: number; h1: number }>(
        "(() => ({ sx: window.scrollX, sys: document.querySelector('#lb tbody td.sys').getBoundingClientRect().left, h1: document.querySelector('h1').getBoundingClientRect().left }))()",
      );
      expect(after.sx).toBeGreaterThan(0);
      expect(after.sys).toBeGreaterThanOrEqual(0);
      expect(after.sys).toBeLessThan(100);
      expect(after.h1).toBeGreaterThanOrEqual(0);
      await page.screenshot({ path: path.join(resultsDir, `glue-scrolled-${viewport.width}.png`) });
      await close(o);
    }
  });

  it("on a phone (mobile emulation: the layout viewport stays one screen wide), the system column sticks when the table is panned sideways", async () => {
    ready();
    const { viewport, ...pixel } = devices["Pixel 7"];
    const o = await openPage(viewport, true, false, pixel);
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/glue`);
    const before = await page.evaluate<{ inner: number; client: number; doc: number }>(
      "({ inner: window.innerWidth, client: document.documentElement.clientWidth, doc: document.documentElement.scrollWidth })",
    );
    expect(before.inner).toBe(before.client);
    expect(before.doc).toBeGreaterThan(before.client);
    await page.evaluate("window.scrollTo(400, document.documentElement.scrollHeight / 2)");
    const after = await page.evaluate<{ sx: number; sys: number; th: number }>(
      "(() => ({ sx: window.scrollX, sys: document.querySelector('#lb tbody td.sys').getBoundingClientRect().left, th: document.querySelector('#lb thead th.sys').getBoundingClientRect().top }))()",
    );
    expect(after.sx).toBe(400);
    expect(after.sys).toBeGreaterThanOrEqual(0);
    expect(after.sys).toBeLessThan(100);
    expect(after.th).toBeGreaterThanOrEqual(0);
    expect(after.th).toBeLessThan(5);
    await page.screenshot({ path: path.join(resultsDir, "glue-pixel7.png") });
    await close(o);
  });

  it("the system page: task scores and ranks, rank under every method, history, badge snippets", async () => {
    ready();
    const json = await call("GET", "/api/v1/benchmarks/glue/leaderboard");
    const target = json.systems.find((s: any) => s.results.mean.rank === 3);
    const o = await openPage();
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/glue`);
    await page.locator(`#lb tr[data-system="${target.slug}"] a.nm`).click();
    await page.waitForURL(`${server.url}/benchmarks/glue/systems/${target.slug}`);
    expect(await page.locator("h1").textContent()).toBe(target.name);
    // rank under every method of the level
    const ranks = await page.$$eval("#ranks-table tbody tr", (trs) => trs.map((tr) => ({ m: tr.getAttribute("data-method"), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent) })));
    expect(ranks.map((r) => r.m)).toEqual(json.methods);
    for (const r of ranks) expect(r.cells[0]).toBe(`#${target.results[r.m!].rank} of ${json.systems.length}`);
    // scores per task with the task's rank
    const tasks = await page.$$eval("#tasks-table tbody tr", (trs) => trs.map((tr) => ({ t: tr.getAttribute("data-task"), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent) })));
    expect(tasks.map((t) => t.t)).toEqual(json.tasks.map((t: any) => t.slug));
    for (const t of tasks) {
      const mine = target.scores[t.t!];
      expect(Number(t.cells[0])).toBe(mine);
      const better = json.systems.filter((s: any) => s.scores[t.t!] > mine).length;
      expect(t.cells[1]).toBe(`#${better + 1} of 105`);
    }
    // history
    const history = await call("GET", `/api/v1/benchmarks/glue/systems/${target.slug}/submissions`);
    const entries = history.submissions ?? history;
    expect(await page.locator("#history-table tbody tr").count()).toBe(entries.length);
    expect(await page.locator("#history-table tbody tr").first().textContent()).toContain(`#${entries[0].id}`);
    // badge snippets with the public URL, and the badge itself from Podium
    const badge = `${server.url}/api/v1/benchmarks/glue/systems/${target.slug}/badge.svg?method=borda`;
    expect(await page.locator("#badge-markdown").textContent()).toBe(`[![GLUE rank](${badge})](${server.url}/benchmarks/glue/systems/${target.slug})`);
    expect(await page.locator("#badge-html").textContent()).toBe(`<a href="${server.url}/benchmarks/glue/systems/${target.slug}"><img src="${badge}" alt="GLUE rank"></a>`);
    await expect.poll(() => page.locator("img.badge").evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    // intervals on request
    await page.getByRole("link", { name: "Show rank intervals (bootstrap)" }).click();
    await page.waitForURL(/uncertainty=bootstrap/);
    const withIv = await call("GET", `/api/v1/benchmarks/glue/leaderboard?uncertainty=bootstrap`);
    const ivTarget = withIv.systems.find((s: any) => s.slug === target.slug);
    const meanIv = await page.locator('#ranks-table tr[data-method="mean"] td').nth(2).textContent();
    const [lo, hi] = ivTarget.results.mean.interval;
    expect(meanIv).toBe(lo === hi ? `${lo}` : `${lo}–${hi}`);
    await page.screenshot({ path: path.join(resultsDir, "system.png"), fullPage: true });
    await close(o);
  });

  it("an instance-level benchmark: TAC 2008 lists its 62 systems at the instance level, with a system page", async () => {
    ready();
    const json = await call("GET", "/api/v1/benchmarks/tac08/leaderboard?level=instance&methods=mean,borda,borda2");
    const o = await openPage();
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/tac08`);
    expect(await page.locator(".levels strong").textContent()).toBe("instance");
    expect(await methodHeaders(page)).toEqual(["mean", "borda", "borda2"]);
    const rows = await tableRows(page);
    expect(rows).toHaveLength(62);
    expect(rows.map((r) => r.slug).sort()).toEqual([...tacSystems].sort());
    expect(rows.map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    expect(await page.locator("svg.shift text.head").allTextContents()).toEqual(["mean", "borda2"]);
    const winner = json.systems.find((s: any) => s.results.borda2.rank === 1);
    expect(winner.slug).toBe("m61");
    await page.locator(`#lb tr[data-system="m61"] a.nm`).click();
    await page.waitForURL(`${server.url}/benchmarks/tac08/systems/m61?level=instance`);
    expect(await page.locator('#ranks-table tr[data-method="borda2"] td').first().textContent()).toBe("#1 of 62");
    const tacBadge = "/api/v1/benchmarks/tac08/systems/m61/badge.svg?method=borda2&level=instance";
    expect(await page.locator("#badge-markdown").textContent()).toBe(`[![TAC 2008 rank](${server.url}${tacBadge})](${server.url}/benchmarks/tac08/systems/m61?level=instance)`);
    expect(await page.locator("img.badge").getAttribute("src")).toBe(tacBadge);
    // the task level of the same benchmark has nobody, and says so
    await page.goto(`${server.url}/benchmarks/tac08?level=task`);
    expect(await page.locator("main").textContent()).toContain("No system has task-level scores yet.");
    // the winner's instance-level badge
    const badge = await (await fetch(server.url + tacBadge)).text();
    expect(badge).toContain("#1 of 62");
    await close(o);
  });

  it("zero serious or critical axe-core violations on the home, benchmark and system pages at 1400 and 390 px", async () => {
    ready();
    const paths = ["/", "/benchmarks/glue", "/benchmarks/glue?uncertainty=bootstrap", "/benchmarks/glue/systems/ernie-team-baidu-ernie", "/benchmarks/tac08", "/benchmarks/tac08/systems/m61", "/benchmarks/demo"];
    const found: string[] = [];
    for (const viewport of [WIDE, PHONE]) {
      const o = await openPage(viewport, true, true);
      for (const p of paths) {
        await o.page.goto(server.url + p);
        for (const v of await axeViolations(o.page)) found.push(`${viewport.width}px ${p}: ${v}`);
      }
      await close(o);
    }
    expect(found).toEqual([]);
  });

  it("keeps hostile names inert", async () => {
    ready();
    const o = await openPage();
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/demo?methods=mean,borda,kemeny`);
    expect(await page.title()).toBe("Demo <b>bench</b> · Podium");
    expect(await page.locator('#lb tr[data-system="evil"] a.nm').textContent()).toBe(HOSTILE);
    expect(await page.locator('#lb tr[data-system="evil"] a.nm').evaluate((a) => a.firstChild?.nodeType)).toBe(3);
    await page.goto(`${server.url}/benchmarks/demo/systems/evil`);
    expect(await page.locator("h1").textContent()).toBe(HOSTILE);
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    // Podium's own script and no other
    expect(await page.evaluate("[...document.scripts].map(s => new URL(s.src).pathname.replace(/\\.[0-9a-f]+\\.js$/, ''))")).toEqual(["/assets/podium"]);
    expect(await page.locator("img:not(.badge):not([alt=''])").count()).toBe(0);
    expect(o.dialogs).toEqual([]);
    await close(o);
  });

  it("the method selector and level switch work without JavaScript; the table is complete", async () => {
    ready();
    const o = await openPage(WIDE, false);
    const { page } = o;
    await page.goto(`${server.url}/benchmarks/demo?methods=mean,borda`);
    expect(await page.locator("#filters").isVisible()).toBe(false);
    await page.locator('input[name="methods"][value="copeland"]').check();
    await page.locator('select[name="sort"]').selectOption("borda");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/sort=borda/);
    expect(await methodHeaders(page)).toEqual(["mean", "borda", "copeland"]);
    const json = await call("GET", "/api/v1/benchmarks/demo/leaderboard?methods=borda");
    expect((await tableRows(page)).map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    await page.goto(`${server.url}/benchmarks/tac08?level=task`);
    await page.locator(".levels").getByRole("link", { name: "instance" }).click();
    expect(await tableRows(page)).toHaveLength(62);
    await close(o);
  });

  it("/docs renders the API reference from Podium's own assets under its own CSP", async () => {
    ready();
    const o = await openPage();
    const { page } = o;
    const res = await page.goto(`${server.url}/docs`);
    const csp = res!.headers()["content-security-policy"];
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/https?:/);
    await expect.poll(() => page.getByText("Podium API", { exact: false }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByText("/api/v1/benchmarks/{slug}/leaderboard", { exact: false }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(resultsDir, "docs.png") });
    await close(o);
  });
});
