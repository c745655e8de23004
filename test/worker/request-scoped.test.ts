/**
 * The Worker's composition seams, run on Node: the request-scoped database (each request sees
 * its own connection through AsyncLocalStorage, including per-connection caches such as
 * prepared queries) and the inline compute that loads the LP solver only for Kemeny jobs.
 */
import { describe, expect, it } from "vitest";
import { connectionOf, requestScopedDatabase, type Database, type Db } from "../../db/index.ts";
import { createInlineCompute, jobMayUseLp, withKemenyBudgetCap, type ComputeJob, type ComputePool } from "../../service/compute-jobs.ts";

function fakeDatabase(name: string): Database & { closed: boolean } {
  const db = { name, hello(this: { name: string }) { return `hello from ${this.name}`; } } as unknown as Db;
  return { db, kind: "postgres", ping: async () => name === "up", close: async () => {}, closed: false };
}

describe("requestScopedDatabase", () => {
  it("gives each concurrent request its own database, across awaits", async () => {
    const scoped = requestScopedDatabase();
    const db = scoped.database.db as unknown as { name: string; hello(): string };
    const seen = await Promise.all(
      ["a", "b", "c"].map((name, i) =>
        scoped.run(fakeDatabase(name), async () => {
          const before = db.name;
          await new Promise((r) => setTimeout(r, 10 * (3 - i)));
          return [before, db.name, db.hello()];
        }),
      ),
    );
    expect(seen).toEqual([
      ["a", "a", "hello from a"],
      ["b", "b", "hello from b"],
      ["c", "c", "hello from c"],
    ]);
  });

  it("keys per-connection caches on the request's own handle, and refuses use outside a request", async () => {
    const scoped = requestScopedDatabase();
    const first = fakeDatabase("a");
    const second = fakeDatabase("b");
    expect(scoped.run(first, () => connectionOf(scoped.database.db))).toBe(first.db);
    expect(scoped.run(second, () => connectionOf(scoped.database.db))).toBe(second.db);
    expect(connectionOf(first.db)).toBe(first.db); // a plain handle is its own identity
    expect(() => (scoped.database.db as unknown as { name: string }).name).toThrow(/outside a request/);
    expect(await scoped.run(fakeDatabase("up"), () => scoped.database.ping())).toBe(true);
  });
});

describe("inline compute with a lazily loaded LP solver", () => {
  const table = { tasks: [{ slug: "a" }, { slug: "b" }], systems: [{ slug: "x", scores: { a: 1, b: 2 } }, { slug: "y", scores: { a: 2, b: 1 } }] };

  it("loads the solver for Kemeny jobs only", async () => {
    let loads = 0;
    const compute = createInlineCompute(async () => {
      loads++;
      return undefined; // unavailable: Kemeny falls back to its branch and bound
    });
    const mean = await compute.run({ kind: "rank", input: { ...table, methods: ["mean", "borda"] } });
    expect(mean.systems).toHaveLength(2);
    expect(loads).toBe(0);
    const kemeny = await compute.run({ kind: "rank", input: { ...table, methods: ["kemeny"] } });
    expect(kemeny.systems.map((s) => s.results.kemeny?.rank).sort()).toEqual([1, 2]);
    expect(loads).toBe(1);
    await compute.run({ kind: "rank", input: table }); // no methods: all of them, Kemeny included
    expect(loads).toBe(2);
    expect(compute.stats).toMatchObject({ completed: 3, pending: 0 });
  });

  it("caps Kemeny budgets above the Worker's maximum, and only those", async () => {
    const seen: ComputeJob[] = [];
    const inner = createInlineCompute();
    const spy: ComputePool = { stats: inner.stats, run: (job) => (seen.push(job), inner.run(job)), close: inner.close };
    const capped = withKemenyBudgetCap(spy, 500);
    await capped.run({ kind: "rank", input: { ...table, methods: ["kemeny"], kemenyBudgetMs: 60_000 } });
    await capped.run({ kind: "rank", input: { ...table, methods: ["kemeny"], kemenyBudgetMs: 20 } });
    await capped.run({ kind: "rank", input: { ...table, methods: ["kemeny"] } });
    expect(seen.map((j) => (j.kind === "rank" ? j.input.kemenyBudgetMs : "?"))).toEqual([500, 20, undefined]);
  });

  it("jobMayUseLp: Kemeny leaderboards and rank requests", () => {
    expect(jobMayUseLp({ kind: "rank", input: { ...table, methods: ["kemeny", "mean"] } })).toBe(true);
    expect(jobMayUseLp({ kind: "rank", input: { ...table, methods: ["copeland"] } })).toBe(false);
  });
});
