import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';
import { type AgentProcess, connectClient, spawnAgent } from './agent-process.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from './git-repos.js';
import { tempDir } from './temp.js';

export interface AgentWithRepo {
  root: string;
  home: string;
  repo: GitHubLikeRepo;
  agent: AgentProcess;
  client: AgentClient;
  /** For `runCli`: this agent's home and the repo's git environment. */
  env: Record<string, string>;
}

/**
 * An agent (no GitHub, no claude) on a temp home, and a GitHub-like repo with a bare origin;
 * what closes them goes on `cleanups`. `prepare` changes the repo before the agent starts.
 */
export async function agentWithRepo(
  cleanups: Array<() => unknown>,
  prepare?: (repo: GitHubLikeRepo, root: string) => void,
): Promise<AgentWithRepo> {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const repo = createGitHubLikeRepo(dir.path);
  prepare?.(repo, dir.path);
  const home = join(dir.path, 'home');
  const agent = await spawnAgent(home, { env: repo.env });
  const client = await connectClient(agent);
  cleanups.push(async () => {
    client.close();
    await agent.stop();
  });
  return { root: dir.path, home, repo, agent, client, env: { FF_HOME: home, ...repo.env } };
}
