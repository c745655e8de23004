/**
 * Single-process lock for the embedded PGlite data directory (PGlite has no cross-process
 * locking): `DATA_DIR/podium.lock` created exclusively and holding the owner's pid and, where
 * the OS tells it (Linux `/proc/<pid>/stat`), the owner's start time: `"<pid> <start>"`.
 *
 * The start time is what makes the lock survive pid reuse: after a crash, especially in a
 * container where every start gets the same few pids, the recorded pid often belongs to some
 * other live process. A lock whose pid is alive but started at another time is stale and is
 * taken over; without a start time (other OSes, or a lock written by an older Podium) a live
 * pid is trusted, as before.
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

/** What a lock file says: the owner's pid and, when known, its start time. */
export interface LockOwner {
  pid: number;
  startTime?: string;
}

/**
 * A process's start time (clock ticks since boot: field 22 of `/proc/<pid>/stat`), or undefined
 * where /proc is not available or the process does not exist.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Field 2 (the command) is in parentheses and may itself hold spaces and ")": fields 3.. follow the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const startTime = fields[22 - 3];
  return startTime && /^\d+$/.test(startTime) ? startTime : undefined;
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

export function formatLockOwner(owner: LockOwner): string {
  return owner.startTime === undefined ? String(owner.pid) : `${owner.pid} ${owner.startTime}`;
}

export function parseLockOwner(text: string): LockOwner {
  const [pid, startTime] = text.trim().split(/\s+/);
  return { pid: /^\d+$/.test(pid ?? "") ? Number(pid) : NaN, startTime: startTime && /^\d+$/.test(startTime) ? startTime : undefined };
}

/** Whether the process a lock file names still runs: its pid is alive and, when both are known, started when recorded. */
export function ownerAlive(owner: LockOwner): boolean {
  if (!pidAlive(owner.pid)) return false;
  if (owner.startTime === undefined) return true;
  const actual = processStartTime(owner.pid);
  return actual === undefined || actual === owner.startTime;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Take the lock of `dataDir` (created if needed). Throws DataDirLockedError when a live process holds it. */
export function acquireDirLock(dataDir: string): DirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "podium.lock");
  const mine = formatLockOwner({ pid: process.pid, startTime: processStartTime(process.pid) });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, mine);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, "utf8").trim() === mine) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return { path: file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const recorded = readIfExists(file);
      if (recorded === undefined) continue; // vanished between open and read: retry
      const owner = parseLockOwner(recorded);
      // Our own pid is never another owner (a container restarted with the same pid).
      if (owner.pid !== process.pid && ownerAlive(owner)) throw new DataDirLockedError(owner.pid, path.resolve(dataDir));
      // Stale (dead owner, pid reused by another process, or garbage): take it over, unless a
      // process starting at the same moment already replaced it.
      try {
        if (readIfExists(file) === recorded) fs.unlinkSync(file);
      } catch {
        /* someone else removed it */
      }
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
