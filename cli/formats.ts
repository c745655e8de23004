/**
 * The input formats of `podium import`, each parsed into the one in-memory table the import
 * checks and sends (so validation, dry runs, batches, retries and re-import skipping are shared):
 * wide CSV (`system,<task>,...`), long CSV (`system,task,score` in any column order) and
 * lm-evaluation-harness results JSON (one file, or a folder of them: one model per file).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CsvError, parseCsvRows, parseWideCsv, slugifyAll, type WideTable } from "./csv.ts";

export const FORMATS = ["wide", "long", "lm-eval"] as const;
export type Format = (typeof FORMATS)[number];

export interface ScoreTable extends WideTable {
  /** Slugs the format chose for the tasks (lm-eval: "hellaswag-acc-norm"); otherwise slugs of the names. */
  taskSlugs?: string[];
  /** Tasks (names) the file itself says are lower-is-better (lm-eval `higher_is_better`). */
  lowerIsBetter?: Set<string>;
  /** Where each system comes from, for messages ("CSV line 2", "file x.json"); default: its CSV line. */
  where?: string[];
}

/** The file cannot be read as the format it is (exit 2, nothing sent). */
export class FormatError extends Error {}

/** The header columns a long CSV needs, with the synonyms accepted for each (case-insensitive). */
const LONG_COLUMNS = { system: ["system", "model"], task: ["task", "benchmark"], score: ["score", "value"] } as const;

/** Which column of `header` holds system, task and score; undefined when one is missing. */
function longColumns(header: string[]): Record<keyof typeof LONG_COLUMNS, number> | undefined {
  const names = header.map((h) => h.trim().toLowerCase());
  const index = (synonyms: readonly string[]) => names.findIndex((n) => synonyms.includes(n));
  const cols = { system: index(LONG_COLUMNS.system), task: index(LONG_COLUMNS.task), score: index(LONG_COLUMNS.score) };
  return Object.values(cols).every((i) => i >= 0) ? cols : undefined;
}

/** `--format` given, or guessed: a folder or *.json is lm-eval; a CSV whose header is exactly system,task,score (any order, synonyms) is long. */
export function detectFormat(file: string, isDirectory: boolean, text: string | undefined): Format {
  if (isDirectory || /\.json$/i.test(file)) return "lm-eval";
  const firstLine = (text ?? "").replace(/^\ufeff/, "").split(/\r?\n/, 1)[0];
  const header = parseCsvRows(firstLine)[0] ?? [];
  return header.length === 3 && longColumns(header) ? "long" : "wide";
}

/** Parse a long CSV: one score per row; an empty score is missing; the same (system, task) twice is an error. */
export function parseLongCsv(text: string): ScoreTable {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new CsvError("empty CSV");
  const [header, ...body] = rows;
  const cols = longColumns(header);
  if (!cols) throw new CsvError(`a long CSV needs the columns system, task and score (or model, benchmark, value); got ${header.join(",")}`, 1);
  if (header.length !== 3) throw new CsvError(`a long CSV has exactly three columns (system, task, score); got ${header.length}`, 1);
  const tasks: string[] = [];
  const taskSeen = new Set<string>();
  const systems = new Map<string, { name: string; scores: Record<string, number | null>; line: number }>();
  const firstLine = new Map<string, number>();
  body.forEach((cells, r) => {
    const line = r + 2;
    if (cells.length !== 3) throw new CsvError(`expected 3 fields, got ${cells.length}`, line);
    const name = cells[cols.system].trim();
    const task = cells[cols.task].trim();
    const raw = cells[cols.score].trim();
    if (!name) throw new CsvError("empty system name", line);
    if (!task) throw new CsvError("empty task name", line);
    const key = JSON.stringify([name, task]);
    const earlier = firstLine.get(key);
    if (earlier !== undefined) throw new CsvError(`system "${name}" has a second score for task "${task}" (the first is on line ${earlier})`, line);
    firstLine.set(key, line);
    let score: number | null = null;
    if (raw !== "") {
      score = Number(raw);
      if (!Number.isFinite(score)) throw new CsvError(`score "${raw}" for task "${task}" is not a finite number`, line);
    }
    if (!taskSeen.has(task)) {
      taskSeen.add(task);
      tasks.push(task);
    }
    const system = systems.get(name) ?? { name, scores: {}, line };
    system.scores[task] = score;
    systems.set(name, system);
  });
  const list = [...systems.values()];
  for (const s of list) for (const t of tasks) if (!(t in s.scores)) s.scores[t] = null;
  return { tasks, systems: list.map(({ name, scores }) => ({ name, scores })), where: list.map((s) => `CSV line ${s.line}`) };
}

