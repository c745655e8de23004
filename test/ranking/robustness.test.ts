import { describe, expect, it } from "vitest";
import { buildTable, leaveOneTaskOut, rankPreparedTable, RankingInputError, robustnessReport, tableFromInput, TASK_METHODS, type TaskMethod } from "../../ranking/index.ts";
import { readExample } from "../helpers/examples.ts";
import { wideCsvToInput } from "./load.ts";

//        t0 t1 t2
//   A:   3  3  1
//   B:   2  1  3
//   C:   1  2  2
// borda points: t0 A2 B1 C0, t1 A2 C1 B0, t2 B2 C1 A0 -> full A4 B3 C2 (A, B, C)
// without t0: A2 B2 C2 (one tie: tau undefined, every system first, top1 A by input order)
// without t1: A2 B3 C1 (B, A, C): AB discordant, AC and BC concordant -> tau = 1/3
// without t2: A4 B1 C1 (A, then B = C): 2 concordant, BC tied in one ranking -> tau-b = 2 / sqrt(3 * 2)
// mean gives the same three rankings (7/3, 2, 5/3; 2, 2, 2; 2, 5/2, 3/2; 3, 3/2, 3/2)
const hand = buildTable({ systems: ["A", "B", "C"], tasks: ["t0", "t1", "t2"], scores: Float64Array.from([3, 3, 1, 2, 1, 3, 1, 2, 2]) });
const expected = [
  { task: "t0", kendallTau: null, top1: "A", top1Tied: ["A", "B", "C"] },
  { task: "t1", kendallTau: 1 / 3, top1: "B", top1Tied: ["B"] },
  { task: "t2", kendallTau: 2 / Math.sqrt(6), top1: "A", top1Tied: ["A"] },
];

describe("leaveOneTaskOut", () => {
  it.each(["borda", "mean"] as TaskMethod[])("by hand on a 3 x 3 table (%s)", (method) => {
    const got = leaveOneTaskOut(hand, method);
    expect(got.map((e) => ({ ...e, kendallTau: e.kendallTau === null ? null : Number(e.kendallTau.toFixed(12)) }))).toEqual(
      expected.map((e) => ({ ...e, kendallTau: e.kendallTau === null ? null : Number(e.kendallTau.toFixed(12)) })),
    );
  });

  it("the full report: top1, the tasks that change it, min tau, the Condorcet winner and its rank", () => {
    const r = robustnessReport(hand, "borda");
    expect(r).toMatchObject({ method: "borda", top1: "A", top1Changes: ["t1"], condorcet: { winner: "A", rank: 1 } });
    expect(r.minKendallTau).toBeCloseTo(1 / 3, 12);
    expect(r.kemenyExact).toBeUndefined();
    const k = robustnessReport(hand, "kemeny");
    expect(k.top1).toBe("A");
    expect(k.kemenyExact).toBe(true);
    expect(k.leaveOneTaskOut).toHaveLength(3);
  });

  it("no Condorcet winner on a cycle; a single task left out leaves one tie", () => {
    const cycle = buildTable({ systems: ["A", "B", "C"], tasks: ["t0", "t1", "t2"], scores: Float64Array.from([3, 1, 2, 2, 3, 1, 1, 2, 3]) });
    expect(robustnessReport(cycle, "copeland").condorcet).toEqual({ winner: null, rank: null });
    const one = buildTable({ systems: ["A", "B"], tasks: ["t"], scores: Float64Array.from([2, 1]) });
    expect(leaveOneTaskOut(one, "borda")).toEqual([{ task: "t", kendallTau: null, top1: "A", top1Tied: ["A", "B"] }]);
  });

  it("uses the given full-data ranks; rejects unknown methods and misaligned ranks", () => {
    const r = robustnessReport(hand, "borda", { fullRanks: [3, 2, 1] });
    expect(r.top1).toBe("C");
    expect(r.condorcet.rank).toBe(3);
    expect(r.leaveOneTaskOut[1].kendallTau).toBeCloseTo(-1 / 3, 12);
    expect(() => leaveOneTaskOut(hand, "nope" as TaskMethod)).toThrow(RankingInputError);
    expect(() => leaveOneTaskOut(hand, "borda", { fullRanks: [1] })).toThrow(RankingInputError);
  });

  it("agrees with ranking the reduced table from scratch, for every method", () => {
    const rows = [
      [0.9, 12, 3, 0.5],
      [0.8, 10, 4, 0.7],
      [0.85, 11, 2, 0.6],
      [0.7, 14, 5, NaN],
      [0.75, 9, 1, 0.4],
    ];
    const spec = { systems: rows.map((_, i) => `s${i}`), tasks: ["a", "b", "c", "d"], higherIsBetter: [1, 0, 1, 1], weights: [1, 2, 0.5, 1] };
    const t = buildTable({ ...spec, scores: Float64Array.from(rows.flat()) });
    for (const method of TASK_METHODS) {
      const got = leaveOneTaskOut(t, method);
      spec.tasks.forEach((task, j) => {
        const keep = [0, 1, 2, 3].filter((x) => x !== j);
        const reduced = buildTable({
          systems: spec.systems,
          tasks: keep.map((x) => spec.tasks[x]),
          scores: Float64Array.from(rows.flatMap((r) => keep.map((x) => r[x]))),
          higherIsBetter: keep.map((x) => spec.higherIsBetter[x]),
          weights: keep.map((x) => spec.weights[x]),
        });
        const ranked = rankPreparedTable(reduced, [method]);
        expect(got[j].top1, `${method} without ${task}`).toBe(ranked.systems[0].slug);
      });
    }
  });
});

describe("GLUE (examples/)", () => {
  it("leave-one-task-out for borda: one entry per task, high agreement", () => {
    const { table } = tableFromInput(wideCsvToInput(readExample("glue.csv")));
    const t0 = performance.now();
    const r = robustnessReport(table, "borda");
    console.log(`[bench] GLUE robustness (borda): ${(performance.now() - t0).toFixed(1)} ms, min tau ${r.minKendallTau?.toFixed(4)}`);
    expect(r.leaveOneTaskOut.map((e) => e.task)).toEqual(table.tasks);
    for (const e of r.leaveOneTaskOut) expect(e.kendallTau!).toBeGreaterThan(0.9);
    expect(robustnessReport(table, "borda")).toEqual(r);
  });
});
