/**
 * Evidence benches (README "Evidence behind every rank"): the pairwise evidence matrices against
 * building the pairwise matrix M (the same O(n^2 m) comparisons), and one what-if answer (two
 * HiGHS LPs and a replay) against one ranking by the same method.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseWideCsv } from "../cli/csv.ts";
import { computeMethod, computePairwise, pairwiseTaskLevel, Table, tableFromInput, whatIf } from "../ranking/index.ts";
import { loadKemenySolver } from "../service/kemeny-solver.ts";
import { ms, printTable, rng, timeMedian } from "./util.ts";

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples");

function glue(): Table {
  const w = parseWideCsv(readFileSync(path.join(dataDir, "glue.csv"), "utf8"));
  return tableFromInput({ systems: w.systems.map((s) => ({ slug: s.name, scores: s.scores })) }).table;
}

function random(n: number, m: number): Table {
  const r = rng(7);
  const scores = Float64Array.from({ length: n * m }, () => Math.round(r() * 1000) / 10);
  return new Table({ systems: Array.from({ length: n }, (_, i) => `s${i}`), tasks: Array.from({ length: m }, (_, i) => `t${i}`), scores });
}

export async function runEvidenceBenches(): Promise<void> {
  const rows: (string | number)[][] = [["table", "baseline: build M", "pairwise evidence", "/ baseline"]];
  for (const [label, table] of [
    ["GLUE 105 x 14", glue()],
    ["random 500 x 20", random(500, 20)],
  ] as [string, Table][]) {
    const base = timeMedian(() => computePairwise(table.oriented, table.weights, table.n, table.m), 9, 2);
    const t = timeMedian(() => pairwiseTaskLevel(table, 0.05), 9, 2);
    rows.push([label, ms(base), ms(t), `${(t / base).toFixed(2)}x`]);
  }
  console.log("\nPairwise evidence (wins, n, half-width, separated) against the pairwise matrix M");
  printTable(rows);

  const solver = await loadKemenySolver();
  if (!solver) return console.log("\n[skip] what-if: HiGHS did not load");
  const table = glue();
  const wi: (string | number)[][] = [["method", "baseline: rank once", "what-if (one system)", "/ baseline"]];
  for (const method of ["borda", "mean"] as const) {
    const base = timeMedian(() => computeMethod(new Table({ systems: table.systems, tasks: table.tasks, scores: table.scores }), method), 15, 3);
    let s = 0;
    const t = timeMedian(() => whatIf(table, method, s++ % table.n, solver), 15, 3);
    wi.push([method, ms(base), ms(t), `${(t / base).toFixed(1)}x`]);
  }
  console.log("\nWhat-if weights on GLUE (105 systems x 14 tasks), per system");
  printTable(wi);
}
