/**
 * `podium import FILE --benchmark SLUG ...`: load scores (wide CSV `system,<task>,...`, long CSV
 * `system,task,score`, or lm-evaluation-harness results; cli/formats.ts) into a running Podium
 * server over its REST API. Everything local (flags, the whole input, names, sizes)
 * is checked before the first request; then the benchmark is read (and created with --create),
 * the systems whose newest submission already has these scores are skipped, and the rest are
 * posted in bulk submissions that each stay under the server's body limit.
 */
import { integerValue, listValue, parseCommand, renderHelp, singleValue, switchValue, UsageError, weightsValue, type CommandSpec, type ParsedCommand } from "./args.ts";
import { CsvError, slugify, slugifyAll } from "./csv.ts";
import { FORMATS, FormatError, readScoreTable, type Format, type ScoreTable } from "./formats.ts";
import { batchBySize, describeFailure, HttpClient, ServerError, type HttpReply } from "./http.ts";

const DEFAULT_URL = "http://localhost:3000";
const DEFAULT_BATCH_BYTES = 1024 * 1024;
const DEFAULT_RETRIES = 5;
/** The server's limits (api/schemas.ts, api/routes/benchmarks/routes.ts, api/routes/submissions/routes.ts). */
const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_NAME = 200;
const MAX_DESCRIPTION = 5000;
const MAX_TASKS = 1000;
const MAX_BATCH_SUBMISSIONS = 10_000;

/** The server's limits (shared with `podium import-instances`). */
export { DEFAULT_URL, DEFAULT_RETRIES, SLUG, MAX_NAME, MAX_DESCRIPTION, MAX_TASKS };

/** The flags of a benchmark created by an import, shared by both import commands. */
export const CREATE_FLAGS: CommandSpec["flags"] = {
  name: { type: "string", value: "NAME", help: "with --create: the benchmark's name", default: "SLUG" },
  description: { type: "string", value: "TEXT", help: "with --create: the benchmark's description", default: "none" },
};

/** How an import reaches the server, shared by both import commands. */
export const SERVER_FLAGS: CommandSpec["flags"] = {
  retries: { type: "string", value: "N", help: "retries of a request answered 429 or 503, waiting as its Retry-After says", default: String(DEFAULT_RETRIES) },
  url: { type: "string", value: "URL", help: "the server", default: `$PODIUM_URL or ${DEFAULT_URL}` },
  token: { type: "string", value: "TOKEN", help: "admin token, or the benchmark's token without --create", default: "$PODIUM_TOKEN" },
};

