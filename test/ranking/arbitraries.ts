/** fast-check generators of small score tables (with ties, missing scores, directions, weights). */
import fc from "fast-check";
import type { RankInput } from "../../ranking/index.ts";

export interface GenTable {
  n: number;
  m: number;
  /** n x m, null = missing */
  cells: (number | null)[][];
  higher: boolean[];
  weights: number[];
}

export const genTable = (maxN = 7, maxM = 5, minN = 1): fc.Arbitrary<GenTable> =>
  fc
    .record({ n: fc.integer({ min: minN, max: maxN }), m: fc.integer({ min: 1, max: maxM }) })
    .chain(({ n, m }) =>
      fc.record({
        n: fc.constant(n),
        m: fc.constant(m),
        // few distinct values so that ties are common; ~15% missing
        cells: fc.array(fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { freq: 6 }), { minLength: m, maxLength: m }), { minLength: n, maxLength: n }),
        higher: fc.array(fc.boolean(), { minLength: m, maxLength: m }),
        weights: fc.array(fc.constantFrom(1, 1, 2, 0.5, 3), { minLength: m, maxLength: m }),
      }),
    );

export function toInput(g: GenTable, sysOrder?: number[], taskOrder?: number[], transform?: (t: number, x: number) => number): RankInput {
  const so = sysOrder ?? [...Array(g.n).keys()];
  const to = taskOrder ?? [...Array(g.m).keys()];
  return {
    tasks: to.map((t) => ({ slug: `t${t}`, higherIsBetter: g.higher[t], weight: g.weights[t] })),
    systems: so.map((s) => ({
      slug: `s${s}`,
      scores: Object.fromEntries(to.map((t) => [`t${t}`, g.cells[s][t] === null ? null : transform ? transform(t, g.cells[s][t]!) : g.cells[s][t]])),
    })),
  };
}

export const permutation = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    [...Array(n).keys()].sort((a, b) => keys[a] - keys[b] || a - b),
  );
