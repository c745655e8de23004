/** Embedded PGlite as a Database (Node only: the Worker never imports this module). */
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { pingDb, type Database, type Db } from "./client.ts";
import * as schema from "./schema.ts";

/** Wrap an open PGlite instance (file-backed, in-memory or a clone). */
export function databaseFromPglite(client: PGlite, onClose?: () => void): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: "pglite",
    ping: (timeoutMs) => pingDb(db, timeoutMs),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        onClose?.();
      }
    },
  };
}
