/**
 * Random uncorrelated score tables (integer scores 0..20, 10% missing, a fixed LCG): the hard
 * case for Kemeny, shared by the Kemeny tests and `npm run bench`.
 */
import type { RankSystemInput } from "../../ranking/index.ts";

export function uncorrelatedSystems(n: number, m: number, seed: number): RankSystemInput[] {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
  return Array.from({ length: n }, (_, s) => {
    const scores: Record<string, number> = {};
    for (let t = 0; t < m; t++) {
      const missing = rnd() < 0.1;
      const v = Math.floor(rnd() * 21);
      if (!missing) scores[`t${t}`] = v;
    }
    return { slug: `s${s}`, scores };
  });
}