export const IMPORT_COMMAND: CommandSpec = {
  name: "import",
  synopsis: "FILE.csv|RESULTS.json|FOLDER --benchmark SLUG [flags]",
  summary: `Load scores into a running Podium server: a wide CSV (system,<task>,...; an empty cell is a
missing score), a long CSV (system,task,score, one score a line, columns in any order), or
lm-evaluation-harness results (one results JSON, or a folder of them: one model per file). The flags
and the whole input are checked before anything is sent.`,
  flags: {
    format: { type: "string", value: "FORMAT", help: "wide, long or lm-eval", default: "lm-eval for a folder or *.json, long for a CSV whose header is system,task,score (any order), else wide" },
    system: { type: "string", value: "NAME", help: "lm-eval, single file: the system's name", default: "the file's model_name, or pretrained= of config.model_args" },
    benchmark: { type: "string", value: "SLUG", help: "benchmark to load into (required)" },
    create: { type: "boolean", help: "create the benchmark when it does not exist (tasks from the CSV header; needs an admin token); an existing one is kept as it is" },
    ...CREATE_FLAGS,
    "lower-is-better": { type: "string", value: "t1,t2", help: "with --create: tasks (header names or slugs) where a lower score is better", default: "none" },
    weights: { type: "string", value: "t=2,u=0.5", help: "with --create: task weights (header names or slugs), each > 0", default: "1 for every task" },
    "dry-run": { type: "boolean", help: "check everything and print what would be done (benchmark, tasks, systems, batches); contacts no server" },
    "batch-bytes": { type: "string", value: "N", help: "largest JSON body of one request; keep it at or under the server's PODIUM_BODY_LIMIT_BYTES", default: String(DEFAULT_BATCH_BYTES) },
    ...SERVER_FLAGS,
  },
  notes: `Long CSV: the header names the columns system, task and score (or model, benchmark, value);
an empty score is missing; the same system and task twice is an error.

lm-eval: every numeric "metric,filter" value of results.<task> is a task "<task> <metric>" (slug
hellaswag-acc-norm; a filter other than "none" is appended), _stderr values are skipped, and
higher_is_better.<task>.<metric> gives the direction (with --create; --lower-is-better adds to it).

System slugs come from the names (kept as names): "Alpha & Co" -> alpha-and-co, accents folded, other
scripts transliterated ("百度文心" -> bai-du-wen-xin); names spelled alike get -2, -3 in name order, so
slugs never depend on the row order; a name with nothing to spell (emoji) gets a short hash (sys-1a2b3c).
Systems without a score are skipped.

Re-importing is safe: systems whose newest submission already has exactly these scores (and name)
are skipped and counted as unchanged.

Not all or nothing: the systems are sent in batches (each batch is stored whole or not at all).
If a batch fails, the earlier batches stay stored; the error says which systems were imported, and
running the same command again sends only what is missing.

Exit codes: 0 done, 2 bad flags or CSV (nothing sent), 1 the server refused or could not be reached.`,
};

interface ImportArgs {
  file: string;
  format?: Format;
  system?: string;
  benchmark: string;
  create: boolean;
  name?: string;
  description?: string;
  lower: string[];
  weights: Map<string, number>;
  dryRun: boolean;
  batchBytes: number;
  retries: number;
  url: string;
  token: string;
}

/** The flags both imports share: the benchmark (and how to create it), the server, the token, --dry-run. */
export interface TargetOptions {
  benchmark: string;
  create: boolean;
  name?: string;
  description?: string;
  lower: string[];
  weights: Map<string, number>;
  dryRun: boolean;
  url: string;
  token: string;
}

/** Parse and check the shared flags (UsageError on anything wrong). */
export function targetOptions(p: ParsedCommand, env: NodeJS.ProcessEnv): TargetOptions {
  const benchmark = singleValue(p, "benchmark");
  if (!benchmark) throw new UsageError("--benchmark SLUG is required");
  if (!SLUG.test(benchmark)) throw new UsageError(`--benchmark "${benchmark}" is not a slug (^[a-z0-9][a-z0-9._-]{0,63}$)`);
  const create = switchValue(p, "create");
  const name = singleValue(p, "name");
  const description = singleValue(p, "description");
  const lower = listValue(p, "lower-is-better");
  const weights = weightsValue(p, "weights");
  if (!create && (name !== undefined || description !== undefined || lower.length || weights.size))
    throw new UsageError("--name, --description, --lower-is-better and --weights only apply with --create");
  if (name !== undefined && (name.length < 1 || name.length > MAX_NAME)) throw new UsageError(`--name must be 1..${MAX_NAME} characters`);
  if (description !== undefined && description.length > MAX_DESCRIPTION) throw new UsageError(`--description must be at most ${MAX_DESCRIPTION} characters`);
  const url = (singleValue(p, "url") ?? env.PODIUM_URL ?? DEFAULT_URL).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`--url must be an http(s) URL (got "${url}")`);
  const dryRun = switchValue(p, "dry-run");
  const token = singleValue(p, "token") ?? env.PODIUM_TOKEN ?? "";
  if (!token && !dryRun) throw new UsageError("a token is required: --token TOKEN or PODIUM_TOKEN");
  return { benchmark, create, name, description, lower, weights, dryRun, url, token };
}

