import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDirLock, DataDirLockedError, processStartTime } from "../../db/node.ts";

describe("data directory lock", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), "podium-lock-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const lockFile = (dir: string) => path.join(dir, "podium.lock");
  /** What this process writes: its pid and, on Linux, its start time. */
  const mine = () => (process.platform === "linux" ? `${process.pid} ${processStartTime(process.pid)}` : String(process.pid));

  it("writes the pid and start time, and removes the file on release", () => {
    const dir = tempDir();
    const lock = acquireDirLock(dir);
    expect(readFileSync(lock.path, "utf8")).toBe(mine());
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it("refuses when a live process holds it", () => {
    const dir = tempDir();
    writeFileSync(lockFile(dir), String(process.ppid)); // no start time (another OS, or an older Podium): a live pid is trusted
    expect(() => acquireDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDirLock(dir)).toThrow(/another Podium process \(pid \d+\) is using .*PODIUM_DATA_DIR/);
  });

  it.runIf(process.platform === "linux")("refuses when the live process holding it started at the recorded time", () => {
    const dir = tempDir();
    const startTime = processStartTime(process.ppid);
    expect(startTime).toMatch(/^\d+$/);
    writeFileSync(lockFile(dir), `${process.ppid} ${startTime}`);
    expect(() => acquireDirLock(dir)).toThrow(DataDirLockedError);
    expect(readFileSync(lockFile(dir), "utf8")).toBe(`${process.ppid} ${startTime}`);
  });

  it.runIf(process.platform === "linux")("takes over a lock whose pid was reused by another live process (other start time)", () => {
    const dir = tempDir();
    const wrongStart = String(Number(processStartTime(process.ppid)) + 1);
    writeFileSync(lockFile(dir), `${process.ppid} ${wrongStart}`);
    const lock = acquireDirLock(dir);
    expect(readFileSync(lock.path, "utf8")).toBe(mine());
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it("takes over a lock naming this very process (a restart that got the same pid)", () => {
    const dir = tempDir();
    writeFileSync(lockFile(dir), `${process.pid} 1`);
    const lock = acquireDirLock(dir);
    expect(readFileSync(lock.path, "utf8")).toBe(mine());
    lock.release();
  });

  it("reads a process's start time on Linux (none for a process that does not exist)", () => {
    if (process.platform !== "linux") return expect(processStartTime(process.pid)).toBeUndefined();
    const parent = Number(processStartTime(process.ppid));
    const self = Number(processStartTime(process.pid));
    expect(parent).toBeGreaterThan(0);
    expect(self).toBeGreaterThanOrEqual(parent); // a child starts after its parent
    expect(processStartTime(2 ** 22 + 1)).toBeUndefined(); // above Linux's pid_max: no such process
  });

  it("takes over a stale lock", () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    writeFileSync(lockFile(dir), dead);
    const lock = acquireDirLock(dir);
    expect(readFileSync(lock.path, "utf8")).toBe(mine());
    lock.release();
  });
});
