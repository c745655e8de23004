/**
 * Instance-level uploads: a streamed CSV/NDJSON body REPLACES all of a system's instance scores,
 * all or nothing. Two phases, so that no database transaction or connection waits on the client:
 * 1. receive: the body is decoded, parsed and validated as it arrives; instance ids are interned
 *    (the benchmark's known ids are read once; new ones get provisional ordinals); rows go as
 *    binary batches (task index, instance ordinal, score) into an UploadSpool (memory up to a
 *    budget, then a temporary file); duplicates are found per (task, ordinal) with their lines;
 * 2. write: once the body is complete and valid, ONE transaction bumps the revision, interns the
 *    new ids, and replaces the system's packed vectors (one statement for all its tasks).
 */
import { textProblem } from "./text-rules.ts";
import {
  bumpRevision,
  internInstanceNames,
  listInstanceUploads,
  listTasks,
  loadInstanceNames,
  replaceInstanceVectors,
  transaction,
  noteRowsWritten,
  type Db,
  type InstanceUploadRecord,
  type InstanceVector,
} from "../db/index.ts";
import { requireBenchmarkWriter, type Principal } from "./auth.ts";
import { requireBenchmark } from "./benchmarks.ts";
import { conflict, invalid, notFound, rejectingBadData, type FieldIssue } from "./errors.ts";
import { createUploadParser, LineTooLongError, type RawRow, type UploadFormat } from "./instance-parse.ts";
import { UploadSpool, type OpenSpill, type SpoolCodec } from "./upload-spool.ts";

export type { UploadFormat } from "./instance-parse.ts";

export const MAX_INSTANCE_ID_CHARS = 200;
/** Details of a rejected upload name at most this many lines. */
export const MAX_UPLOAD_ISSUES = 20;
/** Rows per spooled batch (16 bytes a row: task index, instance ordinal, float64 score). */
export const DEFAULT_BATCH_ROWS = 25_000;
/** Parsed batches kept in memory up to this many bytes per upload; the rest goes to a temporary file. */
export const DEFAULT_SPOOL_MEMORY_BYTES = 16 * 1024 * 1024;

export interface InstanceUploadOptions {
  /** Rows per spooled batch (default 25k; the write is one statement per upload whatever the batches). */
  batchRows?: number;
  /** In-memory budget of the parsed batches (default 16 MiB); beyond it they go to a temporary file. */
  spoolMemoryBytes?: number;
  /** Directory of the temporary files (default os.tmpdir()); used by the `uploadSpill` the services were created with. */
  spoolDir?: string;
  /** Where batches beyond the in-memory budget go (a temporary file on Node); absent: they all stay in memory (the Worker). */
  spill?: OpenSpill;
}

export interface InstanceUploadResult {
  rows: number;
  revision: number;
  uploadId: number;
  system: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite score from CSV text or a JSON number (NDJSON: a string is not a score); undefined when not one. */
function scoreOf(value: unknown, format: UploadFormat): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || format !== "csv") return undefined;
  const t = value.trim();
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** CSV gives text; NDJSON may give a number for the instance id (e.g. `"instance": 12`). */
function instanceOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

const describe = (v: unknown) => (typeof v === "string" ? JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v) : String(v));

/** A parsed batch: parallel typed arrays, one entry per row. */
interface SpooledBatch {
  /** Index of the row's task in the benchmark's task list. */
  tasks: Int32Array;
  /** Provisional instance ordinal (known ids: their ordinal; new ids: known count + their order of appearance). */
  ordinals: Int32Array;
  scores: Float64Array;
}

/** Bytes of a spooled batch: [row count] then the three arrays (the scores first: 8-byte aligned). */
const batchCodec: SpoolCodec<SpooledBatch> = {
  memoryBytes: (b) => b.tasks.byteLength + b.ordinals.byteLength + b.scores.byteLength,
  encode: (b) => [
    Buffer.from(Float64Array.of(b.scores.length).buffer),
    Buffer.from(b.scores.buffer, b.scores.byteOffset, b.scores.byteLength),
    Buffer.from(b.tasks.buffer, b.tasks.byteOffset, b.tasks.byteLength),
    Buffer.from(b.ordinals.buffer, b.ordinals.byteOffset, b.ordinals.byteLength),
  ],
  decode(bytes) {
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const count = new Float64Array(copy.buffer, 0, 1)[0];
    return {
      scores: new Float64Array(copy.buffer, 8, count),
      tasks: new Int32Array(copy.buffer, 8 + 8 * count, count),
      ordinals: new Int32Array(copy.buffer, 8 + 12 * count, count),
    };
  },
};