function parseImportArgs(args: string[], env: NodeJS.ProcessEnv): ImportArgs | "help" {
  const p = parseCommand(IMPORT_COMMAND, args);
  if (p === "help") return "help";
  if (p.positionals.length !== 1) throw new UsageError(p.positionals.length ? "give exactly one file or folder" : "missing FILE.csv (or RESULTS.json, or FOLDER)");
  const format = singleValue(p, "format");
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got "${format}")`);
  const system = singleValue(p, "system");
  if (system !== undefined && (system.trim() === "" || system.length > MAX_NAME)) throw new UsageError(`--system must be 1..${MAX_NAME} characters`);
  const { benchmark, create, name, description, lower, weights, dryRun, url, token } = targetOptions(p, env);
  return {
    file: p.positionals[0],
    format: format as Format | undefined,
    system: system?.trim(),
    benchmark,
    create,
    name,
    description,
    lower,
    weights,
    dryRun,
    batchBytes: integerValue(p, "batch-bytes", 1) ?? DEFAULT_BATCH_BYTES,
    retries: integerValue(p, "retries", 0) ?? DEFAULT_RETRIES,
    url,
    token,
  };
}

/** The CSV or the flags cannot be imported as they are (exit 2, nothing sent). */
class InputError extends Error {}

export interface TaskPlan {
  header: string;
  slug: string;
  higherIsBetter: boolean;
  weight: number;
}

interface SystemRow {
  /** Where it comes from: "CSV line 2" (the header is line 1), "file x.json". */
  where: string;
  slug: string;
  name: string;
  /** Scores by CSV header; missing cells left out. */
  scores: Map<string, number>;
}

interface Plan {
  /** The tasks --create would create (header order). */
  tasks: TaskPlan[];
  systems: SystemRow[];
  /** Names of systems without any score (skipped). */
  empty: string[];
}

/** Check the table against the flags and the server's limits; everything the import needs, or InputError. */
function plan(a: ImportArgs, wide: ScoreTable): Plan {
  const slugs = wide.taskSlugs ?? slugifyAll(wide.tasks);
  const known = (t: string) => wide.tasks.includes(t) || slugs.includes(t);
  const unknown = [...a.lower, ...a.weights.keys()].filter((t) => !known(t));
  if (unknown.length) throw new InputError(`unknown task(s) ${[...new Set(unknown)].join(", ")}; the CSV has: ${wide.tasks.join(", ")}`);
  const named = (set: Iterable<string>, header: string, slug: string) => [...set].some((t) => t === header || t === slug);
  const tasks = wide.tasks.map((header, i) => ({
    header,
    slug: slugs[i],
    higherIsBetter: !named(a.lower, header, slugs[i]) && !wide.lowerIsBetter?.has(header),
    weight: a.weights.get(header) ?? a.weights.get(slugs[i]) ?? 1,
  }));
  const problems: string[] = [];
  if (a.create) {
    if (tasks.length > MAX_TASKS) problems.push(`${tasks.length} tasks; a benchmark has at most ${MAX_TASKS}`);
    for (const t of tasks) if (t.header.length > MAX_NAME) problems.push(`line 1: task name "${t.header.slice(0, 40)}..." is longer than ${MAX_NAME} characters`);
  }
  const systemSlugs = slugifyAll(wide.systems.map((s) => s.name));
  const systems: SystemRow[] = [];
  const empty: string[] = [];
  wide.systems.forEach((s, i) => {
    const where = wide.where?.[i] ?? `CSV line ${i + 2}`;
    if (s.name.length > MAX_NAME) problems.push(`${where}: system name "${s.name.slice(0, 40)}..." is longer than ${MAX_NAME} characters`);
    const scores = new Map(Object.entries(s.scores).filter((e): e is [string, number] => e[1] !== null));
    if (scores.size) systems.push({ where, slug: systemSlugs[i], name: s.name, scores });
    else empty.push(s.name);
  });
  if (problems.length) throw new InputError(problems.slice(0, 10).join("\n") + (problems.length > 10 ? `\n... and ${problems.length - 10} more` : ""));
  if (!systems.length) throw new InputError("nothing to import: no system has a score");
  return { tasks, systems, empty };
}

interface Submission {
  row: SystemRow;
  scores: Record<string, number>;
  json: string;
}

/** The JSON of each submission, with scores under the benchmark's task slugs. */
function submissionsFor(systems: SystemRow[], taskSlugByHeader: Map<string, string>): Submission[] {
  return systems.map((row) => {
    const scores = Object.fromEntries([...row.scores].map(([header, v]) => [taskSlugByHeader.get(header)!, v]));
    return { row, scores, json: JSON.stringify({ system: { slug: row.slug, name: row.name }, scores }) };
  });
}

const BULK_PREFIX = '{"submissions":[';
const BULK_SUFFIX = "]}";
const bulkBody = (batch: Submission[]) => BULK_PREFIX + batch.map((s) => s.json).join(",") + BULK_SUFFIX;

function batches(submissions: Submission[], batchBytes: number): Submission[][] {
  const tooBig = submissions.find((s) => Buffer.byteLength(bulkBody([s])) > batchBytes);
  if (tooBig) throw new InputError(`${tooBig.row.where}: the submission of "${tooBig.row.name}" alone is ${Buffer.byteLength(bulkBody([tooBig]))} bytes, more than --batch-bytes ${batchBytes}`);
  return batchBySize(submissions, (s) => Buffer.byteLength(s.json), {
    maxBytes: batchBytes,
    fixedBytes: BULK_PREFIX.length + BULK_SUFFIX.length,
    separatorBytes: 1,
    maxItems: MAX_BATCH_SUBMISSIONS,
  });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function printDryRun(a: ImportArgs, p: Plan, format: Format): void {
  const out: string[] = [`dry run: nothing is sent to ${a.url}`, `input: ${a.file} read as ${format === "lm-eval" ? "lm-evaluation-harness results" : `a ${format} CSV`}`];
  if (a.create) {
    out.push(`benchmark ${a.benchmark}: created if it does not exist, as "${a.name ?? a.benchmark}"${a.description ? ` (description: ${JSON.stringify(a.description)})` : ""}`);
    out.push(`tasks (${p.tasks.length}):`);
    const slugWidth = Math.max(...p.tasks.map((t) => t.slug.length));
    const weightWidth = Math.max(...p.tasks.map((t) => String(t.weight).length));
    for (const t of p.tasks)
      out.push(`  ${t.slug.padEnd(slugWidth)}  ${t.higherIsBetter ? "higher is better" : "lower is better "}  weight ${String(t.weight).padEnd(weightWidth)}  ${JSON.stringify(t.header)}`);
  } else {
    out.push(`benchmark ${a.benchmark}: must exist; the input's ${p.tasks.length} tasks are matched to its tasks by slug or name`);
  }
  const groups = batches(submissionsFor(p.systems, new Map(p.tasks.map((t) => [t.header, t.slug]))), a.batchBytes);
  out.push(`systems: ${p.systems.length}${p.empty.length ? ` (and ${p.empty.length} without any score, skipped)` : ""}`);
  out.push(`batches: ${groups.length} of at most ${a.batchBytes} bytes: ${groups.map((g) => `${g.length} systems (${kib(Buffer.byteLength(bulkBody(g)))})`).join(", ")}`);
  out.push("systems whose newest submission already has these scores are skipped when importing (not checked in a dry run)");
  process.stdout.write(out.join("\n") + "\n");
}

