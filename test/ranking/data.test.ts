import { describe, expect, it } from "vitest";
import { rankInstances, rankTable } from "../../ranking/index.ts";
import { readExample } from "../helpers/examples.ts";
import { longCsvToInstanceTable, wideCsvToInput } from "./load.ts";

describe("real leaderboards (examples/)", () => {
  it.each([
    ["superglue.csv", 0.9474],
    ["xtreme.csv", 0.9135],
    ["glue.csv", 0.91515],
  ])("tau(mean, borda) on %s is %d", (file, expected) => {
    const r = rankTable({ ...wideCsvToInput(readExample(file)), methods: ["mean", "borda"] });
    const digits = String(expected).split(".")[1].length;
    expect(r.agreement.kendallTau.mean.borda!.toFixed(digits)).toBe(expected.toFixed(digits));
  });

  it.each(["glue.csv", "superglue.csv", "xtreme.csv", "value.csv", "xtreme_missing.csv"])("kemeny on %s is proven exact", (file) => {
    const r = rankTable({ ...wideCsvToInput(readExample(file)), methods: ["kemeny", "copeland"] });
    expect(r.kemeny!.exact).toBe(true);
    expect(r.kemeny!.upperBound).toBe(r.kemeny!.agreement);
    if (r.agreement.condorcetWinner) expect(r.kemeny!.order[0]).toBe(r.agreement.condorcetWinner);
  });

  it("GLUE: the two systems with mathematically equal means share a mean rank", () => {
    const r = rankTable({ ...wideCsvToInput(readExample("glue.csv")), methods: ["mean"] });
    const near = r.systems.filter((s) => Math.abs(s.results.mean.score! - 63.1714285714) < 1e-6);
    expect(near).toHaveLength(2);
    expect(near[0].results.mean.rank).toBe(near[1].results.mean.rank);
  });

  it("TAC 2008, 13 automatic metrics, instance level: tau and borda2 top three", () => {
    const table = longCsvToInstanceTable(readExample("tac08_instances.csv"), (m) => !m.startsWith("H:"));
    expect(table.tasks).toHaveLength(13);
    const r = rankInstances(table, ["mean", "borda", "borda2"]);
    const tau = r.agreement.kendallTau;
    expect(tau.mean.borda!.toFixed(3)).toBe("0.851");
    expect(tau.mean.borda2!.toFixed(3)).toBe("0.858");
    expect(tau.borda.borda2!.toFixed(3)).toBe("0.982");
    const top = [...r.systems].sort((a, b) => a.results.borda2.rank - b.results.borda2.rank).slice(0, 3);
    expect(top.map((s) => s.slug)).toEqual(["M61", "M60", "M58"]);
  });
});
