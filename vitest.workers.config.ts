import { defineConfig } from "vitest/config";

/**
 * `npm run test:workers`: Podium on `wrangler dev` (workerd) against PostgreSQL through
 * Hyperdrive's local connection string (test/workers-dev/). Needs a PostgreSQL server
 * (DATABASE_URL's, default postgres://postgres@127.0.0.1:5432/postgres); `npm test` leaves it out.
 */
export default defineConfig({
  test: {
    include: ["test/workers-dev/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
