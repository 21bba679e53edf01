import { projectSlug, type WorkspaceView } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { headSubject, pushBranch } from '../git/branches.js';
import type { GitHubHosts } from '../github/hosts.js';
import { noPushReason } from './adopt.js';
import type { Projects } from './projects.js';
import type { Workspaces } from './workspaces.js';

/**
 * "Open PR": push the workspace's branch to origin, then create the pull
 * request — title and body from the issue ("Closes #N"), unless given.
 * A PR that already exists for the branch is linked instead.
 */
export async function openPullRequest(
  deps: { workspaces: Workspaces; projects: Projects; github: GitHubHosts },
  input: { workspaceId: string; title?: string; body?: string },
): Promise<WorkspaceView> {
  const workspace = deps.workspaces.find(input.workspaceId);
  if (workspace.status !== 'ready') {
    throw new AgentError('FAILED_PRECONDITION', `Workspace ${workspace.id} is ${workspace.status}.`);
  }
  if (workspace.adopted?.fork) throw new AgentError('FAILED_PRECONDITION', `${noPushReason(workspace)}.`);
  if (workspace.pr) return deps.workspaces.get(workspace.id);
  const project = deps.projects.get(workspace.projectId);
  if (!project) throw new AgentError('FAILED_PRECONDITION', 'The project of this workspace was removed.');
  const push = await pushBranch(workspace.path, workspace.branch);
  if (push.code !== 0) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `git push failed: ${push.stderr.trim().split('\n').slice(-2).join(' ')}`,
    );
  }
  const subject = await headSubject(workspace.path);
  const title = input.title ?? workspace.issue?.title ?? subject;
  const body =
    input.body ??
    [
      workspace.issue ? `Closes #${workspace.issue.number}` : '',
      '',
      `Opened by ff from workspace \`${workspace.branch}\` of ${projectSlug(project)}.`,
    ]
      .join('\n')
      .trim();
  const github = deps.github.forHost(project.host);
  const [existing] = await github.pullRequestsForBranches([
    { owner: project.owner, repo: project.repo, branch: workspace.branch },
  ]);
  const pr =
    existing && existing.state === 'OPEN'
      ? existing
      : await github.createPullRequest({
          owner: project.owner,
          repo: project.repo,
          base: workspace.baseBranch,
          head: workspace.branch,
          title,
          body,
        });
  await deps.workspaces.linkPullRequest(workspace.id, { number: pr.number, url: pr.url, nodeId: pr.id });
  return deps.workspaces.get(workspace.id);
}
