import type { RouteHandler } from "@hono/zod-openapi";
import { RankingInputError, rankTable } from "../../../ranking/index.ts";
import type { AppEnv } from "../../env.ts";
import { invalidRequest } from "../../errors.ts";
import type * as routes from "./routes.ts";

export const rank: RouteHandler<typeof routes.rank, AppEnv> = async (c) => {
  const input = c.req.valid("json");
  try {
    // The Node server ranks on its compute pool; Cloudflare Workers set no services and rank inline (branch and bound only).
    const compute = c.get("services")?.compute;
    return c.json(compute ? await compute.run({ kind: "rank", input }) : rankTable(input), 200);
  } catch (err) {
    if (err instanceof RankingInputError) throw invalidRequest(err.details, "invalid score table");
    throw err;
  }
};
