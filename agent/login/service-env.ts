import { posix, win32 } from 'node:path';

/**
 * What a login service needs from the user's shell, recorded at `ff-agent install`.
 *
 * A service started at login does not get the shell's PATH (systemd's user manager, launchd
 * and a browser started from the Dock give a system PATH), so a `claude` from its native
 * installer (~/.local/bin), Homebrew or nvm would not be found the morning after. The
 * service file therefore carries the PATH the user had when installing (sessions' tools need
 * it too: npm, cargo, …) and the resolved `claude`, so the agent finds the same one.
 */
export interface ServiceEnvironment {
  /** PATH for the agent: the shell's, minus what only lasts one command, plus the tools' folders. */
  PATH: string;
  /** The resolved `claude` (absolute), when one was found. */
  FF_CLAUDE_BIN?: string;
}

export interface ShellFindings {
  platform: 'linux' | 'darwin' | 'win32';
  /** The PATH of the shell that ran install. */
  shellPath: string;
  /** Absolute paths of the tools as the shell finds them (undefined: not found). */
  claude?: string;
  gh?: string;
  git?: string;
  node: string;
}

/**
 * Pure: the recorded environment. Entries that are relative (`.`, `bin`) or npm's per-command
 * `node_modules/.bin` (added by `npx`/`npm run`, pointing at one checkout) are dropped; the
 * folders of node, git, gh and claude come first when the shell's PATH lacked them (a tool
 * found through FF_CLAUDE_BIN, say); duplicates are kept once, in their first place.
 */
export function serviceEnvironment(found: ShellFindings): ServiceEnvironment {
  const path = found.platform === 'win32' ? win32 : posix;
  const delimiter = found.platform === 'win32' ? ';' : ':';
  const kept = found.shellPath
    .split(delimiter)
    .filter((dir) => dir !== '' && path.isAbsolute(dir))
    .filter((dir) => !/[\\/]node_modules[\\/]\.bin[\\/]?$/.test(dir));
  const toolDirs = [found.node, found.git, found.gh, found.claude]
    .filter((tool): tool is string => tool !== undefined)
    .map((tool) => path.dirname(tool));
  const seen = new Set<string>();
  const dirs: string[] = [];
  for (const dir of [...toolDirs.filter((d) => !kept.includes(d)), ...kept]) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    dirs.push(dir);
  }
  return { PATH: dirs.join(delimiter), ...(found.claude ? { FF_CLAUDE_BIN: found.claude } : {}) };
}