/** The benchmark's instance ids as of the upload's start, plus the new ones it brings (provisional ordinals). */
class InstanceIds {
  readonly #ordinal = new Map<string, number>();
  readonly known: number;
  readonly added: string[] = [];
  constructor(names: readonly string[]) {
    names.forEach((name, i) => this.#ordinal.set(name, i));
    this.known = names.length;
  }
  get size(): number {
    return this.known + this.added.length;
  }
  /** The ordinal of `name`, or undefined when new and `check(name)` rejects it. */
  ordinalOf(name: string, check: (name: string) => string | undefined, report: (message: string) => void): number | undefined {
    const known = this.#ordinal.get(name);
    if (known !== undefined) return known;
    const problem = check(name);
    if (problem) return void report(problem);
    const ordinal = this.known + this.added.length;
    this.added.push(name);
    this.#ordinal.set(name, ordinal);
    return ordinal;
  }
}

/** Why `instance` cannot be an instance id (checked once per distinct new id), or undefined. */
function instanceIdProblem(instance: string): string | undefined {
  if (instance.length > MAX_INSTANCE_ID_CHARS) return `instance id longer than ${MAX_INSTANCE_ID_CHARS} characters`;
  const textIssue = textProblem(instance);
  return textIssue ? `instance id ${textIssue}` : undefined;
}

/**
 * Store a system's instance scores from a streamed body. Checks: benchmark exists (404), the
 * principal may write to it (403), then every row (400, `details: [{field: "line N", message:
 * "line N: ..."}]`, at most 20). Creates the system if new; bumps the revision. Errors thrown by
 * `body` (408, 413, ...) pass through; nothing is stored then either.
 */
export async function uploadInstanceScores(
  db: Db,
  principal: Principal,
  benchmarkSlug: string,
  systemSlug: string,
  format: UploadFormat,
  body: AsyncIterable<Uint8Array>,
  options: InstanceUploadOptions = {},
): Promise<InstanceUploadResult> {
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  requireBenchmarkWriter(principal, benchmark.id);
  const tasks = await listTasks(db, benchmark.id);
  const ids = new InstanceIds(await loadInstanceNames(db, benchmark.id));
  const spool = new UploadSpool(batchCodec, {
    memoryBytes: options.spoolMemoryBytes ?? DEFAULT_SPOOL_MEMORY_BYTES,
    spill: options.spill,
  });
  try {
    const issues = new UploadIssues();
    const received = await receive(body, format, tasks, ids, Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS), spool, issues);
    issues.throwIfAny();
    if (received.rows === 0) throw invalid("empty upload: no rows", [{ field: "body", message: "at least one row is required (task,instance,score)" }]);
    const result = await rejectingBadData(
      transaction(db, async (tx) => {
        // First: the benchmark row lock serializes writers of this benchmark (as submissions do).
        const revision = await bumpRevision(tx, benchmark.id);
        const current = new Set((await listTasks(tx, benchmark.id)).map((t) => t.id));
        if (received.used.some((used, ti) => used && !current.has(tasks[ti].id)))
          throw conflict("the benchmark's tasks changed during the upload; nothing stored, send it again");
        const interned = await internInstanceNames(tx, benchmark.id, ids.added);
        const vectors = await packVectors(spool, tasks, ids.known, interned, received);
        const upload = await replaceInstanceVectors(tx, benchmark.id, systemSlug, vectors, received.rows);
        return { rows: received.rows, revision, uploadId: upload.uploadId, system: systemSlug };
      }),
    );
    noteRowsWritten(db, ["instance_vectors", "instance_names", "instance_uploads", "systems"], result.rows);
    return result;
  } finally {
    await spool.dispose();
  }
}

