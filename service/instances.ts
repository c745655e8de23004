/**
 * Instance-level uploads: a streamed CSV/NDJSON body REPLACES all of a system's instance scores,
 * all or nothing. The body is decoded and parsed incrementally into batches that the db layer
 * writes (one set-based statement each) inside ONE transaction while the next batch is parsed;
 * any bad row rolls everything back.
 */
import {
  beginInstanceUpload,
  bumpRevision,
  listTasks,
  recordInstanceUpload,
  transaction,
  writeInstanceRows,
  type Db,
} from "../db/index.ts";
import { requireBenchmarkWriter, type Principal } from "./auth.ts";
import { requireBenchmark } from "./benchmarks.ts";
import { invalid, rejectingBadData, type FieldIssue } from "./errors.ts";
import { createUploadParser, LineTooLongError, type RawRow, type UploadFormat } from "./instance-parse.ts";

export type { UploadFormat } from "./instance-parse.ts";

export const MAX_INSTANCE_ID_CHARS = 200;
/** Details of a rejected upload name at most this many lines. */
export const MAX_UPLOAD_ISSUES = 20;
export const DEFAULT_BATCH_ROWS = 25_000;

export interface InstanceUploadOptions {
  /** Rows per INSERT statement (default 25k). */
  batchRows?: number;
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

/**
 * Store a system's instance scores from a streamed body. Checks: benchmark exists (404), the
 * principal may write to it (403), then every row (400, `details: [{field: "line N", message:
 * "line N: ..."}]`, at most 20). Creates the system if new; bumps the revision.
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
  const batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS);

  return rejectingBadData(
    transaction(db, async (tx) => {
      // First: the benchmark row lock serializes writers of this benchmark (as submissions do).
      const revision = await bumpRevision(tx, benchmark.id);
      const taskIds = new Map((await listTasks(tx, benchmark.id)).map((t) => [t.slug, t.id]));
      const systemId = await beginInstanceUpload(tx, benchmark.id, systemSlug);

      const issues: FieldIssue[] = [];
      const report = (line: number, message: string) => {
        if (issues.length < MAX_UPLOAD_ISSUES) issues.push({ field: `line ${line}`, message: `line ${line}: ${message}` });
      };
      type Batch = { taskIds: number[]; instances: string[]; scores: number[]; lines: number[] };
      const empty = (): Batch => ({ taskIds: [], instances: [], scores: [], lines: [] });
      let batch = empty();
      /** (task id, instance) -> line, for duplicates within the current batch. */
      let seen = new Map<string, number>();
      let rows = 0;

      const parser = createUploadParser(format, {
        problem: (p) => report(p.line, p.message),
        row: (r: RawRow) => {
          const taskId = typeof r.task === "string" ? taskIds.get(r.task) : undefined;
          const instance = instanceOf(r.instance);
          const score = scoreOf(r.score, format);
          if (taskId === undefined) return report(r.line, r.task === undefined ? "task is required" : `unknown task ${describe(r.task)}`);
          if (instance === undefined || instance === "") return report(r.line, "instance id must be a non-empty string");
          if (instance.length > MAX_INSTANCE_ID_CHARS) return report(r.line, `instance id longer than ${MAX_INSTANCE_ID_CHARS} characters`);
          if (score === undefined) return report(r.line, `score must be a finite number (got ${describe(r.score)})`);
          const key = `${taskId}\u0000${instance}`;
          const first = seen.get(key);
          if (first !== undefined) return report(r.line, `duplicate (task, instance) (${describe(r.task)}, ${describe(instance)}), first on line ${first}`);
          rows++;
          if (issues.length) return; // keep validating, stop collecting rows
          seen.set(key, r.line);
          batch.taskIds.push(taskId);
          batch.instances.push(instance);
          batch.scores.push(score);
          batch.lines.push(r.line);
        },
      });

      /** The current batch (reset); none once a row was rejected (nothing more is written). */
      const take = (): Batch | undefined => {
        const current = batch;
        batch = empty();
        seen = new Map();
        return issues.length || current.scores.length === 0 ? undefined : current;
      };

      /** Batches of about `batchRows` rows as the body is parsed; parse problems go to `issues`. */
      async function* batches(): AsyncGenerator<Batch> {
        const decoder = new TextDecoder("utf-8", { fatal: true });
        try {
          for await (const chunk of body) {
            parser.push(decoder.decode(chunk, { stream: true }));
            if (issues.length >= MAX_UPLOAD_ISSUES) break;
            if (batch.scores.length >= batchRows) {
              const full = take();
              if (full) yield full;
            }
          }
          if (issues.length < MAX_UPLOAD_ISSUES) {
            parser.push(decoder.decode());
            parser.end();
          }
        } catch (err) {
          if (err instanceof LineTooLongError) report(err.line, err.message.replace(/^line \d+: /, ""));
          else if (err instanceof TypeError && /decode|encoded/i.test(err.message))
            issues.push({ field: "body", message: "the body is not valid UTF-8" });
          else throw err;
        }
        const last = take();
        if (last) yield last;
      }

      await writeInstanceRows(tx, systemId, batches(), (b, indexes) => {
        for (const i of indexes) report(b.lines[i], `duplicate (task, instance) (${describe(b.instances[i])}), already given on an earlier line`);
      });
      if (issues.length) {
        const more = issues.length > 1 ? ` (+${issues.length - 1} more in details${issues.length >= MAX_UPLOAD_ISSUES ? `; stopped after ${MAX_UPLOAD_ISSUES}` : ""})` : "";
        throw invalid(`invalid upload, nothing stored: ${issues[0].message}${more}`, issues);
      }
      if (rows === 0) throw invalid("empty upload: no rows", [{ field: "body", message: "at least one row is required (task,instance,score)" }]);
      const upload = await recordInstanceUpload(tx, systemId, rows);
      return { rows, revision, uploadId: upload.id, system: systemSlug };
    }),
  );
}
