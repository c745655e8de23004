/**
 * Instance-level uploads: a streamed CSV/NDJSON body REPLACES all of a system's instance scores,
 * all or nothing. Two phases, so that no database transaction or connection waits on the client:
 * 1. receive: the body is decoded, parsed and validated as it arrives into packed batches, parked
 *    in an UploadSpool (memory up to a budget, then a temporary file); no database work but the
 *    task list;
 * 2. write: once the body is complete and valid, ONE transaction replaces the rows (one
 *    set-based statement per batch) and bumps the revision; a duplicate across batches (found by
 *    the primary key) rolls everything back.
 */
import { textProblem } from "./text-rules.ts";
import {
  beginInstanceUpload,
  bumpRevision,
  listTasks,
  packInstanceBatch,
  recordInstanceUpload,
  transaction,
  writeInstanceRows,
  noteRowsWritten,
  type Db,
  type PackedInstanceBatch,
} from "../db/index.ts";
import { requireBenchmarkWriter, type Principal } from "./auth.ts";
import { requireBenchmark } from "./benchmarks.ts";
import { conflict, invalid, rejectingBadData, type FieldIssue } from "./errors.ts";
import { createUploadParser, LineTooLongError, type RawRow, type UploadFormat } from "./instance-parse.ts";
import { UploadSpool, type OpenSpill, type SpoolCodec } from "./upload-spool.ts";

export type { UploadFormat } from "./instance-parse.ts";

export const MAX_INSTANCE_ID_CHARS = 200;
/** Details of a rejected upload name at most this many lines. */
export const MAX_UPLOAD_ISSUES = 20;
export const DEFAULT_BATCH_ROWS = 25_000;
/** Parsed batches kept in memory up to this many bytes per upload; the rest goes to a temporary file. */
export const DEFAULT_SPOOL_MEMORY_BYTES = 16 * 1024 * 1024;

export interface InstanceUploadOptions {
  /** Rows per INSERT statement (default 25k). */
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

/** A parsed batch: the rows packed for one insert, and each row's line in the body (for error details). */
interface SpooledBatch {
  rows: PackedInstanceBatch;
  lines: Int32Array;
}

/** Bytes of a spooled batch: [rows, distinct task count, 3 literal byte lengths] then the parts, then the lines. */
const batchCodec: SpoolCodec<SpooledBatch> = {
  memoryBytes: ({ rows, lines }) => rows.taskIds.length + rows.instances.length + rows.scores.length + lines.byteLength,
  encode({ rows, lines }) {
    const texts = [rows.taskIds, rows.instances, rows.scores].map((t) => Buffer.from(t, "utf8"));
    const header = Int32Array.from([rows.rows, rows.distinctTaskIds.length, ...texts.map((t) => t.byteLength)]);
    return [Buffer.from(header.buffer), Buffer.from(Int32Array.from(rows.distinctTaskIds).buffer), ...texts, Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength)];
  },
  decode(bytes) {
    const ints = (offset: number, count: number) => Array.from({ length: count }, (_, i) => bytes.readInt32LE(offset + 4 * i));
    const [count, distinct, ...lengths] = ints(0, 5);
    let offset = 20;
    const distinctTaskIds = ints(offset, distinct);
    offset += 4 * distinct;
    const [taskIds, instances, scores] = lengths.map((length) => bytes.toString("utf8", offset, (offset += length)));
    const lines = new Int32Array(count);
    Buffer.from(lines.buffer).set(bytes.subarray(offset, offset + 4 * count));
    return { rows: { rows: count, distinctTaskIds, taskIds, instances, scores }, lines };
  },
};

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
  const taskIds = new Map((await listTasks(db, benchmark.id)).map((t) => [t.slug, t.id]));
  const spool = new UploadSpool(batchCodec, {
    memoryBytes: options.spoolMemoryBytes ?? DEFAULT_SPOOL_MEMORY_BYTES,
    spill: options.spill,
  });
  try {
    const issues = new UploadIssues();
    const received = await receive(body, format, taskIds, Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS), spool, issues);
    issues.throwIfAny();
    if (received.rows === 0) throw invalid("empty upload: no rows", [{ field: "body", message: "at least one row is required (task,instance,score)" }]);
    const result = await rejectingBadData(
      transaction(db, async (tx) => {
        // First: the benchmark row lock serializes writers of this benchmark (as submissions do).
        const revision = await bumpRevision(tx, benchmark.id);
        const current = new Set((await listTasks(tx, benchmark.id)).map((t) => t.id));
        if ([...received.taskIds].some((id) => !current.has(id)))
          throw conflict("the benchmark's tasks changed during the upload; nothing stored, send it again");
        const systemId = await beginInstanceUpload(tx, benchmark.id, systemSlug);
        await writeInstanceRows(tx, systemId, spooledRows(spool), (batch, duplicates) => {
          for (const d of duplicates) issues.report(batch.lines[d.index], `duplicate (task, instance) (${describe(d.instance)}), already given on an earlier line`);
        });
        issues.throwIfAny();
        const upload = await recordInstanceUpload(tx, systemId, received.rows);
        return { rows: received.rows, revision, uploadId: upload.id, system: systemSlug };
      }),
    );
    noteRowsWritten(db, ["instance_scores", "instance_uploads", "systems"], result.rows);
    return result;
  } finally {
    await spool.dispose();
  }
}

