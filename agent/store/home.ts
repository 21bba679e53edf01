import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Every file ff-agent owns lives under one home: `--home`, else `FF_HOME`, else `~/.ff`. */
export interface HomePaths {
  root: string;
  agentFile: string;
  lockFile: string;
  stateFile: string;
  /** The last good generations of state.json. */
  stateBackups: string;
  transcripts: string;
  logs: string;
  worktrees: string;
  /** Scratch files (snapshot indexes), emptied when the agent starts. */
  scratch: string;
  /** What ff worked out about each workspace (changes, disk use), kept across restarts. */
  workspaceCache: string;
}

export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): HomePaths {
  const root = resolve(explicit ?? env.FF_HOME ?? join(homedir(), '.ff'));
  return {
    root,
    agentFile: join(root, 'agent.json'),
    lockFile: join(root, 'agent.lock'),
    stateFile: join(root, 'state.json'),
    stateBackups: join(root, 'state-backups'),
    transcripts: join(root, 'transcripts'),
    logs: join(root, 'logs'),
    worktrees: join(root, 'worktrees'),
    scratch: join(root, 'scratch'),
    workspaceCache: join(root, 'workspace-cache.json'),
  };
}

/** Pure: a path as one shell word (for commands printed in messages). */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * How to run ff-agent on this home, for commands printed in messages: they
 * must work as typed, so the home is named unless it is the one found anyway.
 */
export function ffCommand(paths: HomePaths, env: NodeJS.ProcessEnv = process.env): string {
  return resolveHome(undefined, env).root === paths.root
    ? 'ff-agent'
    : `ff-agent --home ${shellWord(paths.root)}`;
}
