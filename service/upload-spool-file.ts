/**
 * The upload spool's spill store on Node: a file in a fresh temporary directory (mode 0600),
 * removed with the directory on `remove()`. Injected by the Node server (ServiceOptions
 * `uploadSpill`); the Cloudflare Worker has no disk and never imports this module.
 */
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { OpenSpill, SpillStore } from "./upload-spool.ts";

/** Spill stores in `dir` (default: the OS temporary directory). */
export function temporaryFileSpill(dir: string = tmpdir()): OpenSpill {
  return async (): Promise<SpillStore> => {
    const folder = await mkdtemp(path.join(dir, "podium-upload-"));
    try {
      const handle = await open(path.join(folder, "batches"), "wx+", 0o600);
      let size = 0;
      let removed = false;
      return {
        get size() {
          return size;
        },
        async append(buffers) {
          const length = buffers.reduce((n, b) => n + b.byteLength, 0);
          await handle.writev(buffers, size);
          size += length;
        },
        async read(offset, length) {
          const bytes = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(bytes, 0, length, offset);
          if (bytesRead !== length) throw new Error(`spool file truncated (${bytesRead} of ${length} bytes at ${offset})`);
          return bytes;
        },
        async remove() {
          if (removed) return;
          removed = true;
          await handle.close().catch(() => {});
          await rm(folder, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await rm(folder, { recursive: true, force: true });
      throw err;
    }
  };
}
