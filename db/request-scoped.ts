/**
 * A Database whose connection belongs to the current request: services (and their caches) are
 * built once per isolate on the Cloudflare Worker, while I/O objects such as a postgres.js
 * socket must not outlive the request that opened them. `run(database, fn)` makes `database`
 * the one every `db` call inside `fn` (and everything it awaits) uses, through
 * AsyncLocalStorage, so concurrent requests in one isolate never share a connection.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { CONNECTION_IDENTITY, type Database, type Db } from "./client.ts";

export interface RequestScopedDatabase {
  /** Stands for the current request's database; using it outside `run` throws. */
  readonly database: Database;
  /** Run `fn` with `database` as the current request's database. */
  run<T>(database: Database, fn: () => T): T;
}

export function requestScopedDatabase(): RequestScopedDatabase {
  const current = new AsyncLocalStorage<Database>();
  const active = (): Database => {
    const database = current.getStore();
    if (!database) throw new Error("no database: this code ran outside a request");
    return database;
  };
  // Every property of the drizzle object is read from the current request's one, methods bound to it.
  const db = new Proxy({} as Db, {
    get(_target, prop) {
      const target = active().db as unknown as Record<PropertyKey, unknown>;
      // Per-connection caches (prepared queries) key on the request's own handle.
      if (prop === CONNECTION_IDENTITY) return target;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    has: (_target, prop) => prop in (active().db as object),
  });
  return {
    database: {
      db,
      kind: "postgres",
      ping: (timeoutMs) => active().ping(timeoutMs),
      // Each request closes its own database.
      close: async () => {},
    },
    run: (database, fn) => current.run(database, fn),
  };
}
