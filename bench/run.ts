/** `npm run bench`: runs every bench group in turn. Add a group by importing its runner below. */
import { runHotReadBenches } from "./hot-reads.ts";
import { runInstanceBenches } from "./instances.ts";
import { runLeaderboardBenches } from "./leaderboard.ts";
import { runRankingBenches } from "./ranking.ts";

const groups: [string, () => void | Promise<void>][] = [["ranking", runRankingBenches], ["leaderboard", runLeaderboardBenches], ["instances", runInstanceBenches], ["hot reads (HTTP)", runHotReadBenches]];

for (const [name, run] of groups) {
  console.log(`== ${name} ==`);
  await run();
}
