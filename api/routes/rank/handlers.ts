import type { RouteHandler } from "@hono/zod-openapi";
import { rankTable } from "../../../ranking/index.ts";
import type { AppEnv } from "../../env.ts";
import type * as routes from "./routes.ts";

/** A RankingInputError (bad table) becomes a 400 in api/errors.ts, as on every route. */
export const rank: RouteHandler<typeof routes.rank, AppEnv> = async (c) => {
  const input = c.req.valid("json");
  // The Node server ranks on its compute pool; Cloudflare Workers set no services and rank inline (branch and bound only).
  const compute = c.get("services")?.compute;
  return c.json(compute ? await compute.run({ kind: "rank", input }) : rankTable(input), 200);
};
