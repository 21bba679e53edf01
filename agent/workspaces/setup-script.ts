import { spawnSupervised } from '../supervisor/spawn-supervised.js';
import { TailBuffer } from '../tail-buffer.js';

export interface SetupResult {
  exitCode: number;
  signal?: NodeJS.Signals;
  stderrTail: string;
  timedOut: boolean;
}

/**
 * Runs the project's setup command in a new worktree. The user wrote it as a
 * shell command, so it goes to their shell (`$SHELL -c`, or `cmd /c` on
 * Windows) as one argv element — nothing of ours is interpolated into it.
 * Supervised: the shell and everything it started end with the agent, and a
 * timeout ends the whole process group, not just the shell.
 */
export function runSetupScript(
  script: string,
  cwd: string,
  env: Record<string, string>,
  onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
  timeoutMs = 30 * 60_000,
  /** Puts the shell's argv behind walls (a fork's setup: agent/workspaces/setup-sandbox.ts). */
  wrap: (argv: string[]) => string[] = (argv) => argv,
): Promise<SetupResult> {
  return new Promise((resolve) => {
    const [shell, ...args] = wrap(
      process.platform === 'win32'
        ? [process.env.ComSpec ?? 'cmd.exe', '/d', '/s', '/c', script]
        : [process.env.SHELL || '/bin/sh', '-c', script],
    ) as [string, ...string[]];
    const supervised = spawnSupervised(shell, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const { child } = supervised;
    const tail = new TailBuffer();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      supervised.kill('SIGTERM');
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => onOutput('stdout', text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      tail.push(text);
      onOutput('stderr', text);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, stderrTail: `Could not start ${shell}: ${error.message}`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? 128,
        ...(signal ? { signal } : {}),
        stderrTail: tail.toString(),
        timedOut,
      });
    });
  });
}