export interface ApiTask {
  slug: string;
  name: string;
  higherIsBetter: boolean;
  weight: number;
}

export interface ApiBenchmark {
  revision: number;
  tasks: ApiTask[];
}

/** Input task name -> task slug of the benchmark (exact slug, the slug the import chose, slug of the name, or task name). */
export function mapTasks(planned: TaskPlan[], tasks: ApiTask[]): { map: Map<string, string>; unknown: string[] } {
  const map = new Map<string, string>();
  const unknown: string[] = [];
  for (const { header: h, slug } of planned) {
    const task = tasks.find((t) => t.slug === h) ?? tasks.find((t) => t.slug === slug) ?? tasks.find((t) => t.slug === slugify(h)) ?? tasks.find((t) => t.name === h);
    if (task) map.set(h, task.slug);
    else unknown.push(h);
  }
  return { map, unknown };
}

/** Read the benchmark; create it first with --create when it does not exist. */
export async function ensureBenchmark(
  a: Pick<ImportArgs, "benchmark" | "create" | "name" | "description">,
  p: Pick<Plan, "tasks">,
  http: HttpClient,
): Promise<{ benchmark: ApiBenchmark; created: boolean }> {
  const read = () => http.request<ApiBenchmark>("GET", `/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}`);
  const refused = (r: HttpReply<unknown>) => new ServerError(describeFailure(`reading benchmark ${a.benchmark}`, r.status, r.body));
  const existing = await read();
  if (existing.status === 200) {
    if (a.create) process.stderr.write(`benchmark ${a.benchmark} already exists; adding submissions to it (its tasks, directions and weights are kept)\n`);
    return { benchmark: existing.body, created: false };
  }
  if (existing.status !== 404 || !a.create) throw refused(existing);
  const body = {
    slug: a.benchmark,
    name: a.name ?? a.benchmark,
    ...(a.description !== undefined ? { description: a.description } : {}),
    tasks: p.tasks.map((t) => ({ slug: t.slug, name: t.header, higherIsBetter: t.higherIsBetter, weight: t.weight })),
  };
  const created = await http.request("POST", "/api/v1/benchmarks", JSON.stringify(body));
  // 409: created by someone else since we looked; use it as it is.
  if (created.status !== 201 && created.status !== 409) throw new ServerError(describeFailure(`creating benchmark ${a.benchmark}`, created.status, created.body));
  process.stderr.write(created.status === 201 ? `created benchmark ${a.benchmark} with ${body.tasks.length} tasks\n` : `benchmark ${a.benchmark} already exists; adding submissions to it\n`);
  const now = await read();
  if (now.status !== 200) throw refused(now);
  return { benchmark: now.body, created: created.status === 201 };
}

