import { type Project, projectSlug } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { isValidBranchName } from '../git/worktree.js';
import { adoptedBranch } from './adopt.js';
import { worktreeWithBranch } from './branch-inputs.js';
import type { WorkspaceContext } from './context.js';
import type { Creation } from './one-per-issue.js';
import { newId } from './projects.js';
import { recordAndProvision } from './provision.js';
import { viewWorkspace } from './view.js';
import { worktreePathFor } from './worktree-path.js';

/**
 * Adopts an open PR ff did not open (a teammate's, a bot's, a fork's): a
 * workspace on its head branch, bound to the PR, so the ratchet tracks it.
 * Adopting the same PR again returns the workspace it has.
 */
export async function adoptPullRequest(
  ctx: WorkspaceContext,
  projectRef: string,
  number: number,
): Promise<Creation> {
  const project = ctx.projects.resolve(projectRef);
  const existing = ctx.records.forPullRequest(project.id, number);
  if (existing) return { workspace: viewWorkspace(ctx, existing), created: false };
  return ctx.onePerIssue.join(`${project.id}!pr${number}`, () => adopt(ctx, project, number));
}

async function adopt(ctx: WorkspaceContext, project: Project, number: number): Promise<Creation> {
  if (!ctx.pullRequestLookup)
    throw new AgentError('FAILED_PRECONDITION', `PR #${number} cannot be read: GitHub is not available.`);
  const pr = await ctx.pullRequestLookup(project, number);
  if (pr.state !== 'OPEN')
    throw new AgentError(
      'FAILED_PRECONDITION',
      `PR #${number} is ${pr.state.toLowerCase()}; only an open PR can be adopted.`,
    );
  // A workspace ff opened this PR from already tracks it once linked: bind that one instead of a second.
  const ownBranch = !pr.fork ? ctx.records.onBranch(project.id, pr.headRefName) : undefined;
  if (ownBranch) {
    await ctx.records.patch(ownBranch.id, { pr: { number: pr.number, url: pr.url, nodeId: pr.nodeId } });
    return { workspace: viewWorkspace(ctx, ctx.records.find(ownBranch.id)), created: false };
  }
  const branch = adoptedBranch(pr);
  if (!(await isValidBranchName(project.path, branch)))
    throw new AgentError(
      'INVALID_PARAMS',
      `PR #${number}'s branch ${JSON.stringify(branch)} is not a valid branch name.`,
    );
  if (branch === project.defaultBranch)
    throw new AgentError(
      'INVALID_PARAMS',
      `PR #${number} comes from ${branch}, the default branch; ff does not work on it.`,
    );
  const checkedOut = await worktreeWithBranch(project, branch, ctx.log);
  if (checkedOut)
    throw new AgentError(
      'CONFLICT',
      `Branch ${branch} of PR #${number} is checked out at ${checkedOut.path}; switch that checkout to another branch and adopt again.`,
    );
  const id = newId();
  const workspace = await recordAndProvision(
    ctx,
    {
      id,
      projectId: project.id,
      branch,
      baseBranch: pr.baseRefName,
      path: worktreePathFor(project.worktreeRoot, branch),
      pr: { number: pr.number, url: pr.url, nodeId: pr.nodeId },
      adopted: {
        headRefName: pr.headRefName,
        headRepository: pr.headRepository,
        fork: pr.fork,
        author: pr.author,
      },
    },
    `Workspace ${id} adopts ${projectSlug(project)}#${number} (${branch}${pr.fork ? ', a fork' : ''})`,
  );
  return { workspace: viewWorkspace(ctx, workspace), created: true };
}