/** A system's instance uploads (id, rows, time), newest first; 404 for an unknown benchmark or system. */
export async function instanceUploadHistory(db: Db, benchmarkSlug: string, systemSlug: string): Promise<{ system: string; uploads: InstanceUploadRecord[] }> {
  const benchmark = await requireBenchmark(db, benchmarkSlug);
  const uploads = await listInstanceUploads(db, benchmark.id, systemSlug);
  if (!uploads) throw notFound(`system "${systemSlug}" not found on benchmark "${benchmarkSlug}"`);
  return { system: systemSlug, uploads };
}

/**
 * Phase 2: the spooled rows as one packed vector per task used (index = final ordinal, NaN
 * missing, trimmed after its last score). `interned[j]` is the final ordinal of the j-th new id
 * (provisional ordinal `known + j`): the same unless another upload interned ids meanwhile.
 */
async function packVectors(spool: UploadSpool<SpooledBatch>, tasks: readonly { id: number }[], known: number, interned: Int32Array, received: Received): Promise<InstanceVector[]> {
  let identity = true;
  for (let j = 0; j < interned.length; j++) if (interned[j] !== known + j) identity = false;
  const final = (o: number) => (o < known || identity ? o : interned[o - known]);
  const length = new Int32Array(tasks.length);
  if (identity) for (let ti = 0; ti < tasks.length; ti++) length[ti] = received.maxOrdinal[ti] + 1;
  else
    for await (const b of spool.records())
      for (let r = 0; r < b.scores.length; r++) length[b.tasks[r]] = Math.max(length[b.tasks[r]], final(b.ordinals[r]) + 1);
  const vectors = tasks.map((_, ti) => (received.used[ti] ? new Float64Array(length[ti]).fill(NaN) : undefined));
  for await (const b of spool.records()) {
    const { tasks: ts, ordinals, scores } = b;
    if (identity) for (let r = 0; r < scores.length; r++) vectors[ts[r]]![ordinals[r]] = scores[r];
    else for (let r = 0; r < scores.length; r++) vectors[ts[r]]![final(ordinals[r])] = scores[r];
  }
  const out: InstanceVector[] = [];
  vectors.forEach((scores, ti) => scores && out.push({ taskId: tasks[ti].id, scores }));
  return out;
}

/** Row problems of an upload: at most MAX_UPLOAD_ISSUES are kept; any one rejects the whole upload. */
class UploadIssues {
  readonly list: FieldIssue[] = [];
  get any(): boolean {
    return this.list.length > 0;
  }
  get full(): boolean {
    return this.list.length >= MAX_UPLOAD_ISSUES;
  }
  report(line: number, message: string): void {
    if (!this.full) this.list.push({ field: `line ${line}`, message: `line ${line}: ${message}` });
  }
  reportBody(message: string): void {
    if (!this.full) this.list.push({ field: "body", message });
  }
  throwIfAny(): void {
    const [first] = this.list;
    if (!first) return;
    const more = this.list.length > 1 ? ` (+${this.list.length - 1} more in details${this.full ? `; stopped after ${MAX_UPLOAD_ISSUES}` : ""})` : "";
    throw invalid(`invalid upload, nothing stored: ${first.message}${more}`, this.list);
  }
}

interface Received {
  rows: number;
  /** Per task index: whether any row names it, and its largest provisional ordinal. */
  used: boolean[];
  maxOrdinal: Int32Array;
}

/** Per task: the line of each (task, ordinal) given so far (0: none), growing with the ordinals. */
class SeenLines {
  #lines: Int32Array[];
  constructor(tasks: number) {
    this.#lines = Array.from({ length: tasks }, () => new Int32Array(0));
  }
  /** The line that already gave (task, ordinal), or 0 after recording `line` for it. */
  firstOrRecord(task: number, ordinal: number, line: number): number {
    let lines = this.#lines[task];
    if (ordinal >= lines.length) {
      const grown = new Int32Array(Math.max(1024, ordinal + 1, lines.length * 2));
      grown.set(lines);
      this.#lines[task] = lines = grown;
    }
    const first = lines[ordinal];
    if (first === 0) lines[ordinal] = line;
    return first;
  }
}