interface StoredSystem {
  slug: string;
  name: string;
  scores: Record<string, number>;
}

/** The newest scores of every system of the benchmark, from its leaderboard (the cheapest method). */
async function storedSystems(a: ImportArgs, http: HttpClient): Promise<Map<string, StoredSystem>> {
  const r = await http.request<{ systems: StoredSystem[] }>("GET", `/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}/leaderboard?methods=mean`);
  if (r.status !== 200) throw new ServerError(describeFailure(`reading the current scores of ${a.benchmark}`, r.status, r.body));
  return new Map(r.body.systems.map((s) => [s.slug, s]));
}

/** The system's newest stored submission has exactly these scores, under the same name. */
function unchanged(sub: Submission, stored: StoredSystem | undefined): boolean {
  if (!stored || stored.name !== sub.row.name) return false;
  const keys = Object.keys(sub.scores);
  return keys.length === Object.keys(stored.scores).length && keys.every((k) => stored.scores[k] === sub.scores[k]);
}

/** "a, b, c ... and 12 more" */
function someSlugs(rows: SystemRow[], max = 10): string {
  const shown = rows.slice(0, max).map((r) => r.slug).join(", ");
  return rows.length > max ? `${shown} ... and ${rows.length - max} more` : shown;
}

async function runImportPlan(a: ImportArgs, p: Plan): Promise<number> {
  const http = new HttpClient(a.url, a.token, a.retries, (msg) => process.stderr.write(msg + "\n"));
  const { benchmark, created } = await ensureBenchmark(a, p, http);
  const { map, unknown } = mapTasks(p.tasks, benchmark.tasks);
  if (unknown.length)
    throw new ServerError(`the input has task(s) ${unknown.join(", ")} that benchmark ${a.benchmark} does not (it has ${benchmark.tasks.map((t) => t.slug).join(", ")})`);

  const all = submissionsFor(p.systems, map);
  const stored = created ? new Map<string, StoredSystem>() : await storedSystems(a, http);
  const todo = all.filter((s) => !unchanged(s, stored.get(s.row.slug)));
  const same = all.length - todo.length;

  let done = 0;
  for (const [i, batch] of batches(todo, a.batchBytes).entries()) {
    const r = await http.request("POST", `/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}/submissions`, bulkBody(batch));
    if (r.status !== 201) {
      const imported = todo.slice(0, done).map((s) => s.row);
      const first = batch[0].row;
      const lines = [describeFailure(`submitting batch ${i + 1} (${batch.length} systems from ${first.where})`, r.status, r.body)];
      if (r.status === 413) lines.push(`the server's body limit is below --batch-bytes ${a.batchBytes}: run again with a smaller --batch-bytes`);
      lines.push(
        done
          ? `imported before the failure (these stay stored): ${done} of ${todo.length} systems, every changed system before ${first.where}: ${someSlugs(imported)}`
          : "nothing was imported",
      );
      lines.push(`not imported: ${todo.length - done} systems from ${first.where} (${first.slug}) on; running the same command again sends only these`);
      throw new ServerError(lines.join("\n"));
    }
    done += batch.length;
    process.stderr.write(`imported ${done}/${todo.length} systems\n`);
  }

  const after = await http.request<ApiBenchmark>("GET", `/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}`);
  const revision = after.status === 200 ? after.body.revision : "?";
  process.stdout.write(`imported ${done} systems into ${a.benchmark} (revision ${revision})${same ? `; ${same} unchanged (already stored with these scores), skipped` : ""}\n`);
  process.stdout.write(`leaderboard: ${a.url}/benchmarks/${encodeURIComponent(a.benchmark)}\n`);
  return 0;
}

