import { readFileSync } from "node:fs";
import { renderHelp, type CommandSpec } from "./args.ts";

interface Command {
  summary: string;
  spec: () => Promise<CommandSpec>;
  run: (args: string[]) => Promise<number>;
}

// Loaded on demand: `podium import` need not load the ranking engine.
const COMMANDS: Record<string, Command> = {
  rank: {
    summary: "rank the systems of a wide CSV by every method, side by side (offline)",
    spec: async () => (await import("./rank.ts")).RANK_COMMAND,
    run: async (args) => (await import("./rank.ts")).runRank(args),
  },
  import: {
    summary: "load a wide or long CSV, or lm-evaluation-harness results, into a running Podium server",
    spec: async () => (await import("./import.ts")).IMPORT_COMMAND,
    run: async (args) => (await import("./import.ts")).runImport(args),
  },
  "import-instances": {
    summary: "load instance-level scores (system,instance,<metric>... or system,task,instance,score) into a running Podium server",
    spec: async () => (await import("./import-instances.ts")).IMPORT_INSTANCES_COMMAND,
    run: async (args) => (await import("./import-instances.ts")).runImportInstances(args),
  },
};

function version(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

const usage = () => `usage: podium <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(18)}${c.summary}`)
  .join("\n")}
  help [command]    this help, or a command's flags (same as podium <command> --help)

Flags:
  -h, --help        this help
  -v, --version     print the version (${version()})

Exit codes: 0 done, 2 bad flags or input, 1 the server refused (import).
`;

async function main([command, ...args]: string[]): Promise<number> {
  switch (command) {
    case "--version":
    case "-v":
      process.stdout.write(`podium ${version()}\n`);
      return 0;
    case "help":
    case "--help":
    case "-h": {
      const topic = command === "help" ? args[0] : undefined;
      if (topic === undefined) process.stdout.write(usage());
      else if (Object.hasOwn(COMMANDS, topic)) process.stdout.write(renderHelp(await COMMANDS[topic].spec()));
      else return unknownCommand(topic);
      return 0;
    }
    case undefined:
      process.stderr.write(usage());
      return 2;
    default:
      return Object.hasOwn(COMMANDS, command) ? COMMANDS[command].run(args) : unknownCommand(command);
  }
}

function unknownCommand(command: string): number {
  process.stderr.write(`podium: unknown command "${command}"\n\n${usage()}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
