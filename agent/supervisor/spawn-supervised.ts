import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { packageRoot } from '../version.js';

const SUPERVISOR = join(packageRoot, 'agent', 'supervisor', 'supervise.mjs');

export interface SupervisedChild {
  /** The supervisor: signal it to signal the whole group; its exit is the command's exit. */
  child: ChildProcess;
  /** The command's own pid (= its process group), once it runs. */
  pid: Promise<number | undefined>;
}

/**
 * Starts `command args` so it cannot outlive ff-agent: through
 * agent/supervisor/supervise.mjs, which puts it in a process group of its
 * own and ends that group when the lifeline (fd 3, held only by this
 * process) closes — kill -9 of the agent included. stdio 0–2 go straight to
 * the command. On Windows (no process groups) the command is spawned as is.
 */
export function spawnSupervised(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio' | 'detached'> & { stdio: ['pipe' | 'ignore', 'pipe', 'pipe'] },
): SupervisedChild {
  if (process.platform === 'win32') {
    const child = spawn(command, args, options);
    return { child, pid: Promise.resolve(child.pid) };
  }
  const child = spawn(process.execPath, [SUPERVISOR, command, ...args], {
    ...options,
    env: supervisorEnv(options.env ?? process.env),
    stdio: [...options.stdio, 'pipe'],
  });
  const lifeline = child.stdio[3] as Readable | null;
  const pid = new Promise<number | undefined>((resolve) => {
    if (!lifeline) return resolve(undefined);
    let text = '';
    lifeline.setEncoding('utf8');
    lifeline.on('data', (chunk: string) => {
      text += chunk;
      const line = /^(\d+)\n/.exec(text);
      if (line) resolve(Number(line[1]));
    });
    lifeline.on('error', () => resolve(undefined));
    lifeline.on('close', () => resolve(undefined));
    child.on('error', () => resolve(undefined));
  });
  // If the supervisor itself is killed hard, end its command's group from here.
  child.on('exit', (_code, signal) => {
    if (signal !== 'SIGKILL') return;
    void pid.then((p) => {
      if (!p) return;
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        // gone already
      }
    });
  });
  return { child, pid };
}

/** The supervisor is plain JavaScript: it starts without the loader flags a runner may have set; its command gets them back. */
function supervisorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_OPTIONS === undefined) return env;
  const { NODE_OPTIONS, ...rest } = env;
  return { ...rest, FF_SUPERVISED_NODE_OPTIONS: NODE_OPTIONS };
}
