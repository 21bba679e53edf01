import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Preview } from '../../shared/domain.js';

/**
 * Previews: the TCP ports a workspace's processes listen on (its run
 * script, its terminals, its sessions' tools), found, not assumed — a dev
 * server may take a port other than FF_PORT. A workspace's processes are the
 * ones that carry its mark: FF_WORKSPACE_ID, which everything ff starts in
 * it gets and what those start inherit. Linux only (read from /proc);
 * elsewhere there are none.
 */

/** A listening socket from /proc/net/tcp or tcp6. */
export interface Listener {
  inode: number;
  port: number;
}

/** TCP_LISTEN in /proc/net/tcp's `st` column. */
const LISTEN = '0A';

/**
 * The listening sockets in /proc/net/tcp (or tcp6): `local_address` is
 * hex address:port, `st` the state, the inode the 10th column. Pure.
 */
export function parseProcNetTcp(text: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const port = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
    const inode = Number(fields[9]);
    if (Number.isInteger(port) && port > 0 && Number.isInteger(inode) && inode > 0)
      listeners.push({ inode, port });
  }
  return listeners;
}

/** The inode of a `/proc/<pid>/fd/<n>` link to a socket (`socket:[12345]`), else undefined. Pure. */
export function socketInode(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : undefined;
}

const MARK = 'FF_WORKSPACE_ID=';

/** The workspace whose mark (FF_WORKSPACE_ID) a process's environment (`/proc/<pid>/environ`, NUL-separated) carries, if any. Pure. */
export function workspaceMark(environ: string): string | undefined {
  const at = environ.startsWith(MARK) ? 0 : environ.indexOf(`\0${MARK}`);
  if (at < 0) return undefined;
  const from = at === 0 ? MARK.length : at + 1 + MARK.length;
  const end = environ.indexOf('\0', from);
  return environ.slice(from, end < 0 ? undefined : end) || undefined;
}

/**
 * One preview per port a marked process listens on (IPv4 and IPv6 sockets
 * on one port are one preview), lowest port first. Pure.
 */
export function previewsFrom(
  listeners: readonly Listener[],
  processes: ReadonlyArray<{ pid: number; command: string; inodes: readonly number[] }>,
): Preview[] {
  const portOf = new Map(listeners.map((l) => [l.inode, l.port]));
  const byPort = new Map<number, Preview>();
  for (const process of processes) {
    for (const inode of process.inodes) {
      const port = portOf.get(inode);
      if (port === undefined || byPort.has(port)) continue;
      byPort.set(port, {
        port,
        url: `http://localhost:${port}/`,
        pid: process.pid,
        command: process.command,
      });
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/**
 * Whether a command line (`/proc/<pid>/cmdline`, NUL-separated) is a session's own `claude`,
 * as ff starts it (claude-args.ts): its ports are the sandbox's proxies, not the app. Pure.
 */
export function isSessionClaude(cmdline: string): boolean {
  const args = cmdline.split('\0');
  const at = args.indexOf('--input-format');
  return args.includes('-p') && at >= 0 && args[at + 1] === 'stream-json' && args.includes('--output-format');
}

/** The command line in /proc/<pid>/cmdline (NUL-separated arguments), shortened for display. Pure. */
export function commandLine(cmdline: string): string {
  const text = cmdline.split('\0').filter(Boolean).join(' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** A process that listens, and the workspace whose mark it carries. */
export interface MarkedProcess {
  workspaceId: string;
  pid: number;
  command: string;
  inodes: readonly number[];
}

/** Each workspace's previews, from one read of the listeners and the marked processes. Pure. */
export function previewsByWorkspace(
  listeners: readonly Listener[],
  processes: readonly MarkedProcess[],
): Map<string, Preview[]> {
  const byWorkspace = new Map<string, MarkedProcess[]>();
  for (const process of processes) {
    const list = byWorkspace.get(process.workspaceId);
    if (list) list.push(process);
    else byWorkspace.set(process.workspaceId, [process]);
  }
  const previews = new Map<string, Preview[]>();
  for (const [id, list] of byWorkspace) {
    const found = previewsFrom(listeners, list);
    if (found.length > 0) previews.set(id, found);
  }
  return previews;
}

/** The walk yields to the event loop after this many processes: requests wait a few ms at most, whatever the count. */
const PROCESSES_PER_SLICE = 100;

/** The text of a /proc file, or '' when it cannot be read (another user's process, one that ended meanwhile). */
function readProc(path: string, encoding: 'utf8' | 'latin1'): string {
  try {
    return readFileSync(path, encoding);
  } catch {
    return '';
  }
}

/** The socket inodes a process holds (its fd links), none when they cannot be read. */
function socketsOf(fdDir: string): number[] {
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return [];
  }
  const inodes: number[] = [];
  for (const fd of fds) {
    let link: string;
    try {
      link = readlinkSync(`${fdDir}/${fd}`);
    } catch {
      continue;
    }
    const inode = socketInode(link);
    if (inode !== undefined) inodes.push(inode);
  }
  return inodes;
}

/**
 * Every workspace's previews now, in one walk of /proc: the listening sockets
 * first (none: done), then each process's environment once for its mark; only
 * a marked process's sockets and command line are read. Workspaces with none
 * are absent. Empty where /proc cannot be read (not Linux).
 *
 * /proc's files are the kernel's memory, not a disk's: read synchronously
 * they cost a sixth of the CPU that a thread-pool round trip per file does
 * (`npm run bench -- previews`), in slices so the event loop is never held long.
 */
export async function findAllPreviews(proc = '/proc'): Promise<Map<string, Preview[]>> {
  if (process.platform !== 'linux') return new Map();
  const listeners = ['tcp', 'tcp6'].flatMap((name) =>
    parseProcNetTcp(readProc(`${proc}/net/${name}`, 'utf8')),
  );
  if (listeners.length === 0) return new Map();
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((name) => /^\d+$/.test(name));
  } catch {
    return new Map();
  }
  const processes: MarkedProcess[] = [];
  for (const [n, pid] of pids.entries()) {
    if (n > 0 && n % PROCESSES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const workspaceId = workspaceMark(readProc(`${proc}/${pid}/environ`, 'latin1'));
    if (!workspaceId) continue;
    // A session's own claude first, by its short command line: its many descriptors are not read.
    const cmdline = readProc(`${proc}/${pid}/cmdline`, 'utf8');
    if (isSessionClaude(cmdline)) continue;
    const inodes = socketsOf(`${proc}/${pid}/fd`);
    if (inodes.length === 0) continue;
    processes.push({ workspaceId, pid: Number(pid), command: commandLine(cmdline), inodes });
  }
  return previewsByWorkspace(listeners, processes);
}
