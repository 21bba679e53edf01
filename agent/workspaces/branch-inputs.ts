import { existsSync } from 'node:fs';
import { type Project, projectSlug } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import { normalizeBranchInput } from '../git/branch-name.js';
import {
  isValidBranchName,
  listWorktrees,
  refExists,
  refExistsFast,
  type WorktreeEntry,
} from '../git/worktree.js';
import type { Logger } from '../logger.js';
import type { WorkspaceContext } from './context.js';
import { branchCandidates, type CreateWorkspaceInput } from './new-workspace.js';
import { worktreePathFor } from './worktree-path.js';

/**
 * `branch` and `base` as the user gave them, checked before any record
 * exists, so a refusal leaves nothing behind: `refs/heads/x` means `x`; the
 * default branch, a branch checked out in another worktree and a base that
 * exists neither locally nor on origin are refused in one line.
 */
export async function checkBranchInputs(
  ctx: Pick<WorkspaceContext, 'fetches' | 'log'>,
  project: Project,
  input: Pick<CreateWorkspaceInput, 'branch' | 'base'>,
): Promise<{ branch?: string; base: string }> {
  const parse = async (value: string, kind: 'branch' | 'base') => {
    const parsed = normalizeBranchInput(value, kind);
    if ('error' in parsed) throw new AgentError('INVALID_PARAMS', parsed.error);
    if (!(await isValidBranchName(project.path, parsed.branch)))
      throw new AgentError('INVALID_PARAMS', `${JSON.stringify(value)} is not a valid branch name.`);
    return parsed.branch;
  };
  let branch: string | undefined;
  if (input.branch !== undefined) {
    branch = await parse(input.branch, 'branch');
    if (branch === project.defaultBranch) {
      throw new AgentError(
        'INVALID_PARAMS',
        `${branch} is the default branch of ${projectSlug(project)}; a workspace works on a branch of its own (leave out --branch for one named after the issue).`,
      );
    }
    const checkedOut = await worktreeWithBranch(project, branch, ctx.log);
    if (checkedOut) {
      throw new AgentError(
        'CONFLICT',
        `Branch ${branch} is checked out at ${checkedOut.path}; a workspace needs a branch no other worktree has checked out.`,
      );
    }
  }
  // The default branch came from git itself; a base the user typed is checked.
  let base = project.defaultBranch;
  if (input.base !== undefined) {
    base = await parse(input.base, 'base');
    const known =
      (await refExists(project.path, `refs/remotes/origin/${base}`)) ||
      (await refExists(project.path, `refs/heads/${base}`));
    if (!known) {
      await ctx.fetches.fetch(project, base).catch((error) => {
        const reason = errorText(error);
        throw new AgentError(
          'INVALID_PARAMS',
          `No branch ${base} in ${project.path} or on origin (${reason}); --base must name an existing branch.`,
        );
      });
    }
  }
  return { ...(branch !== undefined ? { branch } : {}), base };
}

/** A branch nobody uses yet: the given one (checked by `checkBranchInputs`), else the first free candidate. */
export async function chooseBranch(
  ctx: Pick<WorkspaceContext, 'records'>,
  project: Project,
  id: string,
  input: Pick<CreateWorkspaceInput, 'branch' | 'issue'>,
): Promise<string> {
  if (input.branch) {
    if (ctx.records.onBranch(project.id, input.branch))
      throw new AgentError('ALREADY_EXISTS', `Branch ${input.branch} already has a workspace.`);
    return input.branch;
  }
  const taken = async (name: string) =>
    ctx.records.onBranch(project.id, name) !== undefined ||
    existsSync(worktreePathFor(project.worktreeRoot, name)) ||
    (await refExistsFast(project.path, `refs/heads/${name}`));
  const { tries, fallback } = branchCandidates(id, input.issue);
  for (const name of tries) if (!(await taken(name))) return name;
  return fallback;
}

/**
 * The worktree of the project's clone that has `branch` checked out, if any.
 * When git cannot list them, none: `git worktree add` then refuses a branch
 * that is checked out elsewhere in its own words.
 */
export async function worktreeWithBranch(
  project: Project,
  branch: string,
  log: Logger,
): Promise<WorktreeEntry | undefined> {
  try {
    return (await listWorktrees(project.path)).find((e) => e.branch === branch);
  } catch (error) {
    log.warn(`Could not list the worktrees of ${project.path}: ${errorText(error)}`);
    return undefined;
  }
}