interface LmEvalResults {
  results: Record<string, Record<string, unknown>>;
  higher_is_better?: Record<string, Record<string, unknown>>;
  model_name?: unknown;
  config?: { model_args?: unknown; model?: unknown };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The model a results file is about: `model_name` (harness >= 0.4.3), else `pretrained=` in `config.model_args`, else the file name. */
function modelName(r: LmEvalResults, file: string): string {
  if (typeof r.model_name === "string" && r.model_name.trim()) return r.model_name.trim();
  const args = r.config?.model_args;
  const pretrained = typeof args === "string" ? /(?:^|,)\s*pretrained=([^,]+)/.exec(args)?.[1] : isObject(args) && typeof args.pretrained === "string" ? args.pretrained : undefined;
  if (pretrained?.trim()) return pretrained.trim();
  return path.basename(file, path.extname(file));
}

interface LmEvalTask {
  name: string;
  /** What its slug is made from: "hellaswag-acc-norm" ("_" and "," read as "-"). */
  slugSource: string;
  higherIsBetter: boolean;
}

/**
 * One results file: every numeric "metric,filter" value of every task becomes a score of the task
 * "task metric" (slug "task-metric", plus "-filter" unless the filter is "none"); `_stderr` entries and
 * non-numbers (aliases, "N/A") are skipped; the direction is `higher_is_better[task][metric]`.
 */
function parseLmEvalFile(file: string, text: string): { model: string; scores: Map<LmEvalTask, number> } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(json) || !isObject(json.results)) return undefined;
  const r = json as unknown as LmEvalResults;
  const scores = new Map<LmEvalTask, number>();
  for (const [task, metrics] of Object.entries(r.results)) {
    if (!isObject(metrics)) continue;
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      const [metric, filter = "none"] = key.split(",", 2);
      if (metric.endsWith("_stderr")) continue;
      const direction = r.higher_is_better?.[task]?.[metric];
      const variant = filter === "none" ? metric : `${metric},${filter}`;
      const name = `${task} ${variant}`;
      scores.set({ name, slugSource: name.replace(/[_,]/g, "-"), higherIsBetter: direction !== false }, value);
    }
  }
  return { model: modelName(r, file), scores };
}

/** Every *.json file under `dir` (sub-folders included, as the harness writes one folder per model), sorted. */
function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.json$/i.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** lm-eval results: one file (with an optional --system name) or a folder of files, one model each. */
export function readLmEval(target: string, isDirectory: boolean, system: string | undefined, note: (msg: string) => void): ScoreTable {
  const files = isDirectory ? jsonFiles(target) : [target];
  if (isDirectory && system !== undefined) throw new FormatError("--system names the model of a single results file, not of a folder");
  const tasks = new Map<string, LmEvalTask>();
  const systems: ScoreTable["systems"] = [];
  const where: string[] = [];
  const fileOf = new Map<string, string>();
  for (const file of files) {
    const parsed = parseLmEvalFile(file, readFileSync(file, "utf8"));
    if (!parsed) {
      if (!isDirectory) throw new FormatError(`${file}: not an lm-evaluation-harness results file (no "results" object)`);
      note(`skipping ${file}: not an lm-evaluation-harness results file (no "results" object)`);
      continue;
    }
    const name = system ?? parsed.model;
    const earlier = fileOf.get(name);
    if (earlier) throw new FormatError(`${file} and ${earlier} are both results of "${name}"; keep one of them (one model per file)`);
    fileOf.set(name, file);
    const scores: Record<string, number | null> = {};
    for (const [task, value] of parsed.scores) {
      const known = tasks.get(task.name);
      if (known && known.higherIsBetter !== task.higherIsBetter)
        throw new FormatError(`${file}: higher_is_better of "${task.name}" is ${task.higherIsBetter}, but ${known.higherIsBetter} in an earlier file`);
      tasks.set(task.name, known ?? task);
      scores[task.name] = value;
    }
    systems.push({ name, scores });
    where.push(`file ${file}`);
  }
  if (!systems.length) throw new FormatError(`${target}: no lm-evaluation-harness results file (*.json with a "results" object)`);
  const all = [...tasks.values()];
  if (!all.length) throw new FormatError(`${target}: no numeric result in any results file`);
  for (const s of systems) for (const t of all) if (!(t.name in s.scores)) s.scores[t.name] = null;
  return {
    tasks: all.map((t) => t.name),
    taskSlugs: slugifyAll(all.map((t) => t.slugSource)),
    lowerIsBetter: new Set(all.filter((t) => !t.higherIsBetter).map((t) => t.name)),
    systems,
    where,
  };
}

/** Read `target` in `format` (or the detected one) into the import's table. Throws CsvError, FormatError or the read error. */
export function readScoreTable(target: string, format: Format | undefined, system: string | undefined, note: (msg: string) => void): { format: Format; table: ScoreTable } {
  const isDirectory = statSync(target).isDirectory();
  const text = isDirectory || format === "lm-eval" || (!format && /\.json$/i.test(target)) ? undefined : readFileSync(target, "utf8");
  const chosen = format ?? detectFormat(target, isDirectory, text);
  if (system !== undefined && chosen !== "lm-eval") throw new FormatError("--system only applies to lm-eval results (a CSV names its systems)");
  if (chosen === "lm-eval") return { format: chosen, table: readLmEval(target, isDirectory, system, note) };
  if (isDirectory) throw new FormatError(`${target} is a folder; only --format lm-eval reads a folder`);
  return { format: chosen, table: chosen === "long" ? parseLongCsv(text!) : parseWideCsv(text!) };
}
