/**
 * What a request costs, for rate limiting: the one definition of "write" and "expensive read".
 *
 * - `write`: POST/PUT/PATCH/DELETE (except `POST /api/v1/rank`, which stores nothing).
 * - `expensive`: reads that compute instead of serving a cached leaderboard:
 *   `POST /api/v1/rank`; a leaderboard with `uncertainty=bootstrap` and a `seed` or `samples`
 *   other than the default (each one a new bootstrap); a leaderboard with `kemenyBudgetMs` above
 *   the default. The robustness report and the HTML pages take none of these parameters (they
 *   run the default budget and the default, cached bootstrap), so they stay free.
 * - `free`: everything else (cached or cheap reads), never limited.
 *
 * Malformed values (`seed=abc`) are not expensive: the route answers them with a cheap 400.
 */
import { DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_KEMENY_BUDGET_MS } from "../../ranking/index.ts";
import { DEFAULT_SEED } from "../../service/uncertainty.ts";

export type RequestCost = "write" | "expensive" | "free";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const RANK_PATH = "/api/v1/rank";
/** Routes honouring `uncertainty`/`seed`/`samples` and `kemenyBudgetMs` (the decoded path, as the router sees it). */
const COMPUTED_LEADERBOARD = /^\/api\/v1\/benchmarks\/[^/]+\/leaderboard$/;

/** Values of a query parameter read the way the route's validator reads them (plain decimal digits). */
type QueryValues = (name: string) => string[] | undefined;

function wellFormedNumbers(values: string[] | undefined): number[] {
  return (values ?? []).filter((v) => /^\d{1,16}$/.test(v)).map(Number);
}

/** Whether a leaderboard query asks for more than the default, cached computation. */
function beyondDefaults(query: QueryValues): boolean {
  if (wellFormedNumbers(query("kemenyBudgetMs")).some((ms) => ms > DEFAULT_KEMENY_BUDGET_MS)) return true;
  if (!query("uncertainty")?.includes("bootstrap")) return false; // seed and samples are ignored without it
  return (
    wellFormedNumbers(query("seed")).some((seed) => seed !== DEFAULT_SEED) ||
    wellFormedNumbers(query("samples")).some((samples) => samples !== DEFAULT_BOOTSTRAP_SAMPLES)
  );
}

/** Classify a request by method, decoded path (`c.req.path`) and query (`(name) => c.req.queries(name)`). */
export function requestCost(method: string, path: string, query: QueryValues): RequestCost {
  if (method === "POST" && path === RANK_PATH) return "expensive";
  if (WRITE_METHODS.has(method)) return "write";
  if ((method === "GET" || method === "HEAD") && COMPUTED_LEADERBOARD.test(path) && beyondDefaults(query)) return "expensive";
  return "free";
}
