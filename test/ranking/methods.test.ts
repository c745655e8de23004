import { describe, expect, it } from "vitest";
import { kendallTauB, rankTable, ranksFromScores, RankingInputError, type RankInput, type RankResponse } from "../../ranking/index.ts";

function cell(r: RankResponse, slug: string, method: string) {
  const sys = r.systems.find((s) => s.slug === slug);
  if (!sys) throw new Error(`no system ${slug}`);
  return sys.results[method];
}
function scores(r: RankResponse, method: string, slugs: string[]) {
  return slugs.map((s) => cell(r, s, method).score);
}
function ranks(r: RankResponse, method: string, slugs: string[]) {
  return slugs.map((s) => cell(r, s, method).rank);
}

/*
 * Hand-worked table (n = 4):
 *            t1 (higher, w1)  t2 (LOWER, w1)  t3 (higher, w2)
 *   A        3                10              -
 *   B        2                20              0.5
 *   C        2                5               0.9
 *   D        1                -               0.7
 */
const input: RankInput = {
  tasks: [{ slug: "t1" }, { slug: "t2", higherIsBetter: false }, { slug: "t3", weight: 2 }],
  systems: [
    { slug: "A", scores: { t1: 3, t2: 10, t3: null } },
    { slug: "B", scores: { t1: 2, t2: 20, t3: 0.5 } },
    { slug: "C", scores: { t1: 2, t2: 5, t3: 0.9 } },
    { slug: "D", scores: { t1: 1, t3: 0.7 } },
  ],
};
const S = ["A", "B", "C", "D"];

