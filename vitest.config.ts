import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // chromium suites: `npm run test:browser` (vitest.browser.config.ts)
    exclude: [...configDefaults.exclude, "test/browser/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
