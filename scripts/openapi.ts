/**
 * The OpenAPI document of the Node app, as `/openapi.json` serves it, without a database:
 * `tsx scripts/openapi.ts [out.json]` writes it (stdout without a path). Used by
 * `npm run openapi:lint` and `npm run openapi:types`.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createApp } from "../api/app.ts";
import { parseConfig } from "../api/config.ts";
import type { Services } from "../service/index.ts";

/** Serving /openapi.json touches no service: an empty stand-in keeps the database out of it. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = createApp({ services: {} as Services, config: parseConfig({}) });
  const res = await app.request("/openapi.json");
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
  const out = process.argv[2];
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}