describe("hand-worked table with ties, missing scores, a lower-is-better task and a weight", () => {
  const r = rankTable(input);

  it("coverage and response shape", () => {
    expect(r.methods).toEqual(["mean", "mean-minmax", "mean-zscore", "winrate", "plurality", "dowdall", "borda", "copeland", "minimax", "kemeny"]);
    expect(r.systems.map((s) => s.coverage)).toEqual([2, 3, 2, 3]); // sorted by mean: D, C, A, B
    expect(r.systems.map((s) => s.slug)).toEqual(["D", "C", "A", "B"]);
  });

  it("mean: weighted mean of sign * x over scored tasks", () => {
    // A (3 - 10)/2 = -3.5; B (2 - 20 + 2*0.5)/4 = -4.25; C (2 - 5 + 2*0.9)/4 = -0.3; D (1 + 2*0.7)/3 = 0.8
    expect(scores(r, "mean", S).map((x) => +x!.toFixed(12))).toEqual([-3.5, -4.25, -0.3, 0.8]);
    expect(ranks(r, "mean", S)).toEqual([3, 4, 2, 1]);
  });

  it("mean-minmax", () => {
    // t1 -> A 1, B .5, C .5, D 0; t2 (oriented -10,-20,-5) -> A 2/3, B 0, C 1; t3 -> B 0, C 1, D .5
    // A (1 + 2/3)/2 = 5/6; B (.5 + 0 + 0)/4 = .125; C (.5 + 1 + 2)/4 = .875; D (0 + 2*.5)/3 = 1/3
    const got = scores(r, "mean-minmax", S);
    [5 / 6, 0.125, 0.875, 1 / 3].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    expect(ranks(r, "mean-minmax", S)).toEqual([2, 4, 1, 3]);
  });

  it("mean-zscore (population sd)", () => {
    // t1: mean 2, sd sqrt(.5): A 1.414214, B 0, C 0, D -1.414214
    // t2 oriented: mean -35/3, sd sqrt(350/9 * 1/1)... = 6.236096: A .267261, B -1.336306, C 1.069045
    // t3: mean .7, sd .163299: B -1.224745, C 1.224745, D 0
    // A (1.414214 + .267261)/2 = .840737; B (0 - 1.336306 - 2*1.224745)/4 = -.946449
    // C (0 + 1.069045 + 2*1.224745)/4 = .879634; D (-1.414214 + 0)/3 = -.471405
    const got = scores(r, "mean-zscore", S);
    [0.840737, -0.946449, 0.879634, -0.471405].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    expect(ranks(r, "mean-zscore", S)).toEqual([2, 4, 1, 3]);
  });

  it("winrate: share of other scored systems beaten, ties half", () => {
    // t1: A 1, B 1.5/3, C 1.5/3, D 0; t2: C 1, A .5, B 0; t3: C 1, D .5, B 0
    // A (1 + .5)/2 = .75; B (.5 + 0 + 0)/4 = .125; C (.5 + 1 + 2)/4 = .875; D (0 + 2*.5)/3 = 1/3
    const got = scores(r, "winrate", S);
    [0.75, 0.125, 0.875, 1 / 3].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    expect(ranks(r, "winrate", S)).toEqual([2, 4, 1, 3]);
  });

  it("plurality: weight to the best, equal scores share the smallest rank", () => {
    // t1 -> A 1; t2 -> C 1; t3 -> C 2
    expect(scores(r, "plurality", S)).toEqual([1, 0, 3, 0]);
    expect(ranks(r, "plurality", S)).toEqual([2, 3, 1, 3]);
  });

  it("dowdall: sum of w / average rank", () => {
    // avg ranks t1: A1 B2.5 C2.5 D4; t2: C1 A2 B3; t3: C1 D2 B3
    // A 1 + 1/2 = 1.5; B 1/2.5 + 1/3 + 2/3 = 1.4; C 1/2.5 + 1 + 2 = 3.4; D 1/4 + 2/2 = 1.25
    const got = scores(r, "dowdall", S);
    [1.5, 1.4, 3.4, 1.25].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    expect(ranks(r, "dowdall", S)).toEqual([2, 3, 1, 4]);
  });

  it("borda with expected points for missing scores", () => {
    // t1 (m=4): A 3, B 1.5, C 1.5, D 0
    // t2 (m=3, k=1): b = (3 - r) + (4 - r)/4: C 2.75, A 1.5, B .25; D unscored (n-1)/2 = 1.5  (sum 6)
    // t3 (w=2, m=3, k=1): C 2*2.75, D 2*1.5, B 2*.25, A 2*1.5
    // A 7.5, B 2.25, C 9.75, D 4.5
    expect(scores(r, "borda", S)).toEqual([7.5, 2.25, 9.75, 4.5]);
    expect(ranks(r, "borda", S)).toEqual([2, 4, 1, 3]);
  });

  it("copeland from M, with a tied pair", () => {
    // M(A,B)=2 M(B,A)=0; M(A,C)=1=M(C,A); M(A,D)=1 M(D,A)=0; M(B,C)=.5 M(C,B)=3.5;
    // M(B,D)=1 M(D,B)=2; M(C,D)=3 M(D,C)=0
    // A: 1 + .5 + 1 = 2.5; B 0; C .5 + 1 + 1 = 2.5; D 1
    expect(scores(r, "copeland", S)).toEqual([2.5, 0, 2.5, 1]);
    expect(ranks(r, "copeland", S)).toEqual([1, 4, 1, 3]);
  });

  it("minimax: minus the worst pairwise defeat margin", () => {
    // A none (tie with C) -> 0; B worst C: 3.5 - .5 = 3; C 0; D worst C: 3 - 0 = 3
    expect(scores(r, "minimax", S)).toEqual([0, -3, 0, -3]);
    expect(ranks(r, "minimax", S)).toEqual([1, 3, 1, 3]);
  });

  it("kemeny: rank only, optimal agreement 12.5 (= trivial bound)", () => {
    // A,C,D,B: M(A,C)+M(A,D)+M(A,B)+M(C,D)+M(C,B)+M(D,B) = 1+1+2+3+3.5+2 = 12.5; C,A,D,B the same
    expect(r.kemeny).toBeDefined();
    expect(r.kemeny!.agreement).toBe(12.5);
    expect(r.kemeny!.exact).toBe(true);
    expect(r.kemeny!.upperBound).toBe(12.5);
    expect(r.kemeny!.order.slice(2)).toEqual(["D", "B"]);
    expect(cell(r, "D", "kemeny")).toEqual({ rank: 3 });
    expect(cell(r, "B", "kemeny")).toEqual({ rank: 4 });
  });

  it("no Condorcet winner when the top pair ties", () => {
    expect(r.agreement.condorcetWinner).toBeNull();
  });

  it("kendall tau-b is given for both directions of every pair", () => {
    const tau = r.agreement.kendallTau;
    for (const a of r.methods) {
      expect(tau[a][a]).toBeUndefined();
      for (const b of r.methods) if (a !== b) expect(tau[a][b]).toBe(tau[b][a]);
    }
    // mean ranks A3 B4 C2 D1 vs borda ranks A2 B4 C1 D3: concordant 4 (A-B, B-C, B-D, C... ), see kendallTauB tests
    expect(tau.mean.borda).toBeCloseTo(kendallTauB([3, 4, 2, 1], [2, 4, 1, 3])!, 12);
  });
});