/**
 * Phase 1: decode, parse and validate the body as it arrives, spooling batches of about
 * `batchRows` valid rows (none once a row was rejected: the upload will be refused anyway).
 */
async function receive(
  body: AsyncIterable<Uint8Array>,
  format: UploadFormat,
  tasks: readonly { slug: string }[],
  ids: InstanceIds,
  batchRows: number,
  spool: UploadSpool<SpooledBatch>,
  issues: UploadIssues,
): Promise<Received> {
  const taskIndex = new Map(tasks.map((t, i) => [t.slug, i]));
  const seen = new SeenLines(tasks.length);
  const used = tasks.map(() => false);
  const maxOrdinal = new Int32Array(tasks.length).fill(-1);
  let rows = 0;
  let bTasks = new Int32Array(batchRows);
  let bOrdinals = new Int32Array(batchRows);
  let bScores = new Float64Array(batchRows);
  let fill = 0;

  const parser = createUploadParser(format, {
    problem: (p) => issues.report(p.line, p.message),
    row: (r: RawRow) => {
      const ti = typeof r.task === "string" ? taskIndex.get(r.task) : undefined;
      if (ti === undefined) return issues.report(r.line, r.task === undefined ? "task is required" : `unknown task ${describe(r.task)}`);
      const instance = instanceOf(r.instance);
      if (instance === undefined || instance === "") return issues.report(r.line, "instance id must be a non-empty string");
      const ordinal = ids.ordinalOf(instance, instanceIdProblem, (message) => issues.report(r.line, message));
      if (ordinal === undefined) return;
      const score = scoreOf(r.score, format);
      if (score === undefined) return issues.report(r.line, `score must be a finite number (got ${describe(r.score)})`);
      const first = seen.firstOrRecord(ti, ordinal, r.line);
      if (first !== 0) return issues.report(r.line, `duplicate (task, instance) (${describe(r.task)}, ${describe(instance)}), first on line ${first}`);
      rows++;
      if (issues.any) return; // keep validating, stop collecting rows
      used[ti] = true;
      if (ordinal > maxOrdinal[ti]) maxOrdinal[ti] = ordinal;
      if (fill === bScores.length) grow();
      bTasks[fill] = ti;
      bOrdinals[fill] = ordinal;
      bScores[fill] = score;
      fill++;
    },
  });

  /** Room for more rows in the current batch (a chunk can hold more than `batchRows`). */
  const grow = () => {
    const size = 2 * bScores.length;
    const t = new Int32Array(size);
    t.set(bTasks);
    const o = new Int32Array(size);
    o.set(bOrdinals);
    const sc = new Float64Array(size);
    sc.set(bScores);
    [bTasks, bOrdinals, bScores] = [t, o, sc];
  };

  /** Spool the current batch (then start a new one); dropped once a row was rejected. */
  const flush = async () => {
    const count = fill;
    const batch: SpooledBatch = { tasks: bTasks.subarray(0, count), ordinals: bOrdinals.subarray(0, count), scores: bScores.subarray(0, count) };
    bTasks = new Int32Array(batchRows);
    bOrdinals = new Int32Array(batchRows);
    bScores = new Float64Array(batchRows);
    fill = 0;
    if (!issues.any && count > 0) await spool.push(batch);
  };

  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of body) {
      // A chunk may hold many rows: the batch arrays grow while it is parsed.
      parser.push(decoder.decode(chunk, { stream: true }));
      if (issues.full) break;
      if (fill >= batchRows) await flush();
    }
    if (!issues.full) {
      parser.push(decoder.decode());
      parser.end();
    }
  } catch (err) {
    if (err instanceof LineTooLongError) issues.report(err.line, err.message.replace(/^line \d+: /, ""));
    else if (err instanceof TypeError && /decode|encoded/i.test(err.message)) issues.reportBody("the body is not valid UTF-8");
    else throw err;
  }
  await flush();
  return { rows, used, maxOrdinal };
}
