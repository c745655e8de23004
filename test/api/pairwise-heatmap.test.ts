/**
 * The pairwise heat map component (api/pages/pairwise-heatmap.tsx) rendered from a real
 * pairwise report: CSP-safe (no style attributes, no script), accessible (role, title,
 * description, a title per cell, a table alternative), escaped names, and colours that follow
 * the win shares.
 */
import { describe, expect, it } from "vitest";
import { cellText, PairwiseHeatmap, shareColor } from "../../api/pages/pairwise-heatmap.tsx";
import { useTestApi } from "../helpers/app.ts";

describe("pairwise heat map", () => {
  const api = useTestApi("pglite");

  async function report() {
    await api.createBenchmark("hm", ["t1", "t2", "t3"]);
    const rows: Record<string, Record<string, number>> = { a: { t1: 3, t2: 3, t3: 3 }, b: { t1: 2, t2: 2, t3: 2 }, c: { t1: 1, t2: 1, t3: 4 }, d: { t3: 0 }, e: { t1: 0 } };
    const submissions = Object.entries(rows).map(([slug, scores]) => ({ system: { slug }, scores }));
    expect((await api.call("POST", "/api/v1/benchmarks/hm/submissions", { body: { submissions } })).status).toBe(201);
    const res = await api.call("GET", "/api/v1/benchmarks/hm/pairwise?delta=0.5", { token: null });
    expect(res.status).toBe(200);
    return res.body;
  }

  it("renders every cell with its fill, a title sentence, separation dots and the empty-pair hatch; no style attribute", async () => {
    const body = await report();
    const names = { a: 'Alpha <script>alert("x")</script>', b: "Beta & co" };
    const html = String(PairwiseHeatmap({ report: body, names }));
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("Alpha &lt;script&gt;");
    expect(html).toContain("Beta &amp; co");
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-labelledby="pairwise-heatmap-title pairwise-heatmap-desc"');
    expect(html).toMatch(/<title id="pairwise-heatmap-title">/);
    const k = body.systems.length;
    const cells = [...html.matchAll(/<g class="cell[^"]*" data-opponent="([^"]*)"><title>([^<]*)<\/title><rect [^>]*fill="(#[0-9a-f]{6})"/g)];
    expect(cells).toHaveLength(k * (k - 1));
    let c = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        const [, opponent, title, fill] = cells[c++];
        expect(opponent).toBe(body.systems[j]);
        expect(fill).toBe(shareColor(body.wins[i][j]));
        const name = (s: string) => (names as Record<string, string>)[s] ?? s;
        expect(title).toBe(cellText(body, i, j, name).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;"));
      }
    // a beats b on all 3 tasks: blue end, separated at delta 0.5 (1 - sqrt(ln 2 / 6) > 1/2)
    const at = (s: string) => body.systems.indexOf(s);
    expect(body.wins[at("a")][at("b")]).toBe(1);
    expect(body.separated[at("a")][at("b")]).toBe(true);
    expect(shareColor(1)).toBe("#2166ac");
    expect(shareColor(0)).toBe("#b35806");
    expect(shareColor(0.5)).toBe("#f0f0f0");
    expect(cellText(body, at("a"), at("b"), (s) => s)).toMatch(/^a vs b: wins 100% of 3 tasks \(±\d+%\), separated at delta 0\.5$/);
    expect(cellText(body, at("d"), at("e"), (s) => s)).toBe("d vs e: no tasks scored by both");
    expect((html.match(/class="cell separated"/g) ?? []).length).toBe(body.separated.flat().filter(Boolean).length);
    expect((html.match(/class="cell empty"/g) ?? []).length).toBe(body.wins.flat().filter((w: number | null, p: number) => w === null && p % (k + 1) !== 0).length);
    // the table alternative has one row per system
    expect((html.match(/<th scope="row">/g) ?? []).length).toBe(k);
  });

  it("limits the systems drawn and says so; an empty report is a sentence", async () => {
    const body = await report();
    const html = String(PairwiseHeatmap({ report: body, limit: 2, idPrefix: "pw" }));
    expect((html.match(/<g class="row"/g) ?? []).length).toBe(2);
    expect(html).toContain(`(the first 2 of ${body.systems.length})`);
    expect(html).toContain('id="pw-title"');
    const empty = String(PairwiseHeatmap({ report: { ...body, systems: [], wins: [], n: [], halfWidth: [], separated: [] } }));
    expect(empty).toContain("No systems to compare.");
  });
});
