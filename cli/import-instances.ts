/**
 * `podium import-instances FILE --benchmark SLUG ...`: load instance-level scores into a running
 * Podium server, one streamed upload per system (`POST .../systems/{system}/instances`, which
 * replaces that system's instance scores, all or nothing). Two long formats:
 * - metrics: `system,instance,<metric>...` (one column per metric, each a task; empty = missing);
 * - long: `system,task,instance,score` (columns in any order; an empty score is missing).
 * The file is read as a stream and checked whole before anything is sent (columns, names,
 * numbers); duplicates are found by the server, and its line numbers are mapped back to the file.
 */
import { createReadStream } from "node:fs";
import { commaList, integerValue, parseCommand, renderHelp, singleValue, UsageError, type CommandSpec } from "./args.ts";
import { parseCsvRows, slugifyAll } from "./csv.ts";
import { describeFailure, HttpClient, ServerError } from "./http.ts";
import { CREATE_FLAGS, DEFAULT_RETRIES, ensureBenchmark, mapTasks, MAX_NAME, MAX_TASKS, SERVER_FLAGS, targetOptions, type TaskPlan } from "./import.ts";

const FORMATS = ["metrics", "long"] as const;
type InstanceFormat = (typeof FORMATS)[number];
const DEFAULT_CONCURRENCY = 2;
const PROGRESS_ROWS = 1_000_000;
const MAX_PROBLEMS = 10;
/** The server's instance id limit (service/instances.ts MAX_INSTANCE_ID_CHARS). */
const MAX_INSTANCE_CHARS = 200;
/** The score syntax the server accepts in CSV (service/instances.ts). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const IMPORT_INSTANCES_COMMAND: CommandSpec = {
  name: "import-instances",
  synopsis: "FILE.csv --benchmark SLUG [flags]",
  summary: `Load instance-level scores into a running Podium server: a CSV with one row per (system, instance)
and one column per metric (system,instance,<metric>...; each metric is a task), or one score a row
(system,task,instance,score). Each system's scores go in one upload that replaces its instance scores.
The file is streamed and checked whole before anything is sent.`,
  flags: {
    format: { type: "string", value: "FORMAT", help: "metrics or long", default: "long when the header is system,task,instance,score (any order), else metrics" },
    benchmark: { type: "string", value: "SLUG", help: "benchmark to load into (required)" },
    create: { type: "boolean", help: "create the benchmark when it does not exist (tasks from the metric columns or the task names; needs an admin token)" },
    ...CREATE_FLAGS,
    "lower-is-better": { type: "string", value: "t1,t2", help: "with --create: tasks (names or slugs) where a lower score is better", default: "none" },
    weights: { type: "string", value: "t=2,u=0.5", help: "with --create: task weights (names or slugs), each > 0", default: "1 for every task" },
    exclude: { type: "string", value: "m1,m2", help: "metrics format: metric columns to leave out", default: "none" },
    concurrency: { type: "string", value: "N", help: "uploads in flight at once", default: String(DEFAULT_CONCURRENCY) },
    "dry-run": { type: "boolean", help: "read and check the file, print what would be sent; contacts no server" },
    ...SERVER_FLAGS,
  },
  notes: `System slugs come from the names as in podium import ("M61" -> m61); a system's instance upload
names it by its slug. Progress goes to stderr: rows read, then systems uploaded.

Each system's upload is stored whole or not at all, and replaces that system's instance scores: if an
upload fails, the systems uploaded before it stay stored, and running the command again sends them all
again (same result).

Exit codes: 0 done, 2 bad flags or CSV (nothing sent), 1 the server refused or could not be reached.`,
};

interface Args {
  file: string;
  format?: InstanceFormat;
  benchmark: string;
  create: boolean;
  name?: string;
  description?: string;
  lower: string[];
  weights: Map<string, number>;
  exclude: string[];
  concurrency: number;
  dryRun: boolean;
  retries: number;
  url: string;
  token: string;
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Args | "help" {
  const p = parseCommand(IMPORT_INSTANCES_COMMAND, argv);
  if (p === "help") return "help";
  if (p.positionals.length !== 1) throw new UsageError(p.positionals.length ? "give exactly one file" : "missing FILE.csv");
  const format = singleValue(p, "format");
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got "${format}")`);
  const { benchmark, create, name, description, lower, weights, dryRun, url, token } = targetOptions(p, env);
  return {
    file: p.positionals[0],
    format: format as InstanceFormat | undefined,
    benchmark,
    create,
    name,
    description,
    lower,
    weights,
    exclude: (p.values.exclude as string[] | undefined)?.flatMap(commaList) ?? [],
    concurrency: integerValue(p, "concurrency", 1) ?? DEFAULT_CONCURRENCY,
    dryRun,
    retries: integerValue(p, "retries", 0) ?? DEFAULT_RETRIES,
    url,
    token,
  };
}

/** The file cannot be imported as it is (exit 2, nothing sent). */
class InputError extends Error {}

