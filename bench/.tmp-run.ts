import { runInstanceBenches } from "./instances.ts";
await runInstanceBenches();
