import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliPath } from './agent-process.js';
import { claudeBin } from './claude-fixture.js';

/**
 * A user's machine as a login service sees it: a fresh HOME where Claude Code was installed
 * by its native installer (`~/.local/bin/claude`, logged in through `~/.claude/settings.json`),
 * git configured in `~/.gitconfig`, and nothing else: no variable a test harness would set.
 */
export interface UserMachine {
  home: string;
  /** ff's home, the default one: ~/.ff. */
  ffHome: string;
  /** The PATH of the user's interactive shell (where ~/.local/bin is). */
  shellPath: string;
  /** The PATH a login service gets before its own file adds anything. */
  loginPath: string;
  /** Runs `ff-agent <args>` from the user's shell (in `cwd`), with only their shell's environment. */
  cli(
    args: string[],
    cwd?: string,
    /** What else the user's shell exports (a token, say). */
    shellEnv?: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Starts `argv` as a login service would: `env -i` plus HOME and the system PATH. */
  launch(argv: string[]): ChildProcess;
  /** Logs Claude Code in (its settings get the key of the API it talks to). */
  logIn(): void;
}

export function userMachine(
  root: string,
  {
    apiEnv,
    gitconfig,
    loggedIn = true,
  }: { apiEnv: Record<string, string>; gitconfig?: string; loggedIn?: boolean },
): UserMachine {
  const home = join(root, 'user-home');
  const localBin = join(home, '.local', 'bin');
  mkdirSync(localBin, { recursive: true });
  mkdirSync(join(home, '.claude'), { recursive: true });
  symlinkSync(claudeBin, join(localBin, 'claude'));
  // A logged-in Claude Code: its own settings carry the API it talks to (here, the fake one).
  const logIn = () => writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({ env: apiEnv }));
  if (loggedIn) logIn();
  if (gitconfig) copyFileSync(gitconfig, join(home, '.gitconfig'));
  const shellPath = `${localBin}:${dirname(process.execPath)}:/usr/bin:/bin`;
  const loginPath = '/usr/bin:/bin';
  const cli: UserMachine['cli'] = (args, cwd = home, shellEnv = {}) =>
    new Promise((resolve) => {
      const proc = spawn(process.execPath, [cliPath, ...args], {
        cwd,
        env: { HOME: home, PATH: shellPath, ...shellEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c) => {
        stdout += c;
      });
      proc.stderr.on('data', (c) => {
        stderr += c;
      });
      proc.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const launch: UserMachine['launch'] = (argv) => {
    const out = openSync(join(root, 'login-service.out'), 'a');
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: home,
      env: { HOME: home, PATH: loginPath },
      stdio: ['ignore', out, out],
      detached: true,
    });
    child.unref();
    return child;
  };
  return { home, ffHome: join(home, '.ff'), shellPath, loginPath, cli, launch, logIn };
}

/** Pure: the argv of a desktop entry's Exec value (quoting and %% as the Desktop Entry spec has them). */
export function desktopExecArgv(exec: string): string[] {
  const argv: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < exec.length; i++) {
    const c = exec[i]!;
    if (quoted && c === '\\' && i + 1 < exec.length) {
      current += exec[++i];
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (c === '%' && exec[i + 1] === '%') {
      current += '%';
      i++;
    } else if (c === ' ' && !quoted) {
      if (started) argv.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) argv.push(current);
  return argv;
}
