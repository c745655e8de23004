/** RFC 4180 CSV parsing for wide score tables (`system,<task>,...`), and slugs for names. */
import { transliterate } from "transliteration";

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
const HASH_LENGTH = 6;

/** Latin letters NFKD does not decompose, and Greek and Cyrillic, spelled in ASCII. */
const TRANSLITERATION: Record<string, string> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", þ: "th", ł: "l", ı: "i", ŋ: "ng", ħ: "h", ĸ: "k", ſ: "s",
  α: "a", β: "b", γ: "g", δ: "d", ε: "e", ζ: "z", η: "e", θ: "th", ι: "i", κ: "k", λ: "l", μ: "m", ν: "n", ξ: "x",
  ο: "o", π: "p", ρ: "r", σ: "s", ς: "s", τ: "t", υ: "y", φ: "f", χ: "ch", ψ: "ps", ω: "o",
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l", м: "m",
  н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch",
  ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya", і: "i", ї: "yi", є: "ye", ґ: "g", ў: "u", ј: "j", љ: "lj", њ: "nj", ћ: "c", џ: "dz",
};

/** Short stable hex hash of a name (FNV-1a, 32 bits, over its NFC code points): the same on every machine. */
function nameHash(name: string): string {
  let h = 0x811c9dc5;
  for (const ch of name.normalize("NFC")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0").slice(0, HASH_LENGTH);
}

/** Chinese, Japanese, Korean, Arabic, ... spelled in ASCII by `transliteration` ("百度文心" -> "Bai Du Wen Xin"); unknown characters dropped. */
function transliterateRest(folded: string): string {
  if (!/[\p{L}\p{N}]/u.test(folded.replace(/[\x00-\x7f]/g, ""))) return folded;
  // A transliterated word next to a Latin one stays a word of its own ("bert中文" -> "bert zhong wen").
  return transliterate(folded.replace(/(\p{Script=Han}+)/gu, " $1 "), { unknown: "" }).toLowerCase();
}

/**
 * The slug a name asks for, matching ^[a-z0-9][a-z0-9._-]{0,63}$: accents folded, Greek and
 * Cyrillic spelled by the table above, other scripts transliterated ("百度文心" -> bai-du-wen-xin),
 * lowercased, "&" -> "and", other runs -> "-". It depends on the name alone, never on the other rows.
 * Only a name with nothing left to spell (emoji, punctuation) gets a short hash of the whole name
 * ("???" -> "sys-1a2b3c"), so different such names stay apart.
 */
export function slugify(name: string): string {
  const folded = [...name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()].map((c) => TRANSLITERATION[c] ?? c).join("");
  const base = trimSlug(
    transliterateRest(folded)
      .replace(/&/g, "-and-")
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/^[._-]+/, ""),
    SLUG_MAX,
  );
  return base || `sys-${nameHash(name)}`;
}

function trimSlug(s: string, max: number): string {
  return s.slice(0, max).replace(/[._-]+$/, "");
}

/**
 * Distinct slugs for a list of names, independent of their order: names asking for the same slug
 * are sorted (code point order) and get "", "-2", "-3", ... in that order; the same name twice
 * keeps the order of its rows.
 */
export function slugifyAll(names: string[]): string[] {
  const wanted = names.map(slugify);
  const groups = new Map<string, number[]>();
  wanted.forEach((slug, i) => groups.set(slug, [...(groups.get(slug) ?? []), i]));
  const taken = new Set(groups.keys());
  const out = [...wanted];
  for (const [slug, rows] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rows.length === 1) continue;
    const sorted = [...rows].sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : a - b));
    sorted.slice(1).forEach((row) => {
      let n = 2;
      let candidate: string;
      do candidate = `${trimSlug(slug, SLUG_MAX - `-${n}`.length)}-${n++}`;
      while (taken.has(candidate));
      taken.add(candidate);
      out[row] = candidate;
    });
  }
  return out;
}