describe("defaults and edge cases", () => {
  it("tasks default to every key seen, higher is better, weight 1; methods subset keeps order", () => {
    const r = rankTable({
      systems: [
        { slug: "bert", scores: { cola: 60.5 } },
        { slug: "roberta", scores: { cola: 63.6 } },
      ],
      methods: ["mean", "borda", "copeland", "kemeny"],
    });
    expect(r).toEqual({
      methods: ["mean", "borda", "copeland", "kemeny"],
      systems: [
        { slug: "roberta", coverage: 1, results: { mean: { score: 63.6, rank: 1 }, borda: { score: 1, rank: 1 }, copeland: { score: 1, rank: 1 }, kemeny: { rank: 1 } } },
        { slug: "bert", coverage: 1, results: { mean: { score: 60.5, rank: 2 }, borda: { score: 0, rank: 2 }, copeland: { score: 0, rank: 2 }, kemeny: { rank: 2 } } },
      ],
      kemeny: { order: ["roberta", "bert"], agreement: 1, exact: true, upperBound: 1, ambiguous: false, swappable: [] },
      agreement: {
        kendallTau: {
          mean: { borda: 1, copeland: 1, kemeny: 1 },
          borda: { mean: 1, copeland: 1, kemeny: 1 },
          copeland: { mean: 1, borda: 1, kemeny: 1 },
          kemeny: { mean: 1, borda: 1, copeland: 1 },
        },
        condorcetWinner: "roberta",
      },
    });
  });

  it("aggregate scores within 1e-9 relative are tied (0.1 + 0.2 vs 0.3)", () => {
    const r = rankTable({
      systems: [
        { slug: "a", scores: { x: 0.1, y: 0.2 } },
        { slug: "b", scores: { x: 0.3, y: 0 } },
        { slug: "c", scores: { x: 0, y: 0.1 } },
      ],
      methods: ["mean"],
    });
    expect(r.systems.map((s) => [s.slug, s.results.mean.rank])).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 3],
    ]);
  });

  it("a system without any score: no mean score, ranked last; borda gives it (n-1)/2 per task", () => {
    const r = rankTable({
      tasks: [{ slug: "t" }],
      systems: [
        { slug: "a", scores: { t: 1 } },
        { slug: "none", scores: {} },
        { slug: "b", scores: { t: 2 } },
      ],
      methods: ["mean", "borda", "winrate"],
    });
    const none = r.systems.find((s) => s.slug === "none")!;
    expect(none.coverage).toBe(0);
    expect(none.results.mean).toEqual({ rank: 3 });
    expect(none.results.winrate).toEqual({ rank: 3 });
    // m=2, k=1: b (r=1) = 1 + 1*(3-1)/3 = 5/3; a (r=2) = 0 + 1/3; none = 1 -> sum 3
    expect(none.results.borda.score).toBe(1);
    expect(r.systems[0].results.borda.score).toBeCloseTo(5 / 3, 12);
  });

  it("a constant ranking gives a null Kendall tau", () => {
    const r = rankTable({
      systems: [
        { slug: "a", scores: { t: 1, u: 1 } },
        { slug: "b", scores: { t: 1, u: 2 } },
      ],
      methods: ["plurality", "mean"],
    });
    // plurality: t -> a,b split .5/.5; u -> b 1 => a .5, b 1.5 (not constant); use t only below
    expect(r.agreement.kendallTau.plurality.mean).toBe(1);
    const c = rankTable({ systems: [{ slug: "a", scores: { t: 1 } }, { slug: "b", scores: { t: 1 } }], methods: ["mean", "borda"] });
    expect(c.agreement.kendallTau.mean.borda).toBeNull();
  });

  it("Condorcet winner is reported even when copeland/kemeny are not requested", () => {
    const r = rankTable({ systems: [{ slug: "a", scores: { t: 2, u: 2 } }, { slug: "b", scores: { t: 1, u: 3 } }, { slug: "c", scores: { t: 0, u: 0 } }], methods: ["mean"] });
    // M(a,b) = 1 = M(b,a): tie -> no winner
    expect(r.agreement.condorcetWinner).toBeNull();
    const w = rankTable({ systems: [{ slug: "a", scores: { t: 2, u: 2, v: 1 } }, { slug: "b", scores: { t: 1, u: 3, v: 0 } }], methods: ["mean"] });
    expect(w.agreement.condorcetWinner).toBe("a");
  });
});

