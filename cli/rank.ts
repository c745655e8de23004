/** `podium rank FILE.csv ...`: rank a wide CSV by every method, side by side, with the ranking module (no server). */
import { readFileSync } from "node:fs";
import { isTaskMethod, rankTable, RankingInputError, TASK_METHODS, type RankResponse, type TaskMethod } from "../ranking/index.ts";
import { commaList, lastValue, listValue, parseCommand, renderHelp, UsageError, weightsValue, type CommandSpec } from "./args.ts";
import { CsvError, parseWideCsv } from "./csv.ts";
import { loadKemenySolver } from "../service/kemeny-solver.ts";

export const RANK_COMMAND: CommandSpec = {
  name: "rank",
  synopsis: "FILE.csv [flags]",
  summary: "Rank the systems of a wide CSV (system,<task>,...; an empty cell is a missing score) by every\nmethod, side by side. Runs the ranking engine locally: no server, no database.",
  flags: {
    methods: { type: "string", value: "m1,m2", help: `methods to run, in this order: ${TASK_METHODS.join(", ")}`, default: "all" },
    "lower-is-better": { type: "string", value: "t1,t2", help: "tasks (CSV header names) where a lower score is better", default: "none: every task is higher-is-better" },
    weights: { type: "string", value: "t=2,u=0.5", help: "task weights, each > 0", default: "1 for every task" },
    format: { type: "string", value: "table|json|csv", help: "output: a side-by-side table, the full JSON response, or one CSV row per system", default: "table" },
    "kemeny-budget-ms": { type: "string", value: "N", help: "time budget of the exact Kemeny solver; past it the best order found is printed, marked not proven", default: "2000" },
  },
  notes: `List flags (--lower-is-better, --weights) may repeat and add up; for the others the last one counts.
Exit codes: 0 done, 2 bad flags or CSV.`,
};

interface RankArgs {
  file: string;
  methods?: TaskMethod[];
  lower: string[];
  weights: Map<string, number>;
  format: "table" | "json" | "csv";
  budget?: number;
}

function parseRankArgs(args: string[]): RankArgs | "help" {
  const p = parseCommand(RANK_COMMAND, args);
  if (p === "help") return "help";
  const out: RankArgs = { file: "", lower: listValue(p, "lower-is-better"), weights: weightsValue(p, "weights"), format: "table" };
  const methods = lastValue(p, "methods");
  if (methods !== undefined) {
    const ms = commaList(methods);
    const unknown = ms.filter((m) => !isTaskMethod(m));
    if (unknown.length || !ms.length) throw new UsageError(`unknown method(s) ${unknown.join(", ") || "(none given)"}; known: ${TASK_METHODS.join(", ")}`);
    out.methods = ms as TaskMethod[];
  }
  const format = lastValue(p, "format");
  if (format !== undefined) {
    if (format !== "table" && format !== "json" && format !== "csv") throw new UsageError(`--format must be table, json or csv (got "${format}")`);
    out.format = format;
  }
  const budget = lastValue(p, "kemeny-budget-ms");
  if (budget !== undefined) {
    const x = Number(budget);
    if (budget.trim() === "" || !Number.isFinite(x) || x < 0) throw new UsageError(`--kemeny-budget-ms must be a number >= 0 (got "${budget}")`);
    out.budget = x;
  }
  if (p.positionals.length !== 1) throw new UsageError(p.positionals.length ? "give exactly one CSV file" : "missing FILE.csv");
  out.file = p.positionals[0];
  return out;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function fmt(x: number | undefined): string {
  if (x === undefined) return "";
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, "");
}

function renderTable(r: RankResponse): string {
  const head = ["system", "cov", ...r.methods];
  const rows = r.systems.map((s) => [s.slug, String(s.coverage), ...r.methods.map((m) => String(s.results[m].rank))]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ").trimEnd();
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  out.push("");
  if (r.kemeny) {
    const k = r.kemeny;
    out.push(`kemeny: agreement ${fmt(k.agreement)}, ${k.exact ? "proven optimal" : `not proven (upper bound ${fmt(k.upperBound)})`}`);
  }
  out.push(`condorcet winner: ${r.agreement.condorcetWinner ?? "none"}`);
  if (r.methods.length > 1) {
    const first = r.methods[0];
    const taus = r.methods.slice(1).map((m) => `${m} ${r.agreement.kendallTau[first][m]?.toFixed(3) ?? "n/a"}`);
    out.push(`kendall tau-b vs ${first}: ${taus.join(", ")}`);
  }
  return out.join("\n") + "\n";
}

function renderCsv(r: RankResponse): string {
  const head = ["system", "coverage"];
  for (const m of r.methods) head.push(...(m === "kemeny" ? [`${m}_rank`] : [`${m}_rank`, `${m}_score`]));
  const lines = [head.join(",")];
  for (const s of r.systems) {
    const cells = [csvField(s.slug), String(s.coverage)];
    for (const m of r.methods) {
      const c = s.results[m];
      cells.push(String(c.rank));
      if (m !== "kemeny") cells.push(c.score === undefined ? "" : String(c.score));
    }
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}

export async function runRank(args: string[]): Promise<number> {
  const fail = (msg: string): number => {
    process.stderr.write(`podium rank: ${msg}\n`);
    return 2;
  };
  try {
    const parsed = parseRankArgs(args);
    if (parsed === "help") {
      process.stdout.write(renderHelp(RANK_COMMAND));
      return 0;
    }
    let text: string;
    try {
      text = readFileSync(parsed.file, "utf8");
    } catch (e) {
      return fail(`cannot read ${parsed.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const wide = parseWideCsv(text);
    const known = new Set(wide.tasks);
    const unknown = [...parsed.lower, ...parsed.weights.keys()].filter((t) => !known.has(t));
    if (unknown.length) return fail(`unknown task(s) ${[...new Set(unknown)].join(", ")}; the CSV has: ${wide.tasks.join(", ")}`);
    const response = rankTable({
      tasks: wide.tasks.map((slug) => ({ slug, higherIsBetter: !parsed.lower.includes(slug), weight: parsed.weights.get(slug) ?? 1 })),
      systems: wide.systems.map((s) => ({ slug: s.name, scores: s.scores })),
      methods: parsed.methods,
      kemenyBudgetMs: parsed.budget,
    }, { lpSolver: !parsed.methods || parsed.methods.includes("kemeny") ? await loadKemenySolver() : undefined });
    const render = { table: renderTable, json: (r: RankResponse) => JSON.stringify(r, null, 2) + "\n", csv: renderCsv }[parsed.format];
    process.stdout.write(render(response));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message} (see podium rank --help)`);
    if (e instanceof CsvError) return fail(`bad CSV: ${e.message}`);
    if (e instanceof RankingInputError) return fail(`bad table: ${e.message}`);
    throw e;
  }
}
