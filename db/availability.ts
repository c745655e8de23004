/**
 * Failing fast when PostgreSQL is down or saturated (postgres.js only; PGlite is in-process).
 *
 * postgres.js has no bound on how long a query waits for a pooled connection, and while the
 * server is down it retries connections with a growing backoff (up to 20 s) while queries
 * queue: requests hang for the whole outage. The guard in front of it:
 *  - admits at most `poolSize` operations (a query, or a whole transaction) at once, each on its
 *    own connection; the others wait at most `poolWaitMs` in FIFO order, then fail `busy`;
 *  - opens a circuit on the first connection-level failure: every operation fails `down` at once
 *    (no connection attempt), waiting ones included, while one probe (`select 1`, bounded by
 *    `probeTimeoutMs`) runs every `probeIntervalMs`; the first answer closes the circuit.
 * Nothing else is kept: postgres.js reconnects closed connections on their next use.
 */
import { DatabaseUnavailableError, isConnectionFailure } from "./errors.ts";

export interface GuardOptions {
  poolSize: number;
  poolWaitMs: number;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /** Told when the circuit opens (`up` false, with the failure) and closes again. */
  onChange?: (up: boolean, cause?: unknown) => void;
}

interface Waiter {
  admit(): void;
  fail(err: Error): void;
}

const downError = () => new DatabaseUnavailableError("down", "the database is unavailable");

/** Resolve false after `ms` unless `work` settles first (its result then; false on error). */
export async function within(ms: number, work: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class DatabaseGuard {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private down = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly options: GuardOptions,
    /** Answers true when the server answers (`select 1` on the raw client). */
    private readonly probe: () => Promise<boolean>,
  ) {}

  /** False while the circuit is open (the last contact with the server failed). */
  get available(): boolean {
    return !this.down;
  }

  /** Run one operation on a pooled connection; connection-level failures open the circuit. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.down) throw downError();
    await this.admit();
    try {
      return await operation();
    } catch (err) {
      if (isConnectionFailure(err)) this.open(err);
      throw err;
    } finally {
      this.release();
    }
  }

  /** Stop probing (the client is being closed). */
  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  private admit(): Promise<void> {
    if (this.active < this.options.poolSize) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new DatabaseUnavailableError("busy", `no database connection became free within ${this.options.poolWaitMs} ms`));
      }, this.options.poolWaitMs);
      timer.unref?.();
      const waiter: Waiter = {
        admit: () => (clearTimeout(timer), resolve()),
        fail: (err) => (clearTimeout(timer), reject(err)),
      };
      this.waiting.push(waiter);
    });
  }

  /** Hand the slot to the next waiter (the active count stays), or free it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.admit();
    else this.active--;
  }

  private open(cause: unknown): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.options.onChange?.(false, cause);
    for (const waiter of this.waiting.splice(0)) waiter.fail(downError());
    this.scheduleProbe(0);
  }

  private scheduleProbe(delayMs: number): void {
    if (this.closed) return;
    this.probeTimer = setTimeout(async () => {
      const answered = await within(this.options.probeTimeoutMs ?? 2000, this.probe);
      if (answered) {
        this.down = false;
        this.options.onChange?.(true);
      } else this.scheduleProbe(this.options.probeIntervalMs ?? 500);
    }, delayMs);
    this.probeTimer.unref?.();
  }
}
