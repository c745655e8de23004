import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // chromium suites: `npm run test:browser` (vitest.browser.config.ts); wrangler dev + PostgreSQL: `npm run test:workers` (vitest.workers.config.ts)
    exclude: [...configDefaults.exclude, "test/browser/**", "test/workers-dev/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
