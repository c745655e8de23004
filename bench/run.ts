/**
 * `npm run bench [group ...] [-- --option=value ...]`: runs every bench group in turn (or the
 * named ones); options go to the groups (instances: `--size=SxTxI`, `--backend`, `--concurrency`).
 * Add a group by importing its runner below.
 */
import { runEvidenceBenches } from "./evidence.ts";
import { runInstanceBenches } from "./instances.ts";
import { runLeaderboardBenches } from "./leaderboard.ts";
import { runLoadBenches } from "./load.ts";
import { runOperationsBenches } from "./operations.ts";
import { runRankingBenches } from "./ranking.ts";

const groups: [string, () => void | Promise<void>][] = [
  ["ranking", runRankingBenches],
  ["leaderboard", runLeaderboardBenches],
  ["instances", runInstanceBenches],
  ["operations", runOperationsBenches],
  ["load", runLoadBenches],
  ["evidence", runEvidenceBenches],
];

// `--name=value` arguments are options of the groups (e.g. `--size=10x5x1000` for instances).
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const unknown = wanted.filter((name) => !groups.some(([g]) => g === name));
if (unknown.length) {
  console.error(`unknown bench group(s): ${unknown.join(", ")} (known: ${groups.map(([g]) => g).join(", ")})`);
  process.exit(2);
}
for (const [name, run] of groups) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`== ${name} ==`);
  await run();
}
