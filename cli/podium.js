#!/usr/bin/env node
// Node 20 cannot run TypeScript by itself: register tsx, then hand over to the real CLI.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
