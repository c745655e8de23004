/**
 * A write-once, read-once sequence of records: kept in memory up to a byte budget, appended to a
 * spill store (a temporary file on Node: service/upload-spool-file.ts) beyond it. Uploads park
 * their parsed batches here while the client is still sending, so no database transaction (or
 * pooled connection) waits on the network. Without a spill store (the Cloudflare Worker has no
 * disk) every record stays in memory, bounded by the upload's byte limit.
 * Always `dispose()` it (in a `finally`): the spill store is removed.
 */

/** How records become bytes in the spill store and back; `memoryBytes` estimates a record's in-memory size. */
export interface SpoolCodec<T> {
  memoryBytes(record: T): number;
  encode(record: T): Buffer[];
  decode(bytes: Buffer): T;
}

/** Append-only bytes outside the heap (a temporary file). */
export interface SpillStore {
  /** Bytes written so far. */
  readonly size: number;
  /** Append `buffers` at the end. */
  append(buffers: Buffer[]): Promise<void>;
  /** `length` bytes at `offset` (throws when fewer are there). */
  read(offset: number, length: number): Promise<Buffer>;
  /** Remove it (idempotent). */
  remove(): Promise<void>;
}

/** Creates the spill store of one spool, on first need. */
export type OpenSpill = () => Promise<SpillStore>;

export interface SpoolOptions {
  /** Records are kept in memory while their estimated total stays within this budget. */
  memoryBytes: number;
  /** Where the rest goes; absent: nowhere, everything stays in memory. */
  spill?: OpenSpill;
}

export class UploadSpool<T> {
  readonly #codec: SpoolCodec<T>;
  readonly #options: SpoolOptions;
  readonly #memory: T[] = [];
  #memoryUsed = 0;
  #store: SpillStore | undefined;
  #opening: Promise<SpillStore> | undefined;
  /** [offset, length] of each spilled record, in order. */
  readonly #extents: [number, number][] = [];
  #disposed = false;

  constructor(codec: SpoolCodec<T>, options: SpoolOptions) {
    this.#codec = codec;
    this.#options = options;
  }

  /** Bytes written to the spill store so far (0 while everything fits in memory). */
  get spilledBytes(): number {
    return this.#store?.size ?? 0;
  }

  /** Append a record: in memory while within budget (always without a spill store); once anything spilled, always to the store (order is kept). */
  async push(record: T): Promise<void> {
    if (this.#disposed) throw new Error("spool already disposed");
    const bytes = this.#codec.memoryBytes(record);
    const spill = this.#options.spill;
    if (!spill || (!this.#opening && this.#memoryUsed + bytes <= this.#options.memoryBytes)) {
      this.#memory.push(record);
      this.#memoryUsed += bytes;
      return;
    }
    const store = await (this.#opening ??= spill().then((s) => (this.#store = s)));
    const buffers = this.#codec.encode(record);
    const offset = store.size;
    await store.append(buffers);
    this.#extents.push([offset, store.size - offset]);
  }

  /** The records in the order they were pushed (memory first, then the spill store). */
  async *records(): AsyncGenerator<T> {
    yield* this.#memory;
    const store = this.#store;
    if (!store) return;
    for (const [offset, length] of this.#extents) yield this.#codec.decode(await store.read(offset, length));
  }

  /** Drop every record and remove the spill store (idempotent). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#memory.length = 0;
    this.#memoryUsed = 0;
    const opening = this.#opening;
    this.#opening = undefined;
    if (!opening) return;
    const store = await opening.catch(() => undefined);
    await store?.remove();
  }
}
