/**
 * The one flag parser of every CLI command: a command declares its flags once (type, meaning,
 * default) and gets both parsing (`node:util.parseArgs`, strict) and its `--help` text from it.
 */
import { parseArgs } from "node:util";

/** Bad flags or arguments: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export interface FlagSpec {
  /** `string` flags take a value; `boolean` flags are switches. */
  type: "string" | "boolean";
  /** What the flag means (one line, shown by --help). */
  help: string;
  /** Placeholder of the value in --help, e.g. "SLUG". */
  value?: string;
  /** The default as a user should read it in --help (the command applies it). */
  default?: string;
  short?: string;
}

export interface CommandSpec {
  name: string;
  /** e.g. "FILE.csv --benchmark SLUG [flags]" */
  synopsis: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Paragraphs printed after the flag list. */
  notes?: string;
}

export interface ParsedCommand {
  positionals: string[];
  /** Every value of a string flag in order (a flag may repeat); `true` for a given switch. */
  values: Record<string, string[] | boolean | undefined>;
}

const HELP_FLAG: FlagSpec = { type: "boolean", short: "h", help: "show this help" };

/** Parse `argv` for `spec`; `"help"` when -h/--help was given. Throws UsageError. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand | "help" {
  const flags = { ...spec.flags, help: HELP_FLAG };
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [name, { type: f.type, multiple: f.type === "string", ...(f.short ? { short: f.short } : {}) }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(describeParseError(e as Error & { code?: string }));
  }
  if (parsed.values.help) return "help";
  return { positionals: parsed.positionals, values: parsed.values as ParsedCommand["values"] };
}

/** parseArgs' messages are long and generic; say what is wrong in the CLI's words. */
function describeParseError(e: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' <]+)/.exec(e.message)?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${flag}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/.test(e.message)) return `${flag} needs a value`;
      if (/ambiguous/.test(e.message)) return `${flag} needs a value (for a value starting with "-", write ${flag}=VALUE)`;
      if (/does not take an argument/.test(e.message)) return `${flag} takes no value`;
      return e.message.split("\n")[0];
    default:
      return e.message.split("\n")[0];
  }
}

/** The last value of a string flag (a repeated flag: the last one counts). */
export function lastValue(p: ParsedCommand, flag: string): string | undefined {
  const v = p.values[flag];
  return Array.isArray(v) ? v.at(-1) : undefined;
}

/** The one value of a string flag that must not repeat. */
export function singleValue(p: ParsedCommand, flag: string): string | undefined {
  const v = p.values[flag];
  if (Array.isArray(v) && v.length > 1) throw new UsageError(`--${flag} given more than once`);
  return Array.isArray(v) ? v[0] : undefined;
}

/** Every comma-separated item of a list flag, over all its repetitions. */
export function listValue(p: ParsedCommand, flag: string): string[] {
  const v = p.values[flag];
  return Array.isArray(v) ? v.flatMap(commaList) : [];
}

export function switchValue(p: ParsedCommand, flag: string): boolean {
  return p.values[flag] === true;
}

/** Comma-separated list, trimmed, empties dropped. */
export const commaList = (v: string) => v.split(",").map((x) => x.trim()).filter(Boolean);

/** `task=2,other=0.5` (over every repetition of the flag) -> weights; each weight a number > 0. */
export function weightsValue(p: ParsedCommand, flag: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const pair of listValue(p, flag)) {
    const eq = pair.lastIndexOf("=");
    const task = eq > 0 ? pair.slice(0, eq).trim() : "";
    const raw = eq > 0 ? pair.slice(eq + 1).trim() : "";
    const w = Number(raw);
    if (!task || raw === "" || !Number.isFinite(w) || w <= 0) throw new UsageError(`bad weight "${pair}": expected task=number with number > 0`);
    weights.set(task, w);
  }
  return weights;
}

/** A whole number >= min given as a flag value. */
export function integerValue(p: ParsedCommand, flag: string, min: number): number | undefined {
  const raw = lastValue(p, flag);
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(x) || x < min) throw new UsageError(`--${flag} must be a whole number >= ${min} (got "${raw}")`);
  return x;
}

const HELP_WIDTH = 100;

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The --help text of a command: synopsis, every flag with its meaning and default, notes. */
export function renderHelp(spec: CommandSpec): string {
  const flags = { ...spec.flags, help: HELP_FLAG };
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.type === "string" ? ` ${f.value ?? "VALUE"}` : ""}`;
    return { left, right: f.help + (f.default !== undefined ? ` (default: ${f.default})` : "") };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  const lines = [`usage: podium ${spec.name} ${spec.synopsis}`, "", spec.summary, "", "Flags:"];
  for (const r of rows) wrap(r.right, HELP_WIDTH - 2 - width).forEach((text, i) => lines.push(`  ${(i ? "" : r.left).padEnd(width)}${text}`));
  if (spec.notes) lines.push("", spec.notes.trimEnd());
  return lines.join("\n") + "\n";
}