export async function runImport(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fail = (msg: string, code: number): number => {
    process.stderr.write(`podium import: ${msg}\n`);
    return code;
  };
  let a: ImportArgs;
  let p: Plan;
  try {
    const parsed = parseImportArgs(args, env);
    if (parsed === "help") {
      process.stdout.write(renderHelp(IMPORT_COMMAND));
      return 0;
    }
    a = parsed;
    let table: ScoreTable;
    let format: Format;
    try {
      ({ table, format } = readScoreTable(a.file, a.format, a.system, (msg) => process.stderr.write(msg + "\n")));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code && !(e instanceof CsvError || e instanceof FormatError))
        return fail(`cannot read ${(e as NodeJS.ErrnoException).path ?? a.file}: ${(e as NodeJS.ErrnoException).code}`, 2);
      throw e;
    }
    p = plan(a, table);
    if (p.empty.length) process.stderr.write(`skipping ${p.empty.length} system(s) without any score: ${p.empty.join(", ")}\n`);
    if (a.dryRun) {
      printDryRun(a, p, format);
      return 0;
    }
    // Batch sizes with the slugs --create would use: a submission too big for any batch is a CSV problem.
    batches(submissionsFor(p.systems, new Map(p.tasks.map((t) => [t.header, t.slug]))), a.batchBytes);
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message} (see podium import --help)`, 2);
    if (e instanceof CsvError) return fail(`bad CSV: ${e.message}`, 2);
    if (e instanceof FormatError || e instanceof InputError) return fail(e.message, 2);
    throw e;
  }
  try {
    return await runImportPlan(a, p);
  } catch (e) {
    if (e instanceof ServerError) return fail(e.message, 1);
    if (e instanceof InputError) return fail(e.message, 2);
    throw e;
  }
}
