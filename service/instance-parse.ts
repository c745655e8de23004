/**
 * Incremental parsers of instance-level uploads: push decoded text chunks, get rows through a
 * synchronous callback (no per-row promises). Line numbers are physical lines of the body
 * (the CSV header is line 1); a CSV record spanning lines (quoted newlines) reports its first.
 *
 * - CSV (RFC 4180): a header naming `task`, `instance`, `score` (any order, case-insensitive),
 *   then one record per row; fields may be quoted (`"a,b"`, `""` for a quote). Empty lines skip.
 * - NDJSON: one JSON object `{"task", "instance", "score"}` per line; empty lines skip.
 */

export type UploadFormat = "csv" | "ndjson";

/** Longest accepted line (or quoted multi-line CSV record), in characters. */
export const MAX_LINE_CHARS = 1 << 20;

/** A line longer than MAX_LINE_CHARS: the upload cannot be parsed further. */
export class LineTooLongError extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: longer than ${MAX_LINE_CHARS} characters`);
    this.name = "LineTooLongError";
  }
}

/** A raw row: `score` is the CSV text or the JSON value; checks happen in the consumer. */
export interface RawRow {
  line: number;
  task: unknown;
  instance: unknown;
  score: unknown;
}

/** Row-level problem found by the parser itself (wrong column count, malformed JSON...). */
export interface RowProblem {
  line: number;
  message: string;
}

export interface RowSink {
  row(row: RawRow): void;
  problem(problem: RowProblem): void;
}

export interface UploadParser {
  push(text: string): void;
  /** Flush the last line (a body without a trailing newline). */
  end(): void;
}

export function createUploadParser(format: UploadFormat, sink: RowSink): UploadParser {
  return lineReader(format === "csv" ? csvRecords(sink) : ndjsonLines(sink));
}

interface LineSink {
  line(line: string, no: number): void;
  end(): void;
}

/** Splits text chunks into lines (LF or CRLF), numbering them from 1; strips a leading BOM. */
function lineReader(sink: LineSink): UploadParser {
  let rest = "";
  let no = 0;
  let first = true;
  const emit = (line: string) => {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    sink.line(line, ++no);
  };
  return {
    push(text) {
      let start = 0;
      let nl = text.indexOf("\n");
      if (nl >= 0 && rest) {
        emit(rest + text.slice(0, nl));
        rest = "";
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      while (nl >= 0) {
        emit(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      rest += text.slice(start);
      if (rest.length > MAX_LINE_CHARS) throw new LineTooLongError(no + 1);
    },
    end() {
      if (rest) emit(rest);
      rest = "";
      sink.end();
    },
  };
}

const COLUMNS = ["task", "instance", "score"] as const;

/** CSV records from lines: quoted fields may span lines (joined with "\n"). */
function csvRecords(sink: RowSink): LineSink {
  let index: number[] | null = null; // header position of task, instance, score
  let width = 0;
  let pending: string | null = null; // a record whose quotes are still open
  let pendingLine = 0;
  let quotes = 0;

  const record = (text: string, no: number) => {
    const fields = text.includes('"') ? splitQuoted(text) : text.split(",");
    if (fields === null) return sink.problem({ line: no, message: "malformed quoted field" });
    if (index === null) {
      const names = fields.map((f) => f.trim().toLowerCase());
      const idx = COLUMNS.map((c) => names.indexOf(c));
      if (idx.some((i) => i < 0) || names.length !== 3)
        return sink.problem({ line: no, message: `header must be "task,instance,score" (got "${text.slice(0, 100)}")` });
      index = idx;
      width = names.length;
      return;
    }
    if (fields.length !== width) return sink.problem({ line: no, message: `expected ${width} fields, got ${fields.length}` });
    sink.row({ line: no, task: fields[index[0]], instance: fields[index[1]], score: fields[index[2]] });
  };

  const line = (line: string, no: number) => {
    if (pending !== null) {
      pending += "\n" + line;
      quotes += countQuotes(line);
      if (pending.length > MAX_LINE_CHARS) throw new LineTooLongError(pendingLine);
      if (quotes % 2 === 0) {
        const text = pending;
        pending = null;
        record(text, pendingLine);
      }
      return;
    }
    if (line === "") return;
    const q = line.includes('"') ? countQuotes(line) : 0;
    if (q % 2 === 1) {
      pending = line;
      pendingLine = no;
      quotes = q;
      return;
    }
    record(line, no);
  };
  const end = () => {
    if (pending !== null) sink.problem({ line: pendingLine, message: "unterminated quoted field" });
    pending = null;
  };
  return { line, end };
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** RFC 4180 fields of one complete record; null when a quote is misplaced (`ab"c`, `"a"b`). */
export function splitQuoted(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return null;
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i === text.length) return out;
      if (text[i] !== ",") return null;
      i++;
    } else {
      const c = text.indexOf(",", i);
      const value = c < 0 ? text.slice(i) : text.slice(i, c);
      if (value.includes('"')) return null;
      out.push(value);
      if (c < 0) return out;
      i = c + 1;
    }
  }
}

function ndjsonLines(sink: RowSink): LineSink {
  const line = (line: string, no: number) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return sink.problem({ line: no, message: "malformed JSON" });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      return sink.problem({ line: no, message: 'expected an object {"task", "instance", "score"}' });
    const o = value as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !(COLUMNS as readonly string[]).includes(k));
    if (extra.length) return sink.problem({ line: no, message: `unknown field "${extra[0]}" (expected task, instance, score)` });
    sink.row({ line: no, task: o.task, instance: o.instance, score: o.score });
  };
  return { line, end: () => {} };
}
