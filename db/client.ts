/**
 * The database handle both backends share, and its PostgreSQL side (postgres.js): a pooled,
 * guarded client for the Node server (`databaseFromUrl`) and a bare per-request client for the
 * Cloudflare Worker (`databaseFromPostgresClient`, over Hyperdrive). Embedded PGlite lives in
 * db/pglite.ts and `openDatabase` in db/node.ts, so this module (and db/index.ts) imports no
 * PGlite, no file system and no migrator: the Worker bundles it. Every driver difference stays in db/.
 */
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { DatabaseGuard, within } from "./availability.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** The drizzle database (or transaction) type every repository function takes; both drivers fit it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type BackendKind = "pglite" | "postgres";

/**
 * Caches of things bound to a connection (drizzle prepared queries) key on `connectionOf(db)`:
 * the handle itself, except for a request-scoped handle (db/request-scoped.ts, the Worker), which
 * answers this symbol with the current request's own handle, so nothing outlives its request.
 */
export const CONNECTION_IDENTITY = Symbol.for("podium.db.connection");

export function connectionOf(db: Db): object {
  return (db as unknown as Record<symbol, object | undefined>)[CONNECTION_IDENTITY] ?? db;
}

export interface Database {
  db: Db;
  kind: BackendKind;
  /** Answers `SELECT 1` within `timeoutMs` (default 2 s); false on any error, at once while PostgreSQL is known to be down. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** postgres.js pool settings (PODIUM_DB_* in api/config.ts). */
export interface PostgresSettings {
  /** Connections in the pool. */
  poolSize: number;
  /** Give up connecting after this long (the request then gets 503). */
  connectTimeoutMs: number;
  /** `statement_timeout` of every connection; 0 disables. */
  statementTimeoutMs: number;
  /** Close connections idle this long; 0 keeps them open. */
  idleTimeoutMs: number;
  /** Longest wait for a free pooled connection (then 503); see db/availability.ts. */
  poolWaitMs: number;
}

export const DEFAULT_POSTGRES_SETTINGS: PostgresSettings = {
  poolSize: 10,
  connectTimeoutMs: 2000,
  statementTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  poolWaitMs: 5000,
};

export interface DatabaseConfig {
  databaseUrl?: string;
  dataDir: string;
  postgres?: Partial<PostgresSettings>;
}

const DEFAULT_PING_TIMEOUT_MS = 2000;

/** Rows of a `db.execute(sql...)` result: pglite gives `{rows}`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown }).rows;
  return (Array.isArray(rows) ? rows : []) as T[];
}

/** Run a raw statement and return its rows, whatever the driver. */
export async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

export function pingDb(db: Db, timeoutMs = DEFAULT_PING_TIMEOUT_MS): Promise<boolean> {
  return within(timeoutMs, async () => Number((await query<{ ok: number }>(db, sql`select 1 as ok`))[0]?.ok) === 1);
}

/** Reconnect delay (seconds) after failed attempts: short, since the guard stops retry storms (postgres.js's default grows to 20 s). */
const reconnectBackoff = (attempt: number) => Math.min(0.05 * 2 ** attempt, 0.5);

/**
 * Connect to PostgreSQL through postgres.js, behind a DatabaseGuard (db/availability.ts): a
 * bounded wait for a pooled connection and fast failures while the server is down.
 */
export function databaseFromUrl(url: string, settings: Partial<PostgresSettings> = {}): Database {
  const s = { ...DEFAULT_POSTGRES_SETTINGS, ...settings };
  const client = postgres(url, {
    max: s.poolSize,
    connect_timeout: s.connectTimeoutMs / 1000,
    idle_timeout: s.idleTimeoutMs / 1000,
    backoff: reconnectBackoff,
    onnotice: () => {},
    connection: s.statementTimeoutMs > 0 ? { statement_timeout: s.statementTimeoutMs } : {},
  });
  const onChange = (up: boolean, cause?: unknown) =>
    up
      ? console.warn("[podium] database reachable again")
      : console.warn(`[podium] database unreachable (${describeFailure(cause)}); answering 503 until a probe succeeds`);
  const guard = new DatabaseGuard({ poolSize: s.poolSize, poolWaitMs: s.poolWaitMs, probeTimeoutMs: s.connectTimeoutMs + 500, onChange }, async () => {
    const [row] = await client`select 1 as ok`;
    return row?.ok === 1;
  });
  const db = drizzlePostgres({ client: guardedClient(client, guard), schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    ping: (timeoutMs) => (guard.available ? pingDb(db, timeoutMs) : Promise.resolve(false)),
    close: () => {
      guard.close();
      return client.end({ timeout: 5 });
    },
  };
}

type Sql = ReturnType<typeof postgres>;

/** The innermost error's code or message (drizzle wraps the driver's error), for the log. */
function describeFailure(err: unknown): string {
  let cur = err as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  while (cur?.cause) cur = cur.cause as typeof cur;
  return String(cur?.code ?? cur?.message ?? err);
}

/**
 * The postgres.js client as drizzle uses it (`unsafe(...)` awaited or `.values()`, `begin(fn)`),
 * every query and transaction run through the guard. Transactions keep their own un-guarded
 * client inside: they already hold their slot.
 */
function guardedClient(client: Sql, guard: DatabaseGuard): Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "unsafe")
        return (...args: Parameters<Sql["unsafe"]>) => {
          let all: Promise<unknown> | undefined;
          const rows = () => (all ??= guard.run(() => target.unsafe(...args)));
          return {
            values: () => guard.run(() => target.unsafe(...args).values()),
            then: (ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) => rows().then(ok, fail),
            catch: (fail: (e: unknown) => unknown) => rows().catch(fail),
            finally: (fn: () => void) => rows().finally(fn),
          };
        };
      if (prop === "begin") return (...args: unknown[]) => guard.run(() => (target.begin as (...a: unknown[]) => Promise<unknown>)(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * One short-lived postgres.js client (the Cloudflare Worker: one per request, over Hyperdrive's
 * connection string; Hyperdrive pools the real connections to PostgreSQL). Settings follow
 * Cloudflare's advice for postgres.js: a few connections, no type fetch on connect (Podium reads
 * no array columns, so the built-in types suffice), no notices. Close it when the request is done.
 */
export function databaseFromConnectionString(url: string, options: { connectTimeoutMs?: number } = {}): Database {
  const client = postgres(url, {
    max: 5,
    fetch_types: false,
    connect_timeout: (options.connectTimeoutMs ?? DEFAULT_POSTGRES_SETTINGS.connectTimeoutMs) / 1000,
    onnotice: () => {},
  });
  return databaseFromPostgresClient(client);
}

/**
 * A Database over a postgres.js client the caller owns and closes (the Worker: one client per
 * request over Hyperdrive, which pools the real connections). No guard: Hyperdrive bounds the
 * connections, and the platform bounds the request. `close()` ends the client.
 */
export function databaseFromPostgresClient(client: Sql): Database {
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    ping: (timeoutMs) => pingDb(db, timeoutMs),
    close: () => client.end({ timeout: 5 }),
  };
}
