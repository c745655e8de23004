/**
 * The pages' stylesheet, served as /assets/podium.<hash>.css (no inline styles: the pages' CSP
 * allows style-src 'self' only). A TypeScript string so the same module runs where there is no
 * file system (Workers).
 *
 * Layout of the leaderboard: the table is NOT inside an overflow box (that would make the box
 * the scroll container of the sticky header, which then never sticks). A wide table widens the
 * page; every other block (`.sheet`) is sticky at the left edge and exactly one viewport wide
 * (100cqw of <body>), so only the table moves sideways, its header sticks to the top of the
 * window and its system column to the left.
 */
export const PODIUM_CSS = `
:root { --fg:#1d232b; --muted:#555f6d; --line:#d5dbe3; --bg:#fff; --soft:#f3f5f8; --accent:#1a56b0; --up:#11692f; --down:#a8231b; --band:#f6f1e4; --hi:#e8f0fb; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); container-type:inline-size; }
main { display:block; width:max-content; min-width:100%; padding-bottom:3rem; }
.sheet { position:sticky; left:0; width:100cqw; padding-left:max(1rem, calc((100cqw - 1200px) / 2)); padding-right:max(1rem, calc((100cqw - 1200px) / 2)); }
header.site { border-bottom:1px solid var(--line); background:var(--soft); padding-top:.5rem; padding-bottom:.5rem; display:flex; gap:1rem; align-items:baseline; flex-wrap:wrap; }
header.site a.brand { font-weight:700; font-size:1.1rem; color:var(--fg); text-decoration:none; display:inline-flex; gap:.35rem; align-items:center; }
header.site a.brand img { width:18px; height:18px; }
header.site nav a { margin-right:.9rem; }
h1 { font-size:1.4rem; margin:.5rem 0 .1rem; }
h2 { font-size:1.1rem; margin:1.6rem 0 .4rem; }
a { color:var(--accent); }
.muted { color:var(--muted); }
p { margin:.35rem 0; }
code, pre { font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
code { background:var(--soft); padding:0 .2em; border-radius:3px; }
pre { background:var(--soft); border:1px solid var(--line); border-radius:4px; padding:.4rem .6rem; white-space:pre-wrap; word-break:break-all; margin:.2rem 0 .6rem; }
.note { border-left:3px solid var(--accent); padding:.2rem .7rem; background:var(--soft); margin:.5rem 0; }
.visually-hidden { position:absolute; width:1px; height:1px; padding:0; margin:-1px; overflow:hidden; clip:rect(0,0,0,0); white-space:nowrap; border:0; }
button { font:inherit; padding:.15rem .8rem; border:1px solid var(--accent); background:var(--accent); color:#fff; border-radius:4px; cursor:pointer; }
input, select { font:inherit; }
:focus-visible { outline:2px solid var(--accent); outline-offset:2px; }

/* controls */
form.options { border:1px solid var(--line); border-radius:6px; padding:.3rem .6rem; background:var(--soft); display:flex; flex-wrap:wrap; gap:.25rem 1rem; align-items:center; margin:.4rem 0; }
form.options fieldset { border:0; padding:0; margin:0; display:flex; flex-wrap:wrap; gap:.1rem .6rem; align-items:center; }
form.options legend { font-weight:600; padding:0; float:left; margin-right:.5rem; }
form.options label { white-space:nowrap; }
.levels a, .levels strong { margin-right:.5rem; }
.small { font-size:.9em; }
form.filters { display:flex; flex-wrap:wrap; gap:.3rem 1rem; align-items:center; margin:.4rem 0; }
form.filters[hidden] { display:none; }
form.filters input[type=search] { width:14rem; max-width:100%; }
.count { color:var(--muted); }

/* the leaderboard: the page scrolls sideways, the header and system column stick */
.board { padding-left:max(1rem, calc((100cqw - 1200px) / 2)); padding-right:1rem; width:max-content; }
table { border-collapse:separate; border-spacing:0; font-variant-numeric:tabular-nums; }
table.lb th, table.lb td { padding:.15rem .5rem; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; background:var(--bg); }
table.lb thead th { position:sticky; top:0; z-index:2; background:var(--soft); font-weight:600; border-bottom:2px solid #aab4c0; vertical-align:bottom; }
table.lb .pos { position:sticky; left:0; z-index:1; width:3.4rem; min-width:3.4rem; max-width:3.4rem; overflow:hidden; }
table.lb .sys { position:sticky; left:3.4rem; z-index:1; text-align:left; border-right:1px solid var(--line); }
table.lb .nm { display:inline-block; max-width:16rem; overflow:hidden; text-overflow:ellipsis; vertical-align:bottom; }
table.lb thead th.sys, table.lb thead th.pos { z-index:3; }
table.lb td.sys a.ext { margin-left:.3rem; text-decoration:none; }
table.lb .meta { text-align:left; color:var(--muted); }
table.lb .meta span { display:inline-block; max-width:10rem; overflow:hidden; text-overflow:ellipsis; vertical-align:bottom; }
table.lb td.pos { font-weight:600; }
table.lb .m { border-left:1px solid var(--line); }
table.lb td.m .rk { font-weight:600; display:inline-block; min-width:2em; text-align:right; }
table.lb td.m .mv { display:inline-block; min-width:2.4em; text-align:left; margin-left:.2rem; font-size:.85em; }
table.lb td.m .sc { color:var(--muted); display:inline-block; min-width:4.6em; text-align:right; }
table.lb .task { color:var(--fg); }
table.lb td.task.best { font-weight:700; }
table.lb thead th.task { font-weight:500; }
table.lb th.first-task, table.lb td.first-task { border-left:2px solid #aab4c0; }
table.lb th.sorted { background:var(--hi); }
table.lb tr.band-1 > td { background:var(--band); }
table.lb tr.group-start > td { border-top:2px solid #8d99a8; }
table.lb.resorted tr > td { background:var(--bg); border-top:0; }
table.lb tbody tr:hover > td { background:#eef3fa; }
th button.sort { all:unset; cursor:pointer; display:inline-flex; gap:.2rem; align-items:center; }
th button.sort:focus-visible { outline:2px solid var(--accent); outline-offset:2px; }
th button.sort::after { content:"\\2195"; color:var(--muted); font-size:.85em; }
th[aria-sort=ascending] button.sort::after { content:"\\2191"; color:var(--fg); }
th[aria-sort=descending] button.sort::after { content:"\\2193"; color:var(--fg); }
.up { color:var(--up); }
.down { color:var(--down); }
.iv { color:var(--muted); font-size:.85em; margin-left:.3rem; }
svg.ibar { vertical-align:middle; margin-left:.3rem; }
svg.ibar .track { fill:#e3e7ed; }
svg.ibar .span { fill:#6f8fbf; }
svg.ibar .at { fill:var(--fg); }

/* other tables */
.scroll { overflow-x:auto; max-width:100%; }
.scroll:focus-visible { outline:2px solid var(--accent); }
table.plain th, table.plain td { padding:.25rem .6rem; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
table.plain th { background:var(--soft); font-weight:600; }
table.plain .l { text-align:left; }
table.plain td.l { white-space:normal; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:.15rem 1rem; margin:.4rem 0; }
dl.meta dt { color:var(--muted); }
dl.meta dd { margin:0; overflow-wrap:anywhere; }
ul.benchmarks { list-style:none; padding:0; margin:0; }
ul.benchmarks li { border:1px solid var(--line); border-radius:6px; padding:.5rem .8rem; margin:.5rem 0; }
ul.benchmarks li a.title { font-weight:600; font-size:1.05rem; }
img.badge { vertical-align:middle; }

/* agreement heat map: Kendall tau bins, finer near 1 where methods usually are (charts.tsx HEAT_BINS) */
table.heat td, table.heat th { text-align:center; min-width:4.2rem; padding:.3rem .4rem; }
table.heat th.rowhead { text-align:left; }
table.heat td { border:2px solid #fff; }
.h0 { background:#b8402f; color:#fff; } .h1 { background:#f3d3c8; color:#111; } .h2 { background:#f2f2f2; color:#111; } .h3 { background:#e3ecf6; color:#111; }
.h4 { background:#cfdff0; color:#111; } .h5 { background:#b3cdea; color:#111; } .h6 { background:#94b9e0; color:#111; } .h7 { background:#6f9fd2; color:#111; }
.h8 { background:#3f78b8; color:#fff; } .h9 { background:#2a5f9e; color:#fff; } .h10 { background:#163f73; color:#fff; }
.legend { display:flex; flex-wrap:wrap; gap:0; align-items:center; margin:.3rem 0; font-size:.85em; }
.legend span { padding:.05rem .45rem; }

/* rank-shift chart */
svg.shift { display:block; max-width:none; font:12px system-ui,sans-serif; }
svg.shift text { fill:var(--fg); }
svg.shift text.head { font-weight:600; }
svg.shift line { stroke-width:2; }
svg.shift .rise { stroke:var(--up); fill:var(--up); }
svg.shift .fall { stroke:var(--down); fill:var(--down); }
svg.shift text.rise, svg.shift text.fall { stroke:none; }
svg.shift g.mover:hover line { stroke-width:4; }
svg.shift g.mover:hover text { font-weight:700; }

@media (max-width: 640px) {
  body { font-size:13.5px; }
  table.lb .nm { max-width:8.5rem; }
  table.lb th, table.lb td { padding:.2rem .35rem; }
  .board { padding-left:.5rem; }
  .sheet { padding-left:.6rem; padding-right:.6rem; }
}
`;
