/**
 * Cloudflare Workers entry (wrangler.toml `main`): the whole Podium service, the same Hono app
 * as the Node server, over PostgreSQL through the `HYPERDRIVE` binding (api/worker-app.ts has
 * how). Per request: one postgres.js client over `env.HYPERDRIVE.connectionString`, current for
 * this request only, closed with `ctx.waitUntil` once the response is out. This module may only
 * export the handler (workerd rejects other exports of the entry).
 */
import { databaseFromConnectionString } from "../db/index.ts";
import { docsAsset, isolateApp, requestBindings, sendAsEncoded, type WorkerContext, type WorkerEnv } from "./worker-app.ts";

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response> {
    const asset = docsAsset(request, env);
    if (asset) return asset;
    let built: ReturnType<typeof isolateApp>;
    try {
      if (typeof env.HYPERDRIVE?.connectionString !== "string") throw new Error("no HYPERDRIVE binding (wrangler.toml [[hyperdrive]])");
      built = isolateApp(env);
    } catch (err) {
      // Bad [vars]/secrets (api/config.ts): say so in the envelope, details in the Worker's log.
      console.error("Podium: the Worker cannot start:", err instanceof Error ? err.message : err);
      return Response.json({ error: { code: "internal", message: "the service is misconfigured; see the Worker's logs" } }, { status: 500 });
    }
    const { app, scoped } = built;
    const database = databaseFromConnectionString(env.HYPERDRIVE.connectionString);
    try {
      const res = await scoped.run(database, async () => readStreamedBody(await app.fetch(request, requestBindings(request, env), ctx as never)));
      return sendAsEncoded(res);
    } finally {
      ctx.waitUntil(database.close());
    }
  },
};

/**
 * A body produced while it is sent (the NDJSON export) reads the database as it goes, so it is
 * read whole here, inside the request's database scope and before that database closes; every
 * other body is already bytes.
 */
async function readStreamedBody(res: Response): Promise<Response> {
  if (!res.body || !/^application\/x-ndjson\b/i.test(res.headers.get("content-type") ?? "")) return res;
  return new Response(await res.arrayBuffer(), { status: res.status, statusText: res.statusText, headers: res.headers });
}
