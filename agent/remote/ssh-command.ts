import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** How to reach one remote with the system `ssh`: what `remote add` was given, kept for reconnects. */
export interface SshTarget {
  name: string;
  destination: string;
  port?: number;
  identity?: string;
  options: string[];
}

/** Unix socket paths are limited to about 104 bytes (macOS) / 108 (Linux); `%C` expands to 40 hex. */
const SOCKET_PATH_LIMIT = 100;

/**
 * Where a remote's ControlMaster socket lives — pure. Under ff's home when
 * the expanded path fits a unix socket, else under /tmp in a folder named by
 * the home's hash (two homes never share a master).
 */
export function controlDir(homeRoot: string, name: string): string {
  const inHome = join(homeRoot, 'ssh');
  if (inHome.length + 1 + name.length + 1 + 40 <= SOCKET_PATH_LIMIT) return inHome;
  return join('/tmp', `ff-ssh-${createHash('sha256').update(homeRoot).digest('hex').slice(0, 10)}`);
}

export function controlPath(homeRoot: string, name: string): string {
  return join(controlDir(homeRoot, name), `${name}-%C`);
}

/**
 * The options every ssh call for this remote carries — pure. ssh keeps the
 * first value it is given for an option, so ff's multiplexing options come
 * first (they must hold), the user's `-o` next, and ff's defaults last (the
 * user may override them, e.g. a longer ServerAliveInterval).
 */
export function sshBaseArgs(target: SshTarget, path: string): string[] {
  return [
    '-o',
    `ControlPath=${path}`,
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.identity ? ['-i', target.identity, '-o', 'IdentitiesOnly=yes'] : []),
    ...target.options.flatMap((option) => ['-o', option]),
    // Never prompt: ff runs in the background, with no one to type a password.
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
  ];
}

/** The master: holds the connection, runs nothing, exits when the link drops — pure. */
export function masterArgs(target: SshTarget, path: string): string[] {
  return [
    '-N',
    '-o',
    'ControlMaster=yes',
    '-o',
    'ControlPersist=no',
    '-o',
    'ExitOnForwardFailure=yes',
    ...sshBaseArgs(target, path),
    '--',
    target.destination,
  ];
}

/** A control request to the running master (`check`, `exit`, `forward`) — pure. */
export function controlArgs(
  target: SshTarget,
  path: string,
  request: 'check' | 'exit' | 'forward' | 'cancel',
  forward?: { localPort: number; remotePort: number },
): string[] {
  return [
    '-O',
    request,
    ...(forward ? ['-L', `127.0.0.1:${forward.localPort}:127.0.0.1:${forward.remotePort}`] : []),
    ...sshBaseArgs(target, path),
    '--',
    target.destination,
  ];
}

/**
 * A command on the remote through the master — pure. `command` is one of
 * ff's own fixed command lines, never text from the user (ssh hands it to
 * the remote shell).
 */
export function remoteCommandArgs(target: SshTarget, path: string, command: string): string[] {
  return ['-o', 'ControlMaster=no', ...sshBaseArgs(target, path), '--', target.destination, command];
}

/** Reconnect delay after `attempt` failures in a row: 1 s, 2 s, 4 s … capped at 30 s — pure. */
export function backoffMs(attempt: number, baseMs = 1_000, capMs = 30_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}

/**
 * Whether a health check's round trip is worth publishing to every client (the `remotes`
 * topic): the first one, or one that moved by a quarter and at least a millisecond. Without
 * this, every check (each few seconds, per remote) woke every extension page for a tooltip's
 * number — pure.
 */
export function latencyChanged(before: number | undefined, now: number): boolean {
  if (before === undefined) return true;
  const moved = Math.abs(now - before);
  return moved >= 1 && moved >= before * 0.25;
}

/** The one line of ssh's stderr worth showing (its last non-empty one) — pure. */
export function sshErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('Warning: Permanently added'));
  return lines.at(-1) ?? 'ssh failed without a message';
}
