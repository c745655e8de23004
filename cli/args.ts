/** Flag parsing shared by CLI commands: `--flag value`, `--flag=value`, boolean switches, positionals. */

export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  /** Value flags; a repeated flag keeps every value in order. */
  values: Map<string, string[]>;
  switches: Set<string>;
  help: boolean;
}

/** Parse `args` given the known value flags and switches (names with their leading `--`). */
export function parseFlags(args: string[], spec: { values: readonly string[]; switches?: readonly string[] }): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: new Map(), switches: new Set(), help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      out.help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (spec.switches?.includes(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      out.switches.add(name);
    } else if (spec.values.includes(name)) {
      let value: string;
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i];
      else throw new UsageError(`${name} needs a value`);
      out.values.set(name, [...(out.values.get(name) ?? []), value]);
    } else throw new UsageError(`unknown option ${name}`);
  }
  return out;
}

/** Comma-separated list, trimmed, empties dropped. */
export const commaList = (v: string) => v.split(",").map((x) => x.trim()).filter(Boolean);
