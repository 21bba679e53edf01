import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';
import type { WorkspaceView } from '../../shared/domain.js';
import { type AgentProcess, connectClient, spawnAgent } from './agent-process.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from './git-repos.js';
import { tempDir, waitFor } from './temp.js';

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

/**
 * A workspace of octo/app for `issue`, made without a session, once it is ready; one whose
 * provisioning failed throws with its cause instead of waiting out the time.
 */
export async function readyWorkspace(
  client: AgentClient,
  issue: number,
  title = `work ${issue}`,
  timeoutMs = 20_000,
): Promise<WorkspaceView> {
  const { workspace } = await client.call('workspace.create', {
    project: 'octo/app',
    issue: { number: issue, title },
    startSession: false,
  });
  return waitFor(
    async () => {
      const w = await client.call('workspace.get', { workspaceId: workspace.id });
      if (w.status === 'failed') throw new Error(`provisioning failed: ${w.failure?.message}`);
      return w.status === 'ready' ? w : undefined;
    },
    { what: 'the workspace to be ready', timeoutMs },
  );
}