/** One system's rows as upload body text (`<task index>,<instance>,<score>` lines) and each row's file line. */
class SystemRows {
  readonly parts: string[] = [];
  #pending = "";
  rows = 0;
  lines = new Int32Array(1024);
  constructor(readonly name: string) {}
  add(task: number, instance: string, score: string, line: number): void {
    this.#pending += `${task},${instance},${score}\n`;
    if (this.rows === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.rows++] = line;
    if (this.#pending.length >= 64 * 1024) this.flush();
  }
  flush(): void {
    if (this.#pending) this.parts.push(this.#pending);
    this.#pending = "";
  }
}

interface InstanceFile {
  format: InstanceFormat;
  /** Task names (metric columns, or task names in order of appearance). */
  tasks: string[];
  /** In order of first appearance. */
  systems: SystemRows[];
  rows: number;
}

/** An instance id as a CSV field (quoted when it must be). */
const csvField = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);

/** The lines of a file, streamed: [text, line number]; a quoted field may span lines (joined with "\n"). */
async function* csvLines(file: string): AsyncGenerator<[string, number]> {
  let rest = "";
  let no = 0;
  let pending: string | null = null;
  let pendingLine = 0;
  const emit = function* (line: string): Generator<[string, number]> {
    no++;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (no === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (pending !== null) {
      pending += "\n" + line;
      if (quoteCount(pending) % 2 === 0) {
        const text = pending;
        pending = null;
        yield [text, pendingLine];
      }
      return;
    }
    if (line.includes('"') && quoteCount(line) % 2 === 1) {
      pending = line;
      pendingLine = no;
      return;
    }
    yield [line, no];
  };
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      yield* emit(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest) yield* emit(rest);
  if (pending !== null) throw new InputError(`line ${pendingLine}: unterminated quoted field`);
}

function quoteCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

const fieldsOf = (line: string): string[] => (line.includes('"') ? (parseCsvRows(line)[0] ?? [""]) : line.split(","));

/** Read and check the whole file (streamed); problems -> InputError (at most MAX_PROBLEMS named). */
async function readInstanceFile(a: Args, progress: (rows: number) => void): Promise<InstanceFile> {
  const problems: string[] = [];
  const problem = (line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(`line ${line}: ${message}`);
  };
  const systems = new Map<string, SystemRows>();
  const tasks: string[] = [];
  const taskIndex = new Map<string, number>();
  let format: InstanceFormat | undefined;
  let width = 0;
  /** metrics: column -> task index (-1: excluded); long: the column of system, task, instance, score. */
  let columns: number[] = [];
  let rows = 0;
  let nextProgress = PROGRESS_ROWS;
  const scoreProblem = (raw: string) => (NUMBER.test(raw) && Number.isFinite(Number(raw)) ? undefined : `score "${raw.slice(0, 40)}" is not a finite number`);
  const system = (name: string) => {
    let s = systems.get(name);
    if (!s) systems.set(name, (s = new SystemRows(name)));
    return s;
  };

  for await (const [line, no] of csvLines(a.file)) {
    if (format === undefined) {
      const header = fieldsOf(line).map((h) => h.trim());
      const lower = header.map((h) => h.toLowerCase());
      const longColumns = ["system", "task", "instance", "score"].map((c) => lower.indexOf(c));
      const looksLong = header.length === 4 && longColumns.every((i) => i >= 0);
      format = a.format ?? (looksLong ? "long" : "metrics");
      width = header.length;
      if (format === "long") {
        if (!looksLong) throw new InputError(`line 1: a long CSV's header is system,task,instance,score (any order); got "${line.slice(0, 100)}"`);
        columns = longColumns;
      } else {
        if (lower[0] !== "system" || lower[1] !== "instance" || header.length < 3)
          throw new InputError(`line 1: the metrics format's header is system,instance,<metric>...; got "${line.slice(0, 100)}"`);
        const unknown = a.exclude.filter((x) => !header.slice(2).includes(x));
        if (unknown.length) throw new InputError(`--exclude names column(s) the header does not have: ${unknown.join(", ")}`);
        columns = header.map((h, i) => {
          if (i < 2 || a.exclude.includes(h)) return -1;
          if (!h) throw new InputError("line 1: empty metric name in the header");
          if (taskIndex.has(h)) throw new InputError(`line 1: metric "${h}" appears twice in the header`);
          taskIndex.set(h, tasks.length);
          tasks.push(h);
          return taskIndex.get(h)!;
        });
        if (!tasks.length) throw new InputError("no metric column left to import");
      }
      continue;
    }
    if (line === "") continue;
    const cells = fieldsOf(line);
    if (cells.length !== width) {
      problem(no, `expected ${width} fields, got ${cells.length}`);
      continue;
    }
    const name = format === "long" ? cells[columns[0]].trim() : cells[0].trim();
    const instance = format === "long" ? cells[columns[2]] : cells[1];
    if (!name) problem(no, "empty system name");
    else if (name.length > MAX_NAME) problem(no, `system name longer than ${MAX_NAME} characters`);
    if (instance === "") problem(no, "empty instance id");
    else if (instance.length > MAX_INSTANCE_CHARS) problem(no, `instance id longer than ${MAX_INSTANCE_CHARS} characters`);
    if (problems.length) continue;
    const id = csvField(instance);
    if (format === "long") {
      const task = cells[columns[1]].trim();
      const raw = cells[columns[3]].trim();
      if (!task) {
        problem(no, "empty task name");
        continue;
      }
      if (raw === "") continue; // missing
      const bad = scoreProblem(raw);
      if (bad) {
        problem(no, bad);
        continue;
      }
      let t = taskIndex.get(task);
      if (t === undefined) {
        taskIndex.set(task, (t = tasks.length));
        tasks.push(task);
      }
      system(name).add(t, id, raw, no);
      rows++;
    } else {
      for (let c = 2; c < width; c++) {
        const t = columns[c];
        const raw = cells[c].trim();
        if (t < 0 || raw === "") continue;
        const bad = scoreProblem(raw);
        if (bad) {
          problem(no, `${tasks[t]}: ${bad}`);
          break;
        }
        system(name).add(t, id, raw, no);
        rows++;
      }
    }
    if (rows >= nextProgress) {
      progress(rows);
      nextProgress += PROGRESS_ROWS;
    }
  }
  if (format === undefined) throw new InputError("empty file");
  if (problems.length) throw new InputError(problems.join("\n") + (problems.length >= MAX_PROBLEMS ? `\n(stopped after ${MAX_PROBLEMS})` : ""));
  if (rows === 0) throw new InputError("nothing to import: no score in the file");
  if (a.create && tasks.length > MAX_TASKS) throw new InputError(`${tasks.length} tasks; a benchmark has at most ${MAX_TASKS}`);
  for (const s of systems.values()) s.flush();
  return { format, tasks, systems: [...systems.values()].filter((s) => s.rows > 0), rows };
}

function taskPlan(a: Args, tasks: string[]): TaskPlan[] {
  const slugs = slugifyAll(tasks);
  const unknown = [...a.lower, ...a.weights.keys()].filter((t) => !tasks.includes(t) && !slugs.includes(t));
  if (unknown.length) throw new InputError(`unknown task(s) ${[...new Set(unknown)].join(", ")}; the file has: ${tasks.join(", ")}`);
  return tasks.map((header, i) => ({
    header,
    slug: slugs[i],
    higherIsBetter: !a.lower.some((t) => t === header || t === slugs[i]),
    weight: a.weights.get(header) ?? a.weights.get(slugs[i]) ?? 1,
  }));
}

/** The upload body of a system, with the benchmark's task slugs. */
function bodyOf(s: SystemRows, slugByIndex: string[]): string {
  return "task,instance,score\n" + s.parts.map((part) => part.replace(/^(\d+),/gm, (_, i: string) => `${slugByIndex[Number(i)]},`)).join("");
}

/** The server's `line N` of a body, as the file's line. */
function fileLines(s: SystemRows, message: string): string {
  return message.replace(/\bline (\d+)/g, (all, n: string) => {
    const row = Number(n) - 2;
    return row >= 0 && row < s.rows ? `line ${s.lines[row]}` : all;
  });
}

async function upload(a: Args, file: InstanceFile, plan: TaskPlan[]): Promise<number> {
  const http = new HttpClient(a.url, a.token, a.retries, (msg) => process.stderr.write(msg + "\n"));
  const { map, unknown } = mapTasks(plan, (await ensureBenchmark(a, { tasks: plan }, http)).benchmark.tasks);
  if (unknown.length) throw new ServerError(`the file has task(s) ${unknown.join(", ")} that benchmark ${a.benchmark} does not have`);
  const slugByIndex = plan.map((t) => map.get(t.header)!);
  const systemSlugs = slugifyAll(file.systems.map((s) => s.name));
  const base = `/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}/systems`;
  let next = 0;
  let done = 0;
  let rowsDone = 0;
  let failure: string | undefined;
  const stored: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(a.concurrency, file.systems.length) }, async () => {
      while (failure === undefined && next < file.systems.length) {
        const i = next++;
        const s = file.systems[i];
        const r = await http.request<{ rows: number }>("POST", `${base}/${encodeURIComponent(systemSlugs[i])}/instances`, bodyOf(s, slugByIndex), "text/csv");
        if (r.status !== 201) {
          failure ??= fileLines(s, describeFailure(`uploading system ${s.name} (${s.rows} rows)`, r.status, r.body));
          return;
        }
        stored.push(systemSlugs[i]);
        done++;
        rowsDone += s.rows;
        process.stderr.write(`uploaded ${done}/${file.systems.length} systems (${rowsDone.toLocaleString("en-US")} of ${file.rows.toLocaleString("en-US")} rows)\n`);
      }
    }),
  );
  if (failure !== undefined) {
    const kept = stored.length ? `stored before the failure (these stay): ${stored.length} systems: ${stored.slice(0, 10).join(", ")}${stored.length > 10 ? " ..." : ""}` : "nothing was stored";
    throw new ServerError(`${failure}\n${kept}`);
  }
  process.stdout.write(`imported ${file.rows.toLocaleString("en-US")} instance scores of ${done} systems into ${a.benchmark}\n`);
  process.stdout.write(`leaderboard: ${a.url}/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}/leaderboard?level=instance\n`);
  return 0;
}

