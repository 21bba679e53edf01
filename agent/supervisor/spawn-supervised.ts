import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** How long a process group gets after SIGTERM before SIGKILL. */
export const KILL_AFTER_MS = 1_000;

/**
 * Run as `sh -c GATE ff-supervised <command> [args…]` in a new session (so a
 * process group of its own, led by this pid): it waits on fd 3 for the agent's
 * "go" — written only once the command's supervisor runs — then becomes the
 * command (exec: same pid, same stdio, nothing left in between). EOF instead
 * of "go" means the agent died in between: the command never starts.
 * The command and its arguments reach it as argv, never as shell text.
 */
export const GATE = `IFS= read -r go <&3 || exit 125
[ "$go" = go ] || exit 125
exec 3<&-
exec "$@"`;

/**
 * Run as `sh -c SUPERVISOR ff-supervisor <pgid>`, its stdin a pipe only the
 * agent holds (the lifeline). When the lifeline closes — the agent closed it
 * because the command exited, or the agent died, kill -9 included — it sends
 * SIGTERM to the group and, a second later, SIGKILL (from a timer, so a
 * slow poll under load never delays it) unless the group went before.
 * A group of zombies only is gone: after the agent's death its children's
 * new parent (init) reaps them, which some inits do only now and then
 * (when ps cannot tell, the group counts as alive).
 * A terminal's Ctrl-C or hangup is for the agent, which stops its children itself.
 */
const SUPERVISOR = `pg=$1
trap '' INT HUP
alive() {
  kill -s 0 -- "-$pg" 2>/dev/null || return 1
  ps -A -o pgid= -o stat= 2>/dev/null |
    awk -v pg="$pg" '{ seen = 1 } $1 == pg && $2 !~ /^Z/ { live = 1 } END { exit !(live || !seen) }'
}
while IFS= read -r _; do :; done
kill -s TERM -- "-$pg" 2>/dev/null || exit 0
( sleep 1; kill -s KILL -- "-$pg" 2>/dev/null ) &
timer=$!
n=0
while [ "$n" -lt 40 ] && alive; do
  sleep 0.05 2>/dev/null || sleep 1
  n=$((n + 1))
done
[ "$n" -lt 40 ] && kill -s TERM "$timer" 2>/dev/null
exit 0`;

export interface SupervisedChild {
  /** The command itself (its pid leads its process group): its exit is the command's exit. */
  child: ChildProcess;
  /** The command's pid (= its process group). */
  pid: Promise<number | undefined>;
  /** Signals the command's whole group; SIGKILL follows if the command is still there a second later. */
  kill(signal?: NodeJS.Signals): void;
  /** The supervisor's pid (a small `sh`), for tests and diagnostics; undefined on Windows. */
  readonly supervisorPid: number | undefined;
}

/**
 * Starts `command args` so it cannot outlive ff-agent: in a process group of
 * its own, watched by a supervisor — a POSIX `sh` of about 1–2 MB, not a
 * second Node — that ends the whole group as soon as its lifeline from this
 * process closes, kill -9 of the agent included. The command is gated: it
 * starts only after its supervisor runs, so there is no moment in which the
 * agent could die and leave it unwatched. stdio 0–2 go straight to the
 * command. When the command exits, what it left in its group (a Bash tool's
 * background job) is ended too. On Windows (no process groups) the command
 * is spawned as is.
 */
export function spawnSupervised(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio' | 'detached'> & { stdio: ['pipe' | 'ignore', 'pipe', 'pipe'] },
): SupervisedChild {
  if (process.platform === 'win32') {
    const child = spawn(command, args, options);
    return {
      child,
      pid: Promise.resolve(child.pid),
      kill: (signal = 'SIGTERM') => child.kill(signal),
      supervisorPid: undefined,
    };
  }
  const child = spawn('/bin/sh', ['-c', GATE, 'ff-supervised', command, ...args], {
    ...options,
    detached: true,
    stdio: [...options.stdio, 'pipe'],
  });
  const gate = child.stdio[3] as Writable | null;
  gate?.on('error', () => {});
  const pgid = child.pid;
  let exited = pgid === undefined;
  let supervisor: ChildProcess | undefined;

  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    if (pgid === undefined) return false;
    try {
      process.kill(-pgid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };

  const watch = (): void => {
    if (pgid === undefined || exited) return;
    const watcher = spawn('/bin/sh', ['-c', SUPERVISOR, 'ff-supervisor', String(pgid)], {
      detached: true, // its own group: a signal to the agent's group is not for it
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    supervisor = watcher;
    watcher.stdin?.on('error', () => {});
    watcher.on('error', () => {});
    // Killed from outside while the command runs: watch again, so the guarantee holds.
    watcher.on('exit', (_code, signal) => {
      if (signal && !exited && supervisor === watcher) watch();
    });
  };

  watch();
  gate?.end('go\n');

  child.on('exit', () => {
    exited = true;
    // Closing the lifeline makes the supervisor end what the command left in its group.
    supervisor?.stdin?.end();
  });
  child.on('error', () => {
    exited = true;
    supervisor?.stdin?.end();
  });

  return {
    child,
    pid: Promise.resolve(pgid),
    kill(signal = 'SIGTERM') {
      if (exited || !signalGroup(signal)) return;
      setTimeout(() => {
        if (!exited) signalGroup('SIGKILL');
      }, KILL_AFTER_MS).unref();
    },
    get supervisorPid() {
      return supervisor?.pid;
    },
  };
}
