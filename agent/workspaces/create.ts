import { type Project, projectSlug } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { checkBranchInputs, chooseBranch } from './branch-inputs.js';
import type { WorkspaceContext } from './context.js';
import {
  type CreateWorkspaceInput,
  firstPromptFields,
  issueRefFor,
  withFetchedIssue,
  withoutClaimedTrust,
} from './new-workspace.js';
import type { Creation } from './one-per-issue.js';
import { newId } from './projects.js';
import { recordAndProvision } from './provision.js';
import { viewWorkspace } from './view.js';
import { worktreePathFor } from './worktree-path.js';

/**
 * A new workspace: a worktree on a branch of its own, for an issue (one per
 * issue: asking again answers the one there is) or for a prompt or nothing.
 * Its inputs are checked before anything is recorded; then it is recorded
 * and provisioned in the background, its first session starting once ready.
 */
export async function createWorkspace(ctx: WorkspaceContext, input: CreateWorkspaceInput): Promise<Creation> {
  const project = ctx.projects.resolve(input.project);
  if (!input.issue) return create(ctx, project, input);
  const existing = ctx.records.forIssue(project.id, input.issue.number);
  if (existing) return { workspace: viewWorkspace(ctx, existing), created: false };
  return ctx.onePerIssue.join(`${project.id}#${input.issue.number}`, () => create(ctx, project, input));
}

async function create(
  ctx: WorkspaceContext,
  project: Project,
  request: CreateWorkspaceInput,
): Promise<Creation> {
  const { input: details, fromGitHub } = await withIssueDetails(ctx, project, request);
  const { base, ...checked } = await checkBranchInputs(ctx, project, details);
  const input = { ...details, ...checked };
  const id = newId();
  const branch = await chooseBranch(ctx, project, id, input);
  const path = worktreePathFor(project.worktreeRoot, branch);
  const issue = input.issue && issueRefFor(project, input.issue);
  const workspace = await recordAndProvision(
    ctx,
    {
      id,
      projectId: project.id,
      branch,
      baseBranch: base,
      path,
      ...(issue ? { issue } : {}),
      ...firstPromptFields(
        input,
        issue,
        { template: ctx.prompts.issue, repo: projectSlug(project), branch },
        fromGitHub,
      ),
    },
    `Workspace ${id} (${projectSlug(project)} ${branch}) provisioning at ${path}`,
  );
  return { workspace: viewWorkspace(ctx, workspace), created: true };
}

/**
 * An issue given by number only is read from GitHub (title, body, labels,
 * comments, and who wrote them); `fromGitHub` says so. Issue text the caller
 * hands over instead (the Start button does when ff has no token) is kept
 * without the associations it claims: ff cannot tell who wrote it.
 */
async function withIssueDetails(
  ctx: Pick<WorkspaceContext, 'issueLookup'>,
  project: Project,
  input: CreateWorkspaceInput,
): Promise<{ input: CreateWorkspaceInput; fromGitHub: boolean }> {
  if (!input.issue) return { input, fromGitHub: false };
  if (input.issue.title !== undefined)
    return { input: { ...input, issue: withoutClaimedTrust(input.issue) }, fromGitHub: false };
  if (!ctx.issueLookup) {
    throw new AgentError(
      'INVALID_PARAMS',
      `ff cannot read issue #${input.issue.number} from GitHub here: give its title too (--title).`,
    );
  }
  const number = input.issue.number;
  const fetched = await ctx.issueLookup(project, number).catch((error: unknown) => {
    // GitHub can't be read (no token, a bad one, down): the caller may give the title itself
    // (the Start button hands over what the issue page shows), so say what is missing.
    if (error instanceof AgentError && (error.code === 'FAILED_PRECONDITION' || error.code === 'UNAVAILABLE'))
      throw new AgentError(
        'INVALID_PARAMS',
        `ff cannot read issue #${number} from GitHub (${error.message.replace(/\.$/, '')}). Give its title too (--title).`,
      );
    throw error;
  });
  return { input: { ...input, issue: withFetchedIssue(input.issue, fetched) }, fromGitHub: true };
}
