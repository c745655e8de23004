/**
 * Ranking benches: task-level methods at 1,000 x 100 and a whole `mean` response at 5,000 x 20
 * against a sort-only baseline; Kemeny time to proof; Kemeny wall time against its budget.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseWideCsv } from "../cli/csv.ts";
import { computeMethod, rankPreparedTable, solveKemeny, Table, tableFromInput, type LinearSolver, type ScoreMethod } from "../ranking/index.ts";
import { loadKemenySolver } from "../service/kemeny-solver.ts";
import { uncorrelatedSystems } from "../test/helpers/random-tables.ts";
import { ms, now, printTable, rng, timeMedian } from "./util.ts";

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples");

function randomScores(n: number, m: number, noise: number, seed: number): Float64Array {
  const r = rng(seed);
  const quality = Array.from({ length: n }, () => r());
  const scores = new Float64Array(n * m);
  for (let s = 0; s < n; s++) for (let t = 0; t < m; t++) scores[s * m + t] = Math.round((quality[s] + noise * (r() - 0.5)) * 1000) / 10;
  return scores;
}

function methodsBench(): void {
  const n = 1000;
  const m = 100;
  const scores = randomScores(n, m, 0.5, 42);
  const systems = Array.from({ length: n }, (_, i) => `s${i}`);
  const tasks = Array.from({ length: m }, (_, i) => `t${i}`);
  const fresh = () => new Table({ systems, tasks, scores });

  const column = new Float64Array(n);
  const baseline = timeMedian(() => {
    for (let t = 0; t < m; t++) {
      for (let s = 0; s < n; s++) column[s] = scores[s * m + t];
      column.sort();
    }
  });
  const rows: (string | number)[][] = [["method", "median", "/ baseline"], ["baseline: sort each task column", ms(baseline), "1.00x"]];
  for (const method of ["borda", "mean", "winrate", "dowdall", "copeland"] as ScoreMethod[]) {
    const runs = method === "copeland" ? 5 : 15;
    const t = timeMedian(() => computeMethod(fresh(), method), runs, 2);
    rows.push([`${method} (fresh table${method === "mean" ? "" : method === "copeland" ? ", builds M" : ", builds per-task ranks"})`, ms(t), `${(t / baseline).toFixed(2)}x`]);
  }
  console.log(`\nTask-level methods, ${n} systems x ${m} tasks (target: borda within 2x of the baseline)`);
  printTable(rows);
}

function kemenyRow(label: string, table: Table, budgetMs: number): (string | number)[] {
  const t0 = now();
  const M = table.pairwise;
  const t1 = now();
  const r = solveKemeny(M, table.n, { budgetMs });
  const t2 = now();
  const gap = r.upperBound - r.agreement;
  return [label, table.n, ms(t1 - t0), ms(t2 - t1), r.exact ? "proven" : `gap ${gap.toFixed(1)} (${((100 * gap) / r.upperBound).toFixed(3)}%)`];
}

function kemenyBench(): void {
  const budget = 2000;
  const rows: (string | number)[][] = [["table", "systems", "build M", "solve", "result"]];
  if (existsSync(dataDir)) {
    for (const file of ["glue.csv", "superglue.csv", "xtreme.csv", "value.csv", "xtreme_missing.csv"]) {
      const w = parseWideCsv(readFileSync(path.join(dataDir, file), "utf8"));
      const { table } = tableFromInput({ systems: w.systems.map((s) => ({ slug: s.name, scores: s.scores })) });
      rows.push(kemenyRow(file, table, budget));
    }
  } else console.log(`\n[skip] Kemeny on shared tables: ${dataDir} not found`);
  for (const n of [20, 40, 80])
    for (const noise of [0.5, 1.5]) {
      const m = 10;
      const table = new Table({
        systems: Array.from({ length: n }, (_, i) => `s${i}`),
        tasks: Array.from({ length: m }, (_, i) => `t${i}`),
        scores: randomScores(n, m, noise, 1000 + n),
      });
      rows.push(kemenyRow(`random n=${n}, 10 tasks, noise ${noise}`, table, budget));
    }
  console.log(`\nKemeny: time to proof (budget ${budget} ms; past it: gap = upperBound - agreement)`);
  printTable(rows);
}

const uncorrelatedTable = (n: number, m: number, seed: number): Table => tableFromInput({ systems: uncorrelatedSystems(n, m, seed) }).table;

/** Uncorrelated 60/80/100-system tables: branch and bound alone vs with HiGHS (time to proof, or the gap at the budget). */
function kemenyLpBench(lpSolver: LinearSolver | undefined): void {
  const budget = 2000;
  if (!lpSolver) {
    console.log("\n[skip] Kemeny with HiGHS: the solver did not load");
    return;
  }
  const cell = (r: ReturnType<typeof solveKemeny>, t: number) => (r.exact ? `${ms(t)} proven` : `gap ${(r.upperBound - r.agreement).toFixed(1)}`);
  const rows: (string | number)[][] = [["table (uncorrelated, 10% missing)", "B&B only", "with HiGHS", "B&B / HiGHS time"]];
  for (const [n, m] of [
    [60, 3],
    [60, 5],
    [60, 8],
    [60, 10],
    [80, 5],
    [100, 5],
  ]) {
    const table = uncorrelatedTable(n, m, 7 + n * 100 + m);
    const M = table.pairwise;
    const t0 = now();
    const bb = solveKemeny(M, n, { budgetMs: budget });
    const t1 = now();
    const lp = solveKemeny(M, n, { budgetMs: budget, lpSolver });
    const t2 = now();
    rows.push([`n=${n}, ${m} tasks`, cell(bb, t1 - t0), cell(lp, t2 - t1), `${((t1 - t0) / (t2 - t1)).toFixed(2)}x`]);
  }
  console.log(`\nKemeny on uncorrelated tables, branch and bound alone vs with HiGHS (budget ${budget} ms each)`);
  printTable(rows);
}

