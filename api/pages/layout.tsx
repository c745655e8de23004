/** The HTML shell of every page: viewport meta, inline responsive CSS (no external assets). */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";

/** Static stylesheet (not user data), inlined so pages need no other request. */
const CSS = `
:root { --fg:#1d232b; --muted:#5b6675; --line:#d9dee5; --bg:#fff; --soft:#f4f6f9; --accent:#1f5fbf; --up:#17803d; --down:#b3261e; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header.site { border-bottom:1px solid var(--line); background:var(--soft); }
header.site .wrap { display:flex; gap:1rem; align-items:baseline; flex-wrap:wrap; }
header.site a.brand { font-weight:700; font-size:1.15rem; color:var(--fg); text-decoration:none; }
header.site nav a { margin-right:.9rem; }
.wrap { max-width:1200px; margin:0 auto; padding:.75rem 1rem; }
main.wrap { padding-bottom:3rem; }
h1 { font-size:1.5rem; margin:.6rem 0 .3rem; }
h2 { font-size:1.15rem; margin:1.8rem 0 .5rem; }
a { color:var(--accent); }
p.muted, .muted { color:var(--muted); }
code { font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:var(--soft); padding:0 .2em; border-radius:3px; }
.scroll { overflow-x:auto; -webkit-overflow-scrolling:touch; border:1px solid var(--line); border-radius:6px; max-width:100%; }
table { border-collapse:collapse; font-variant-numeric:tabular-nums; }
th, td { padding:.3rem .55rem; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; vertical-align:top; }
th { background:var(--soft); font-weight:600; position:sticky; top:0; }
th.name, td.name { text-align:left; white-space:normal; min-width:14rem; max-width:22rem; overflow-wrap:anywhere; }
td.name { position:sticky; left:0; background:var(--bg); }
th.name { left:0; z-index:1; }
tr:hover td { background:#f8fafc; }
th.sorted, td.sorted { background:#eaf1fb; }
th.task, td.task { color:var(--muted); }
.up { color:var(--up); font-size:.8em; margin-left:.25em; }
.down { color:var(--down); font-size:.8em; margin-left:.25em; }
.slug { color:var(--muted); font-size:.85em; display:block; }
.interval, .ptop1 { color:var(--muted); font-size:.8em; margin-left:.3em; }
tr.band-1 td, tr.band-1 td.name { background:#f5f2e9; }
tr.group-start td { border-top:2px solid #aab4c0; }
ul.benchmarks { list-style:none; padding:0; margin:0; }
ul.benchmarks li { border:1px solid var(--line); border-radius:6px; padding:.6rem .8rem; margin:.5rem 0; }
ul.benchmarks li a.title { font-weight:600; font-size:1.05rem; }
form.methods { border:1px solid var(--line); border-radius:6px; padding:.5rem .8rem; background:var(--soft); }
form.methods fieldset { border:0; padding:0; margin:0 0 .4rem; display:flex; flex-wrap:wrap; gap:.2rem 1rem; }
form.methods legend { font-weight:600; padding:0; margin-bottom:.2rem; }
form.methods label { white-space:nowrap; }
form.methods .row { display:flex; flex-wrap:wrap; gap:.6rem; align-items:center; }
button { font:inherit; padding:.25rem .9rem; border:1px solid var(--accent); background:var(--accent); color:#fff; border-radius:4px; cursor:pointer; }
table.tau td, table.tau th { text-align:center; min-width:4.5rem; }
table.tau th.rowhead { text-align:left; }
details.badge summary { cursor:pointer; color:var(--accent); }
details.badge code { display:block; white-space:pre-wrap; word-break:break-all; max-width:28rem; margin-top:.3rem; text-align:left; }
svg.slope { display:block; font:12px system-ui,sans-serif; }
svg.slope polyline { fill:none; stroke-width:1.6; opacity:.85; }
svg.slope g.system:hover polyline { stroke-width:3.5; opacity:1; }
svg.slope g.system:hover text { font-weight:700; }
svg.slope .axis { stroke:var(--line); }
svg.slope text.method { font-weight:600; fill:var(--fg); }
svg.slope text.label { fill:var(--fg); }
.note { border-left:3px solid var(--accent); padding:.2rem .7rem; background:var(--soft); }
@media (max-width: 640px) {
  body { font-size:14px; }
  .wrap { padding:.5rem .6rem; }
  th, td { padding:.25rem .4rem; }
  th.name, td.name { min-width:7rem; max-width:11rem; }
}
`;

export function Layout(props: { title: string; children?: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          <style>{raw(CSS)}</style>
        </head>
        <body>
          <header class="site">
            <div class="wrap">
              <a class="brand" href="/">Podium</a>
              <nav>
                <a href="/">Benchmarks</a>
                <a href="/docs">API docs</a>
                <a href="/openapi.json">OpenAPI</a>
              </nav>
            </div>
          </header>
          <main class="wrap">{props.children}</main>
        </body>
      </html>
    </>
  );
}

export function NotFoundPage(props: { message: string }) {
  return (
    <Layout title="Not found · Podium">
      <h1>Not found</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">All benchmarks</a>
      </p>
    </Layout>
  );
}
