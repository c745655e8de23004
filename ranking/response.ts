/** Assembling a RankResponse from per-method scores / ranks (shared by task- and instance-level ranking). */
import { kendallTauB, ranksFromScores } from "./ranks.ts";
import type { KemenySummary, MethodCell, RankResponse, RankedSystem } from "./types.ts";

export interface MethodOutcome {
  method: string;
  /** Higher is better; NaN = no score. Absent for rank-only methods (kemeny). */
  scores?: Float64Array;
  ranks: Int32Array;
}

export function outcomeFromScores(method: string, scores: Float64Array): MethodOutcome {
  return { method, scores, ranks: ranksFromScores(scores) };
}

export function buildResponse(
  systems: string[],
  coverage: ArrayLike<number>,
  outcomes: MethodOutcome[],
  condorcet: number,
  kemeny?: KemenySummary,
): RankResponse {
  const n = systems.length;
  const rows: RankedSystem[] = systems.map((slug, s) => {
    const results: Record<string, MethodCell> = {};
    for (const o of outcomes) {
      const score = o.scores?.[s];
      results[o.method] = score === undefined || Number.isNaN(score) ? { rank: o.ranks[s] } : { score, rank: o.ranks[s] };
    }
    return { slug, coverage: coverage[s], results };
  });
  const idx = Array.from({ length: n }, (_, i) => i);
  if (outcomes.length) {
    const first = outcomes[0].ranks;
    idx.sort((a, b) => first[a] - first[b] || a - b);
  }
  const kendallTau: Record<string, Record<string, number | null>> = {};
  for (const a of outcomes) kendallTau[a.method] = {};
  for (let i = 0; i < outcomes.length; i++)
    for (let j = i + 1; j < outcomes.length; j++) {
      const tau = kendallTauB(outcomes[i].ranks, outcomes[j].ranks);
      kendallTau[outcomes[i].method][outcomes[j].method] = tau;
      kendallTau[outcomes[j].method][outcomes[i].method] = tau;
    }
  const response: RankResponse = {
    methods: outcomes.map((o) => o.method),
    systems: idx.map((i) => rows[i]),
    agreement: { kendallTau, condorcetWinner: condorcet >= 0 ? systems[condorcet] : null },
  };
  if (kemeny) {
    // keep JSON key order: methods, systems, kemeny, agreement
    return { methods: response.methods, systems: response.systems, kemeny, agreement: response.agreement };
  }
  return response;
}
