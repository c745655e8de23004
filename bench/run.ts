/** `npm run bench`: runs every bench group in turn. Add a group by importing its runner below. */
import { runRankingBenches } from "./ranking.ts";

const groups: [string, () => void | Promise<void>][] = [["ranking", runRankingBenches]];

for (const [name, run] of groups) {
  console.log(`== ${name} ==`);
  await run();
}
