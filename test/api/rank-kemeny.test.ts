/** POST /api/v1/rank with HiGHS injected (as api/server.ts does): a random 60-system table comes back proven. */
import { describe, expect, it } from "vitest";
import { useTestApi } from "../helpers/app.ts";
import { uncorrelatedSystems } from "../helpers/random-tables.ts";

describe("POST /api/v1/rank kemeny with the injected solver", () => {
  const api = useTestApi("pglite");
  it("the app's services carry the solver; a random 60 x 5 table is proven exact", async () => {
    expect(api.services.kemenySolver).toBeDefined();
    const res = await api.call("POST", "/api/v1/rank", { token: null, body: { systems: uncorrelatedSystems(60, 5, 6005 + 8), methods: ["kemeny"], kemenyBudgetMs: 20_000 } });
    expect(res.status).toBe(200);
    expect(res.body.kemeny.exact).toBe(true);
    expect(res.body.kemeny.upperBound).toBeCloseTo(res.body.kemeny.agreement, 9);
    expect(res.body.kemeny.order).toHaveLength(60);
  }, 60_000);
});
