import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export class AlreadyRunningError extends Error {
  readonly pid: number;
  constructor(pid: number, home: string) {
    super(`ff-agent is already running for ${home} (pid ${pid}). Stop it first, or use another --home.`);
    this.name = 'AlreadyRunningError';
    this.pid = pid;
  }
}

/**
 * True when a process with this pid exists and is not a zombie (signal 0
 * checks without sending anything; on Linux /proc tells a zombie — dead,
 * waiting to be reaped — from a live process).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * One agent per home. The lock file is created with O_EXCL so two agents
 * starting at the same moment cannot both win; a lock left by a dead
 * process (kill -9) is taken over.
 */
export function acquireInstanceLock(lockFile: string, home: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (readLockPid(lockFile) === process.pid) rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = readLockPid(lockFile);
    if (pid !== undefined && pid !== process.pid && isProcessAlive(pid))
      throw new AlreadyRunningError(pid, home);
    rmSync(lockFile, { force: true });
  }
  throw new Error(`Could not take the lock ${lockFile}; remove it if no ff-agent is running.`);
}

function readLockPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