/** A whole `mean` response (scores, ranks, Condorcet winner) at 5,000 x 20: no n x n work left in it. */
function meanResponseBench(): void {
  const n = 5000;
  const m = 20;
  const scores = randomScores(n, m, 0.5, 43);
  const systems = Array.from({ length: n }, (_, i) => `s${i}`);
  const tasks = Array.from({ length: m }, (_, i) => `t${i}`);
  const column = new Float64Array(n);
  const baseline = timeMedian(() => {
    for (let t = 0; t < m; t++) {
      for (let s = 0; s < n; s++) column[s] = scores[s * m + t];
      column.sort();
    }
  });
  const rows: (string | number)[][] = [["work", "median", "/ baseline"], ["baseline: sort each task column", ms(baseline), "1.00x"]];
  for (const methods of [["mean"], ["mean", "borda"]] as ScoreMethod[][]) {
    const t = timeMedian(() => rankPreparedTable(new Table({ systems, tasks, scores }), methods), 7, 2);
    rows.push([`rankPreparedTable ${methods.join(",")} (fresh table, Condorcet, Kendall tau)`, ms(t), `${(t / baseline).toFixed(2)}x`]);
  }
  console.log(`\nA whole response, ${n} systems x ${m} tasks (before: mean 6.9 s, O(n^2) matrix and tau)`);
  printTable(rows);
}

/** Kemeny with kemenyBudgetMs 500 on tables a 1 MiB body admits: wall time (matrix included) / budget. */
function kemenyBudgetBench(lpSolver: LinearSolver | undefined): void {
  const budget = 500;
  const rows: (string | number)[][] = [["table (uncorrelated, 10% missing)", "solver", "wall", "cpu", "wall / budget", "result"]];
  for (const [n, m] of [
    [100, 20],
    [2000, 3],
  ]) {
    for (const solver of lpSolver ? [undefined, lpSolver] : [undefined]) {
      const table = uncorrelatedTable(n, m, 11 + n + m);
      const cpu0 = process.cpuUsage();
      const t0 = now();
      const r = rankPreparedTable(table, ["kemeny"], { kemenyBudgetMs: budget, lpSolver: solver }).kemeny!;
      const wall = now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const gap = r.upperBound - r.agreement;
      rows.push([`n=${n}, ${m} tasks`, solver ? "HiGHS" : "B&B", ms(wall), ms((cpu.user + cpu.system) / 1000), `${(wall / budget).toFixed(2)}x`, r.exact ? "proven" : `gap ${gap.toFixed(1)}`]);
    }
  }
  console.log(`\nKemeny wall time against kemenyBudgetMs ${budget} (pairwise matrix included; target: about 1 s, a ratio near 2 at most)`);
  printTable(rows);
}

export async function runRankingBenches(): Promise<void> {
  const lpSolver = await loadKemenySolver();
  methodsBench();
  meanResponseBench();
  kemenyBudgetBench(lpSolver);
  kemenyBench();
  kemenyLpBench(lpSolver);
}
