import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Every file ff-agent owns lives under one home: `--home`, else `FF_HOME`, else `~/.ff`. */
export interface HomePaths {
  root: string;
  agentFile: string;
  lockFile: string;
  stateFile: string;
  transcripts: string;
  logs: string;
  worktrees: string;
}

export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): HomePaths {
  const root = resolve(explicit ?? env.FF_HOME ?? join(homedir(), '.ff'));
  return {
    root,
    agentFile: join(root, 'agent.json'),
    lockFile: join(root, 'agent.lock'),
    stateFile: join(root, 'state.json'),
    transcripts: join(root, 'transcripts'),
    logs: join(root, 'logs'),
    worktrees: join(root, 'worktrees'),
  };
}
