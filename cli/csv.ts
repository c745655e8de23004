/** RFC 4180 CSV parsing for wide score tables (`system,<task>,...`), and slugs for names. */

/** All rows of an RFC 4180 document: quoted fields, doubled quotes, CRLF or LF, optional BOM. */
export function parseCsvRows(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  const n = text.length;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      i++;
    } else if (c === ",") {
      endField();
      i++;
    } else if (c === "\r" || c === "\n") {
      endRow();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new CsvError("unterminated quoted field");
  if (field !== "" || row.length) endRow();
  return rows;
}

export class CsvError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "CsvError";
  }
}

export interface WideTable {
  tasks: string[];
  systems: { name: string; scores: Record<string, number | null> }[];
}

/** Parse a wide CSV: header `system,<task>,...`; an empty cell is a missing score. */
export function parseWideCsv(text: string): WideTable {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new CsvError("empty CSV");
  const [header, ...body] = rows;
  const tasks = header.slice(1).map((t) => t.trim());
  if (tasks.length === 0) throw new CsvError("header needs a system column and at least one task column", 1);
  const seen = new Set<string>();
  for (const t of tasks) {
    if (!t) throw new CsvError("empty task name in header", 1);
    if (seen.has(t)) throw new CsvError(`duplicate task "${t}" in header`, 1);
    seen.add(t);
  }
  const systems = body.map((cells, r) => {
    const line = r + 2;
    if (cells.length !== header.length) throw new CsvError(`expected ${header.length} fields, got ${cells.length}`, line);
    const name = cells[0].trim();
    if (!name) throw new CsvError("empty system name", line);
    const scores: Record<string, number | null> = {};
    tasks.forEach((t, j) => {
      const raw = cells[j + 1].trim();
      if (raw === "") scores[t] = null;
      else {
        const v = Number(raw);
        if (!Number.isFinite(v)) throw new CsvError(`score "${raw}" for task "${t}" is not a finite number`, line);
        scores[t] = v;
      }
    });
    return { name, scores };
  });
  return { tasks, systems };
}

const SLUG_MAX = 64;

/**
 * A slug matching ^[a-z0-9][a-z0-9._-]{0,63}$ (accents folded, lowercased, "&" -> "and", other
 * runs -> "-"). With `taken`, a slug already in the set gets "-2", "-3", ... and is added to it.
 */
export function slugify(name: string, taken?: Set<string>): string {
  let base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, "-and-")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  base = trimSlug(base.replace(/-{2,}/g, "-"), SLUG_MAX) || "x";
  if (!taken) return base;
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = trimSlug(base, SLUG_MAX - `-${i}`.length) + `-${i}`;
  taken.add(slug);
  return slug;
}

function trimSlug(s: string, max: number): string {
  return s.slice(0, max).replace(/[._-]+$/, "");
}

/** Unique slugs for a list of names, in order. */
export function slugifyAll(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => slugify(name, taken));
}
