/**
 * A write-once, read-once sequence of records: kept in memory up to a byte budget, appended to a
 * temporary file beyond it. Uploads park their parsed batches here while the client is still
 * sending, so no database transaction (or pooled connection) waits on the network.
 * Always `dispose()` it (in a `finally`): the temporary directory is removed.
 */
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";

/** How records become bytes on disk and back; `memoryBytes` estimates a record's in-memory size. */
export interface SpoolCodec<T> {
  memoryBytes(record: T): number;
  encode(record: T): Buffer[];
  decode(bytes: Buffer): T;
}

export interface SpoolOptions {
  /** Records are kept in memory while their estimated total stays within this budget. */
  memoryBytes: number;
  /** Where the temporary directory is created (e.g. os.tmpdir()). */
  dir: string;
}

interface SpillFile {
  dir: string;
  handle: FileHandle;
  /** [offset, length] of each record, in order. */
  extents: [number, number][];
  size: number;
}

export class UploadSpool<T> {
  readonly #codec: SpoolCodec<T>;
  readonly #options: SpoolOptions;
  readonly #memory: T[] = [];
  #memoryUsed = 0;
  #file: SpillFile | undefined;
  #opening: Promise<SpillFile> | undefined;
  #disposed = false;

  constructor(codec: SpoolCodec<T>, options: SpoolOptions) {
    this.#codec = codec;
    this.#options = options;
  }

  /** Bytes written to the temporary file so far (0 while everything fits in memory). */
  get spilledBytes(): number {
    return this.#file?.size ?? 0;
  }

  /** Append a record: in memory while within budget; once anything spilled, always to the file (order is kept). */
  async push(record: T): Promise<void> {
    if (this.#disposed) throw new Error("spool already disposed");
    const bytes = this.#codec.memoryBytes(record);
    if (!this.#opening && this.#memoryUsed + bytes <= this.#options.memoryBytes) {
      this.#memory.push(record);
      this.#memoryUsed += bytes;
      return;
    }
    const file = await (this.#opening ??= this.#openFile());
    const buffers = this.#codec.encode(record);
    const length = buffers.reduce((n, b) => n + b.byteLength, 0);
    await file.handle.writev(buffers, file.size);
    file.extents.push([file.size, length]);
    file.size += length;
  }

  /** The records in the order they were pushed (memory first, then the file). */
  async *records(): AsyncGenerator<T> {
    yield* this.#memory;
    const file = this.#file;
    if (!file) return;
    for (const [offset, length] of file.extents) {
      const bytes = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.handle.read(bytes, 0, length, offset);
      if (bytesRead !== length) throw new Error(`spool file truncated (${bytesRead} of ${length} bytes at ${offset})`);
      yield this.#codec.decode(bytes);
    }
  }

  /** Drop every record and remove the temporary directory (idempotent). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#memory.length = 0;
    this.#memoryUsed = 0;
    const opening = this.#opening;
    this.#opening = undefined;
    if (!opening) return;
    const file = await opening.catch(() => undefined);
    if (!file) return;
    await file.handle.close().catch(() => {});
    await rm(file.dir, { recursive: true, force: true });
  }

  async #openFile(): Promise<SpillFile> {
    const dir = await mkdtemp(path.join(this.#options.dir, "podium-upload-"));
    try {
      const handle = await open(path.join(dir, "batches"), "wx+", 0o600);
      this.#file = { dir, handle, extents: [], size: 0 };
      return this.#file;
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
}
