import { readdirSync, readFileSync } from 'node:fs';

/** A process as /proc shows it; `startTicks` tells a pid reused later apart from this one. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  startTicks: string;
  command: string;
}

function readProcess(pid: number): (ProcessInfo & { state: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, ppid: Number(fields[1]), state: fields[0]!, startTicks: fields[19]!, command };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (children, their children, …), from /proc (Linux). */
export function descendants(root: number): ProcessInfo[] {
  const all: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const info = readProcess(pid);
    if (info && info.state !== 'Z') all.push(info);
  }
  const out: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

/** True when this very process (same pid and start time) still runs and is not a zombie. */
export function stillRunning(p: ProcessInfo): boolean {
  const now = readProcess(p.pid);
  return now !== undefined && now.startTicks === p.startTicks && now.state !== 'Z';
}

/** SIGKILLs what is still running of `processes` (a test's own cleanup of what it observed). */
export function killSurvivors(processes: ProcessInfo[]): void {
  for (const p of processes) {
    if (!stillRunning(p)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** The pid of the supervisor (`sh -c … ff-supervisor <pgid>`) watching the process group `pgid`, from /proc (Linux). */
export function supervisorOf(pgid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('ff-supervisor');
      if (at > 0 && argv[at + 1] === String(pgid)) return pid;
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}