/** The spooled batches as the db layer takes them (each keeps its lines for duplicate reports). */
async function* spooledRows(spool: UploadSpool<SpooledBatch>): AsyncGenerator<PackedInstanceBatch & { lines: Int32Array }> {
  for await (const { rows, lines } of spool.records()) yield { ...rows, lines };
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

/**
 * Phase 1: decode, parse and validate the body as it arrives, spooling batches of about
 * `batchRows` valid rows (none once a row was rejected: the upload will be refused anyway).
 * Returns the row count and the task ids used; problems go to `issues`.
 */
async function receive(
  body: AsyncIterable<Uint8Array>,
  format: UploadFormat,
  taskIds: ReadonlyMap<string, number>,
  batchRows: number,
  spool: UploadSpool<SpooledBatch>,
  issues: UploadIssues,
): Promise<{ rows: number; taskIds: Set<number> }> {
  let batch = { taskIds: [] as number[], instances: [] as string[], scores: [] as number[], lines: [] as number[] };
  /** (task id, instance) -> line, for duplicates within the current batch (across batches: the primary key). */
  let seen = new Map<string, number>();
  const used = new Set<number>();
  let rows = 0;

  const parser = createUploadParser(format, {
    problem: (p) => issues.report(p.line, p.message),
    row: (r: RawRow) => {
      const taskId = typeof r.task === "string" ? taskIds.get(r.task) : undefined;
      const instance = instanceOf(r.instance);
      const score = scoreOf(r.score, format);
      if (taskId === undefined) return issues.report(r.line, r.task === undefined ? "task is required" : `unknown task ${describe(r.task)}`);
      if (instance === undefined || instance === "") return issues.report(r.line, "instance id must be a non-empty string");
      if (instance.length > MAX_INSTANCE_ID_CHARS) return issues.report(r.line, `instance id longer than ${MAX_INSTANCE_ID_CHARS} characters`);
      const textIssue = textProblem(instance);
      if (textIssue) return issues.report(r.line, `instance id ${textIssue}`);
      if (score === undefined) return issues.report(r.line, `score must be a finite number (got ${describe(r.score)})`);
      const key = `${taskId}\u0000${instance}`;
      const first = seen.get(key);
      if (first !== undefined) return issues.report(r.line, `duplicate (task, instance) (${describe(r.task)}, ${describe(instance)}), first on line ${first}`);
      rows++;
      if (issues.any) return; // keep validating, stop collecting rows
      seen.set(key, r.line);
      used.add(taskId);
      batch.taskIds.push(taskId);
      batch.instances.push(instance);
      batch.scores.push(score);
      batch.lines.push(r.line);
    },
  });

  /** Spool the current batch (then start a new one); dropped once a row was rejected. */
  const flush = async () => {
    const full = batch;
    batch = { taskIds: [], instances: [], scores: [], lines: [] };
    seen = new Map();
    if (!issues.any && full.scores.length > 0) await spool.push({ rows: packInstanceBatch(full), lines: Int32Array.from(full.lines) });
  };

  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of body) {
      parser.push(decoder.decode(chunk, { stream: true }));
      if (issues.full) break;
      if (batch.scores.length >= batchRows) await flush();
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
  return { rows, taskIds: used };
}