export async function runImportInstances(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fail = (msg: string, code: number): number => {
    process.stderr.write(`podium import-instances: ${msg}\n`);
    return code;
  };
  let a: Args;
  let file: InstanceFile;
  let plan: TaskPlan[];
  try {
    const parsed = parseArgs(argv, env);
    if (parsed === "help") {
      process.stdout.write(renderHelp(IMPORT_INSTANCES_COMMAND));
      return 0;
    }
    a = parsed;
    try {
      file = await readInstanceFile(a, (rows) => process.stderr.write(`read ${rows.toLocaleString("en-US")} rows\n`));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code && !(e instanceof InputError)) return fail(`cannot read ${err.path ?? a.file}: ${err.code}`, 2);
      throw e;
    }
    plan = taskPlan(a, file.tasks);
    process.stderr.write(`read ${file.rows.toLocaleString("en-US")} scores: ${file.systems.length} systems, ${file.tasks.length} tasks (${file.format} format)\n`);
    if (a.dryRun) {
      const out = [`dry run: nothing is sent to ${a.url}`, `benchmark ${a.benchmark}: ${a.create ? "created if it does not exist" : "must exist"}; tasks:`];
      for (const t of plan) out.push(`  ${t.slug}  ${t.higherIsBetter ? "higher is better" : "lower is better"}  weight ${t.weight}  ${JSON.stringify(t.header)}`);
      out.push(`uploads: ${file.systems.length} (one per system, ${a.concurrency} at a time)`);
      process.stdout.write(out.join("\n") + "\n");
      return 0;
    }
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message} (see podium import-instances --help)`, 2);
    if (e instanceof InputError) return fail(e.message, 2);
    throw e;
  }
  try {
    return await upload(a, file, plan);
  } catch (e) {
    if (e instanceof ServerError) return fail(e.message, 1);
    throw e;
  }
}
