export {};

const usage = `podium <command>

Commands:
  rank FILE.csv [--methods m1,m2] [--lower-is-better t1,t2] [--weights t=2,u=0.5] [--format table|json|csv]
      Rank the systems of a wide CSV (system,<task>,...) by every method, side by side.
  import FILE.csv --benchmark SLUG [--create] [--lower-is-better t1,t2] [--url URL] [--token TOKEN]
      Load a wide CSV into a running Podium server.
`;

const [command, ...args] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (command) {
    case "rank":
      return (await import("./rank.ts")).runRank(args);
    case "import":
      return (await import("./import.ts")).runImport(args);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(usage);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`podium: unknown command "${command}"\n\n${usage}`);
      return 1;
  }
}

process.exitCode = await main();
