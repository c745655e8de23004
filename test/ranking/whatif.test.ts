/**
 * What-if weights (ranking/whatif.ts) with HiGHS, against brute force: on random small tables
 * with missing scores, a system declared unable to win never ranks first under any weighting of
 * a simplex grid, and the weights returned rank it first when replayed through the method.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { computeMethod, createRng, ranksFromScores, Table, whatIf, WHATIF_METHODS, type LinearSolver } from "../../ranking/index.ts";
import { loadKemenySolver } from "../../service/kemeny-solver.ts";

let solver: LinearSolver;
beforeAll(async () => {
  const s = await loadKemenySolver();
  if (!s) throw new Error("HiGHS did not load");
  solver = s;
});

/** Every weight vector on the simplex with coordinates in steps of 1/steps (zeros included). */
function grid(m: number, steps: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], left: number) => {
    if (prefix.length === m - 1) return void out.push([...prefix, left].map((x) => x / steps));
    for (let x = 0; x <= left; x++) rec([...prefix, x], left - x);
  };
  rec([], steps);
  return out;
}

const ranksFirst = (table: Table, method: (typeof WHATIF_METHODS)[number], s: number, w: ArrayLike<number>) =>
  ranksFromScores(computeMethod(new Table({ systems: table.systems, tasks: table.tasks, scores: table.scores, higherIsBetter: Array.from(table.sign, (x) => x > 0), weights: w }), method))[s] === 1;

describe("what-if weights against brute force", () => {
  it("random 3-task tables with missing scores: canWin false is never contradicted by a grid weighting; weights replay to rank 1", () => {
    const rng = createRng(17);
    const weightsGrid = grid(3, 20);
    let wins = 0;
    let losses = 0;
    for (let trial = 0; trial < 15; trial++) {
      const n = 3 + rng.int(4);
      const m = 3;
      const scores = Float64Array.from({ length: n * m }, () => (rng.float() < 0.25 ? NaN : rng.int(6)));
      const table = new Table({ systems: Array.from({ length: n }, (_, i) => `s${i}`), tasks: ["a", "b", "c"], scores, higherIsBetter: [true, rng.int(2) === 1, true] });
      for (const method of WHATIF_METHODS)
        for (let s = 0; s < n; s++) {
          let covered = false;
          for (let k = 0; k < m; k++) covered ||= !Number.isNaN(scores[s * m + k]);
          if (!covered) continue;
          const r = whatIf(table, method, s, solver);
          if (r.canWin) {
            wins++;
            const w = table.tasks.map((t) => r.weights![t]);
            expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
            expect(ranksFirst(table, method, s, w), `${trial} ${method} s${s}`).toBe(true);
            expect(r.margin).toBeGreaterThanOrEqual(0);
          } else {
            losses++;
            // a grid point that strictly wins would contradict it (ties on the grid may be boundary cases)
            for (const w of weightsGrid) {
              const sc = computeMethod(new Table({ systems: table.systems, tasks: table.tasks, scores, higherIsBetter: Array.from(table.sign, (x) => x > 0), weights: w }), method);
              let best = -Infinity;
              for (let o = 0; o < n; o++) if (o !== s && !Number.isNaN(sc[o])) best = Math.max(best, sc[o]);
              if (!Number.isNaN(sc[s])) expect(sc[s] - best, `${trial} ${method} s${s} w=${w}`).toBeLessThan(1e-6);
            }
          }
        }
    }
    expect(wins).toBeGreaterThan(20);
    expect(losses).toBeGreaterThan(20);
  });
});
