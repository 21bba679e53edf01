import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * "Stop what this workspace started": every process ff started for a
 * workspace — sessions' claude and what their tools left running, terminals'
 * shells and their background jobs, setup scripts — found by what each
 * module knows it started (process groups, terminal sessions) plus the
 * environment mark ff gives them (`FF_WORKSPACE_ID`), which a job keeps
 * through `setsid`, `nohup` and double forks, and then ended: SIGTERM, then
 * SIGKILL. Archive and gc run it before a snapshot, so nothing writes to a
 * worktree while it is snapshotted, and nothing re-creates it afterwards.
 */

/** A process as the system lists it. `sid` is -1 where the system does not say (ps on macOS). */
export interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  zombie: boolean;
}

/** What a module started for a workspace: process groups (a supervised command) and sessions (a terminal's shell). */
export interface StartedProcesses {
  groups?: readonly number[];
  sessions?: readonly number[];
}

/** How long processes get after SIGTERM, and then after SIGKILL, to be gone. */
const TERM_GRACE_MS = 2_000;
const KILL_GRACE_MS = 2_000;

/** Parses `/proc/<pid>/stat` (the command name, field 2, may hold spaces and parentheses). Pure. */
export function parseStatRow(pid: number, text: string): ProcessRow | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // fields[0] is field 3 (state), then ppid, pgrp, session.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const [state, ppid, pgid, sid] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (![ppid, pgid, sid].every(Number.isInteger)) return undefined;
  return { pid, ppid, pgid, sid, zombie: state === 'Z' || state === 'X' };
}

/** Parses `ps -A -o pid=,ppid=,pgid=,stat=` (macOS, BSDs: no session id). Pure. */
export function parsePsRows(text: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, pgid, stat = ''] = line.trim().split(/\s+/);
    const row = { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid) };
    if (!Number.isInteger(row.pid) || !Number.isInteger(row.ppid) || !Number.isInteger(row.pgid)) continue;
    rows.push({ ...row, sid: -1, zombie: stat.startsWith('Z') });
  }
  return rows;
}

/**
 * Which processes to end: those in the started groups and sessions, those
 * carrying the mark, and every descendant of any of them — never `self`
 * (the agent) nor its ancestors, nor init. Pure.
 */
export function processesToStop(
  rows: readonly ProcessRow[],
  started: readonly StartedProcesses[],
  marked: ReadonlySet<number>,
  self: number,
): number[] {
  const groups = new Set(started.flatMap((s) => s.groups ?? []));
  const sessions = new Set(started.flatMap((s) => s.sessions ?? []));
  const byPid = new Map(rows.map((row) => [row.pid, row] as const));
  const spared = new Set([1, self]);
  for (let row = byPid.get(self); row && !spared.has(row.ppid); row = byPid.get(row.ppid))
    spared.add(row.ppid);
  // The agent and its ancestors are never chosen, so nothing is chosen for being their child (other sessions).
  const candidates = rows.filter((r) => !r.zombie && !spared.has(r.pid));
  const chosen = new Set(
    candidates
      .filter((r) => groups.has(r.pgid) || (r.sid > 0 && sessions.has(r.sid)) || marked.has(r.pid))
      .map((r) => r.pid),
  );
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of candidates) {
      if (!chosen.has(row.pid) && chosen.has(row.ppid)) {
        chosen.add(row.pid);
        grew = true;
      }
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Every process of this machine: from /proc on Linux (read synchronously: a
 * few hundred tiny files the kernel makes on demand, far quicker than a trip
 * through the thread pool each), else from `ps`.
 */
export async function listProcesses(): Promise<ProcessRow[]> {
  if (process.platform === 'linux') {
    const rows: ProcessRow[] = [];
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const row = readProc(`/proc/${pid}/stat`, 'utf8');
      const parsed = row === undefined ? undefined : parseStatRow(pid, row);
      if (parsed) rows.push(parsed);
    }
    return rows;
  }
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=']);
  return parsePsRows(stdout);
}

/**
 * The processes whose environment holds `name=value` (Linux: `/proc/<pid>/environ`
 * of this user's processes; elsewhere none, and groups and sessions alone count).
 */
export async function processesMarked(
  rows: readonly ProcessRow[],
  name: string,
  value: string,
): Promise<Set<number>> {
  const marked = new Set<number>();
  if (process.platform !== 'linux') return marked;
  const entry = `${name}=${value}`;
  for (const row of rows) {
    // Another user's processes cannot be read, and are not this workspace's.
    const environ = readProc(`/proc/${row.pid}/environ`, 'latin1') ?? '';
    if (environ.split('\0').includes(entry)) marked.add(row.pid);
  }
  return marked;
}

/** A /proc file's text, or undefined when the process ended meanwhile or is not ours to read. */
function readProc(path: string, encoding: BufferEncoding): string | undefined {
  try {
    return readFileSync(path, encoding);
  } catch {
    return undefined;
  }
}

/**
 * Ends what was started (and what carries `mark`, unless this agent carries
 * the same mark itself — it was started from one of that workspace's
 * terminals, and so would every child it has): SIGTERM, then SIGKILL for
 * what is left. Returns the pids it ended, and any it could not.
 */
export async function stopStartedProcesses(
  started: readonly StartedProcesses[],
  mark: { name: string; value: string },
): Promise<{ stopped: number[]; survivors: number[] }> {
  const rows = await listProcesses();
  const marked =
    process.env[mark.name] === mark.value
      ? new Set<number>()
      : await processesMarked(rows, mark.name, mark.value);
  const pids = processesToStop(rows, started, marked, process.pid);
  if (pids.length === 0) return { stopped: [], survivors: [] };
  signal(pids, 'SIGTERM');
  let left = await waitGone(pids, TERM_GRACE_MS);
  if (left.length > 0) {
    signal(left, 'SIGKILL');
    left = await waitGone(left, KILL_GRACE_MS);
  }
  return { stopped: pids, survivors: left };
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // gone meanwhile
    }
  }
}

/** Waits until none of `pids` runs (a zombie has ended), or `ms` passed; returns those still running. */
async function waitGone(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = new Map((await listProcesses()).map((row) => [row.pid, row] as const));
    const left = pids.filter((pid) => {
      const row = rows.get(pid);
      return row !== undefined && !row.zombie;
    });
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
