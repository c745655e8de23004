/**
 * Browser test: Debian's chromium (driven by playwright-core) against a real server process.
 * Opens a seeded leaderboard page, checks the table against the JSON leaderboard and the slope
 * chart, proves a hostile system name renders as inert text, checks the phone layout and that
 * /docs renders without contacting any other host. Saves screenshots under test-results/.
 * Run with `npm run test:browser` (not part of `npm test`); FAILS when chromium is missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { repoRoot } from "../helpers/examples.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const HOSTILE = `<img src=x onerror="window.__pwned=1">&"'<script>window.__pwned=2</script>`;
const METHODS = "mean,borda,copeland,kemeny";
const resultsDir = path.join(repoRoot, "test-results");

let server: TestServer;
let browser: Browser;
/** Why setup failed: every test then fails with it (a missing chromium must not read as a skip). */
let setupError: unknown;
function ready(): void {
  if (setupError) throw setupError;
}

async function api(method: string, p: string, body?: unknown) {
  const res = await fetch(server.url + p, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A page that records dialogs and every request to a host other than the server (and aborts it). */
async function openPage(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; foreign: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const foreign: string[] = [];
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  return { page, foreign, dialogs };
}

async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  mkdirSync(resultsDir, { recursive: true });
  // launch() gives every run a fresh temporary profile (user-data-dir), removed on close.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  server = await startTestServer();
  await api("POST", "/api/v1/benchmarks", {
    slug: "demo",
    name: "Demo <b>bench</b>",
    tasks: ["cola", "sst2", "mrpc", "rte"].map((slug) => ({ slug, name: slug.toUpperCase() })),
  });
  const scores = [
    [90, 10, 80, 70],
    [60, 70, 75, 65],
    [55, 65, 85, 60],
    [50, 20, 40, 90],
    [80, 80, 30, 20],
    [70, 60, 60, 50],
  ];
  const names = ["Alpha", "Beta", "Gamma", HOSTILE, "Delta & Co", "Epsilon"];
  await api("POST", "/api/v1/benchmarks/demo/submissions", {
    submissions: names.map((name, i) => ({
      system: { slug: i === 3 ? "evil" : name.toLowerCase().replace(/[^a-z]+/g, "-"), name },
      scores: { cola: scores[i][0], sst2: scores[i][1], mrpc: scores[i][2], rte: scores[i][3] },
    })),
  });
}

beforeAll(async () => {
  try {
    await setup();
  } catch (e) {
    setupError = e;
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("leaderboard page in chromium", () => {
  it("lists every system with the ranks of the JSON leaderboard, draws the chart, keeps hostile names inert", async () => {
    ready();
    const json = await api("GET", `/api/v1/benchmarks/demo/leaderboard?methods=${METHODS}`);
    const methods: string[] = json.methods;
    const { page, foreign, dialogs } = await openPage();

    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "Demo <b>bench</b>" }).click();
    await page.waitForURL(`${server.url}/benchmarks/demo`);
    await page.goto(`${server.url}/benchmarks/demo?methods=${METHODS}&sort=mean`);
    expect(await page.title()).toBe("Demo <b>bench</b> · Podium");

    const headers = await page.$$eval("table.leaderboard thead th[data-method]", (ths) => ths.map((th) => th.getAttribute("data-method")));
    expect(headers).toEqual(methods);
    const rows = await page.$$eval("table.leaderboard tbody tr", (trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll("td")];
        return { slug: tr.getAttribute("data-system"), name: cells[0].firstChild?.textContent ?? "", cells: cells.map((td) => td.textContent ?? "") };
      }),
    );
    expect(rows.map((r) => r.slug)).toEqual(json.systems.map((s: any) => s.slug));
    for (const row of rows) {
      const sys = json.systems.find((s: any) => s.slug === row.slug);
      expect(row.name).toBe(sys.name);
      expect(row.cells[1]).toBe("4/4");
      methods.forEach((m, i) => expect(Number(/^\d+/.exec(row.cells[2 + i])![0]), `${row.slug} ${m}`).toBe(sys.results[m].rank));
    }

    // the slope chart: one line per system, across every method column
    const lines = await page.$$eval("svg.slope polyline", (ps) => ps.map((p) => ({ slug: p.getAttribute("data-system"), points: p.getAttribute("points")!.split(" ").length })));
    expect(lines.map((l) => l.slug).sort()).toEqual(json.systems.map((s: any) => s.slug).sort());
    expect(lines.every((l) => l.points === methods.length)).toBe(true);
    expect(await page.locator("svg.slope text.method").allTextContents()).toEqual(methods);

    // the hostile name is text everywhere; nothing from the data ran or became an element
    expect(await page.getByText(HOSTILE).count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-system="evil"] td.name').evaluate((td) => td.firstChild?.nodeType)).toBe(3);
    // (string expressions: this file is type-checked without the DOM lib)
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(await page.evaluate("document.scripts.length")).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("svg.slope").textContent()).toContain(HOSTILE);
    expect(dialogs).toEqual([]);

    // the badge snippet is there for every system
    await page.locator('tr[data-system="beta"] details.badge summary').click();
    expect(await page.locator('tr[data-system="beta"] details.badge code').textContent()).toBe(
      `[![Demo <b>bench</b> rank](${server.url}/api/v1/benchmarks/demo/systems/beta/badge.svg?method=mean)](${server.url}/benchmarks/demo)`,
    );

    await page.screenshot({ path: path.join(resultsDir, "leaderboard.png"), fullPage: true });
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("the method selector works without JavaScript", async () => {
    ready();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/benchmarks/demo?methods=mean,borda`);
    await page.locator('input[name="methods"][value="copeland"]').check();
    await page.locator('select[name="sort"]').selectOption("borda");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/sort=borda/);
    expect(await page.$$eval("th[data-method]", (ths) => ths.map((th) => th.getAttribute("data-method")))).toEqual(["mean", "borda", "copeland"]);
    const json = await api("GET", "/api/v1/benchmarks/demo/leaderboard?methods=borda");
    expect(await page.$$eval("table.leaderboard tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-system")))).toEqual(json.systems.map((s: any) => s.slug));
    await context.close();
  });

  it("fits a phone: the page does not scroll sideways, the table does", async () => {
    ready();
    const { page, foreign } = await openPage({ width: 390, height: 844 });
    await page.goto(`${server.url}/benchmarks/demo`);
    const { doc, view } = await page.evaluate<{ doc: number; view: number }>("({ doc: document.documentElement.scrollWidth, view: window.innerWidth })");
    expect(doc).toBeLessThanOrEqual(view);
    const scroller = await page.locator("div.scroll:has(table.leaderboard)").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroller.scroll).toBeGreaterThan(scroller.client);
    await page.screenshot({ path: path.join(resultsDir, "leaderboard-phone.png"), fullPage: true });
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("/docs renders the API reference from Podium's own assets", async () => {
    ready();
    const { page, foreign } = await openPage();
    await page.goto(`${server.url}/docs`);
    await expect.poll(() => page.getByText("Podium API", { exact: false }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByText("/api/v1/benchmarks/{slug}/leaderboard", { exact: false }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(resultsDir, "docs.png") });
    expect(foreign).toEqual([]);
    await page.context().close();
  });
});
