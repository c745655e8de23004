/**
 * `npm run bench [group ...]`: runs every bench group in turn (or the named ones). Add a group by
 * importing its runner below.
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

const wanted = process.argv.slice(2);
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
