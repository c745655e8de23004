import type { RouteHandler } from "@hono/zod-openapi";
import { RankingInputError, rankTable } from "../../../ranking/index.ts";
import type { AppEnv } from "../../env.ts";
import { invalidRequest } from "../../errors.ts";
import type * as routes from "./routes.ts";

export const rank: RouteHandler<typeof routes.rank, AppEnv> = (c) => {
  try {
    // Workers set no services (and load no solver): branch and bound only there.
    return c.json(rankTable(c.req.valid("json"), { lpSolver: c.get("services")?.kemenySolver }), 200);
  } catch (err) {
    if (err instanceof RankingInputError) throw invalidRequest(err.details, "invalid score table");
    throw err;
  }
};
