/**
 * Idempotency-Key records (table idempotency_keys). The primary key (scope, key) is the
 * reservation: the one request whose insert succeeds runs; the others read its stored answer.
 */
import { sql } from "drizzle-orm";
import { query, type Db } from "../client.ts";
import { toIso } from "./util.ts";

/** How long an answer is kept (and a key bound to its request). */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** A reservation whose request never finished (the process died) is taken over after this long. */
export const IDEMPOTENCY_ABANDONED_MINUTES = 15;

export interface IdempotencyRecord {
  fingerprint: string | null;
  status: number | null;
  contentType: string | null;
  body: string | null;
  createdAt: string;
  completed: boolean;
}

/**
 * Reserve (scope, key) for a request about to run: true when this call inserted it (or took over
 * an expired or abandoned one), false when another request holds it. One statement: concurrent
 * callers cannot both win.
 */
export async function reserveIdempotencyKey(db: Db, scope: string, key: string): Promise<boolean> {
  const rows = await query<{ ok: number }>(
    db,
    sql`
      insert into idempotency_keys as k (scope, key) values (${scope}, ${key})
      on conflict (scope, key) do update set
        fingerprint = null, status = null, content_type = null, body = null, created_at = now(), completed_at = null
      where k.created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
         or (k.completed_at is null and k.created_at < now() - make_interval(mins => ${IDEMPOTENCY_ABANDONED_MINUTES}))
      returning 1 as ok`,
  );
  return rows.length > 0;
}

/** The live record of (scope, key), if any (expired ones are ignored). */
export async function findIdempotencyRecord(db: Db, scope: string, key: string): Promise<IdempotencyRecord | null> {
  const [row] = await query<{ fingerprint: string | null; status: number | null; content_type: string | null; body: string | null; created_at: unknown; completed_at: unknown }>(
    db,
    sql`
      select fingerprint, status, content_type, body, created_at, completed_at from idempotency_keys
      where scope = ${scope} and key = ${key} and created_at >= now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`,
  );
  if (!row) return null;
  return {
    fingerprint: row.fingerprint,
    status: row.status === null ? null : Number(row.status),
    contentType: row.content_type,
    body: row.body,
    createdAt: toIso(row.created_at),
    completed: row.completed_at !== null && row.completed_at !== undefined,
  };
}

/** Store the answer of the request holding the reservation. */
export async function completeIdempotencyKey(db: Db, scope: string, key: string, answer: { fingerprint: string; status: number; contentType: string | null; body: string }): Promise<void> {
  await db.execute(sql`
    update idempotency_keys set fingerprint = ${answer.fingerprint}, status = ${answer.status}, content_type = ${answer.contentType},
      body = ${answer.body}, completed_at = now()
    where scope = ${scope} and key = ${key} and completed_at is null`);
}

/** Give a reservation up (the request failed in a way worth retrying): the key is free again. */
export async function releaseIdempotencyKey(db: Db, scope: string, key: string): Promise<void> {
  await db.execute(sql`delete from idempotency_keys where scope = ${scope} and key = ${key} and completed_at is null`);
}

/** Delete expired records; returns how many. */
export async function pruneIdempotencyKeys(db: Db): Promise<number> {
  const rows = await query<{ ok: number }>(
    db,
    sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}) returning 1 as ok`,
  );
  return rows.length;
}
