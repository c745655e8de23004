/**
 * Single-process lock for the embedded PGlite data directory (PGlite has no cross-process
 * locking): `DATA_DIR/podium.lock` created exclusively and holding the owner's pid.
 */
import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(
    readonly pid: number,
    readonly dataDir: string,
  ) {
    super(`another Podium process (pid ${pid}) is using ${dataDir}; stop it or set PODIUM_DATA_DIR to another directory`);
    this.name = "DataDirLockedError";
  }
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the lock of `dataDir` (created if needed). Throws DataDirLockedError when a live process holds it. */
export function acquireDirLock(dataDir: string): DirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "podium.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return { path: file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner = NaN;
      try {
        owner = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
      } catch {
        /* vanished between open and read: retry */
      }
      if (owner !== process.pid && pidAlive(owner)) throw new DataDirLockedError(owner, path.resolve(dataDir));
      // Stale (dead owner, or garbage): take it over.
      try {
        fs.unlinkSync(file);
      } catch {
        /* someone else removed it */
      }
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