describe("ranksFromScores and kendallTauB", () => {
  it("competition ranks with ties and NaN last", () => {
    expect(Array.from(ranksFromScores([5, 7, 7, 1, NaN, NaN]))).toEqual([3, 1, 1, 4, 5, 5]);
  });
  it("tie groups are anchored on their first score (no unbounded chaining)", () => {
    const e = 0.6e-9;
    expect(Array.from(ranksFromScores([1, 1 - e, 1 - 2 * e]))).toEqual([1, 1, 3]);
  });
  it("tau-b by hand", () => {
    expect(kendallTauB([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12); // C=2, D=1
    expect(kendallTauB([1, 1, 3], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12); // C=2, tx=1
    expect(kendallTauB([1, 1], [1, 2])).toBeNull();
  });
});

describe("input validation", () => {
  const bad = (input: unknown): string[] => {
    try {
      rankTable(input as RankInput);
    } catch (e) {
      expect(e).toBeInstanceOf(RankingInputError);
      return (e as RankingInputError).details.map((d) => d.field);
    }
    throw new Error("expected a RankingInputError");
  };
  it("rejects each kind of bad table with a field path", () => {
    expect(bad({ systems: [] })).toEqual(["systems"]);
    expect(bad({ systems: [{ slug: "a", scores: {} }, { slug: "a", scores: {} }] })).toEqual(["systems[1].slug"]);
    expect(bad({ systems: [{ slug: "a", scores: { t: Infinity } }] })).toEqual(["systems[0].scores.t"]);
    expect(bad({ systems: [{ slug: "a", scores: { t: NaN } }] })).toEqual(["systems[0].scores.t"]);
    expect(bad({ tasks: [{ slug: "t" }], systems: [{ slug: "a", scores: { u: 1 } }] })).toEqual(["systems[0].scores.u"]);
    expect(bad({ tasks: [{ slug: "t" }, { slug: "t" }], systems: [{ slug: "a", scores: {} }] })).toEqual(["tasks[1].slug"]);
    expect(bad({ tasks: [{ slug: "t", weight: 0 }], systems: [{ slug: "a", scores: {} }] })).toEqual(["tasks[0].weight"]);
    expect(bad({ tasks: [{ slug: "t", weight: -1 }], systems: [{ slug: "a", scores: {} }] })).toEqual(["tasks[0].weight"]);
    expect(bad({ systems: [{ slug: "a", scores: {} }], methods: ["median"] })).toEqual(["methods[0]"]);
    expect(bad({ systems: [{ slug: "a", scores: {} }], methods: [] })).toEqual(["methods"]);
  });
});
