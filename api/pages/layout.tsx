/**
 * The HTML shell of every page: viewport meta, Podium's own stylesheet, script and favicon
 * (content-hashed paths under /assets, see assets/index.ts). No inline script or style: the
 * pages' Content-Security-Policy (routes.ts) allows neither.
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { ASSETS } from "./assets/index.ts";

export function Layout(props: { title: string; description?: string; children?: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1, minimum-scale=1" />
          <title>{props.title}</title>
          {props.description ? <meta name="description" content={props.description} /> : null}
          <link rel="icon" type="image/svg+xml" href={ASSETS.favicon.path} />
          <link rel="stylesheet" href={ASSETS.css.path} />
          <script src={ASSETS.js.path} defer></script>
        </head>
        <body>
          <header class="site sheet">
            <a class="brand" href="/">
              <img src={ASSETS.favicon.path} alt="" width="18" height="18" />
              Podium
            </a>
            <nav aria-label="Site">
              <a href="/">Benchmarks</a>
              <a href="/docs">API docs</a>
              <a href="/openapi.json">OpenAPI</a>
            </nav>
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A block of the page one viewport wide that stays in view when a wide table scrolls the page sideways. */
export function Sheet(props: { children?: Child; id?: string }) {
  return (
    <div class="sheet" id={props.id}>
      {props.children}
    </div>
  );
}

export function MessagePage(props: { title: string; message: string; links?: { href: string; text: string }[] }) {
  return (
    <Layout title={`${props.title} · Podium`}>
      <Sheet>
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          {(props.links ?? []).map((l) => (
            <>
              <a href={l.href}>{l.text}</a>{" · "}
            </>
          ))}
          <a href="/">All benchmarks</a>
        </p>
      </Sheet>
    </Layout>
  );
}

export function NotFoundPage(props: { message: string }) {
  return <MessagePage title="Not found" message={props.message} />;
}
