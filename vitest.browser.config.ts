import { defineConfig } from "vitest/config";

/** `npm run test:browser`: the chromium suites under test/browser (kept out of `npm test`). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
