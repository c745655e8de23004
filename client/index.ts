/**
 * A typed client of the Podium API for TypeScript users: openapi-fetch over the types generated
 * from /openapi.json (client/schema.d.ts), so paths, parameters, bodies and replies are checked
 * by the compiler.
 *
 *   const podium = createPodiumClient("https://podium.example.org", process.env.PODIUM_TOKEN);
 *   const { data, error } = await podium.GET("/api/v1/benchmarks/{slug}/leaderboard", { params: { path: { slug: "glue" } } });
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, operations, paths } from "./schema.d.ts";

export type { components, operations, paths };
/**
 * Replies typed as JSON: the leaderboard's `?format=csv` and the SVG badge are for spreadsheets
 * and <img> tags (with openapi-fetch, read them with `parseAs: "text"`).
 */
export type PodiumClient = Client<paths, "application/json">;

/** The error envelope of every non-2xx reply but 429 (`details`: the offending fields). */
export type PodiumError = components["schemas"]["Error"];
/** The envelope of a 429 (`details`: the budget and the seconds to wait). */
export type PodiumRateLimitedError = components["schemas"]["RateLimitedError"];

/**
 * `baseUrl`: the server's origin (no trailing `/api/v1`). `token`: an admin or benchmark token,
 * sent as `Authorization: Bearer` on every request (public reads ignore it). `options` go to
 * openapi-fetch (e.g. `fetch`, to call an in-process app or add retries).
 */
export function createPodiumClient(baseUrl: string, token?: string, options: Omit<ClientOptions, "baseUrl"> = {}): PodiumClient {
  const client = createClient<paths, "application/json">({ ...options, baseUrl: baseUrl.replace(/\/+$/, "") });
  if (token)
    client.use({
      onRequest({ request }) {
        request.headers.set("authorization", `Bearer ${token}`);
        return request;
      },
    });
  return client;
}
