import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // chromium suites: `npm run test:browser` (vitest.browser.config.ts); wrangler dev + PostgreSQL: `npm run test:workers` (vitest.workers.config.ts)
    // A PostgreSQL restart needs a PostgreSQL server: that suite runs with DATABASE_URL (`npm run test:pg`, .ci/run) instead of skipping.
    exclude: [...configDefaults.exclude, "test/browser/**", "test/workers-dev/**", ...(process.env.DATABASE_URL ? [] : ["test/e2e/pg-restart.test.ts"])],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
