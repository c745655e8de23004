/**
 * Graceful stop of the Node HTTP server: stop accepting connections, close idle keep-alive
 * connections at once and busy ones as soon as their request finishes (`Connection: close` on
 * the reply), let in-flight requests finish for up to a grace period, then cut what remains.
 */
import type { Server, ServerResponse } from "node:http";

export interface HttpDrain {
  /** Resolves true when every in-flight request finished within `graceMs`, false when connections had to be cut. */
  drain(graceMs: number): Promise<boolean>;
}

/** Track `server`'s requests from now on, so that `drain` can let them finish. */
export function drainableHttpServer(server: Server): HttpDrain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const closeAfterReply = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader("Connection", "close");
  };
  server.on("request", (_req, res: ServerResponse) => {
    if (draining) closeAfterReply(res); // a request that came in on a kept-alive connection
    inFlight.add(res);
    res.once("close", () => {
      inFlight.delete(res);
      // Its connection is idle once the reply is out: close it rather than wait for the client.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    async drain(graceMs) {
      draining = true;
      for (const res of inFlight) closeAfterReply(res);
      const closed = new Promise<void>((resolve) => server.close(() => resolve())); // also closes idle connections
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
      const finished = await Promise.race([closed.then(() => true as const), graceOver]);
      clearTimeout(timer);
      if (!finished) {
        server.closeAllConnections();
        await closed;
      }
      return finished;
    },
  };
}
