import type { z } from 'zod';
import { type IssueRef, type Project, projectSlug, type Workspace } from '../../shared/domain.js';
import type { WorkspaceCreateParams } from '../../shared/protocol.js';
import { WorkspaceRatchet } from '../../shared/ratchet.js';
import { outsideAuthors } from '../claude/author-trust.js';
import { renderIssuePrompt } from '../claude/prompts.js';
import { defaultBranchName, isValidBranchNameSync, withSuffix } from '../git/branch-name.js';

/**
 * What a new workspace is made of — pure: its issue as the record keeps it,
 * its first prompt, the branch names to try, and the record itself.
 * `create.ts` and `adopt-pr.ts` do the asking (GitHub, git).
 */

export type CreateWorkspaceInput = z.infer<typeof WorkspaceCreateParams>;
export type IssueInput = NonNullable<CreateWorkspaceInput['issue']>;

/** A new record's own fields; the rest (status, step, warnings, ratchet, times) are every new record's. */
export type NewWorkspaceFields = Omit<
  Workspace,
  'status' | 'step' | 'warnings' | 'ratchet' | 'createdAt' | 'updatedAt'
>;

/**
 * A workspace record as it starts: provisioning, at its first step (so the
 * write that stores it also says where provisioning is), no warnings, a fresh ratchet.
 */
export function newWorkspaceRecord(fields: NewWorkspaceFields, now: string): Workspace {
  return {
    ...fields,
    status: 'provisioning',
    step: 'fetching',
    warnings: [],
    ratchet: WorkspaceRatchet.parse({}),
    createdAt: now,
    updatedAt: now,
  };
}

/** The issue as the record keeps it: a title not given is empty, a URL not given is the issue's page. */
export function issueRefFor(project: Pick<Project, 'host' | 'owner' | 'repo'>, issue: IssueInput): IssueRef {
  return {
    number: issue.number,
    title: issue.title ?? '',
    url: issue.url ?? `https://${project.host}/${projectSlug(project)}/issues/${issue.number}`,
  };
}

/**
 * The issue as read from GitHub: only GitHub's own words and who wrote them,
 * nothing the caller sent along beside the number (not even a field GitHub's
 * answer lacks), so a client cannot put its text under an issue author's
 * name (and trust).
 */
export function withFetchedIssue(given: Pick<IssueInput, 'number'>, fetched: IssueInput): IssueInput {
  return { ...fetched, number: given.number };
}

/** Why issue text a client handed over counts as an outside author's: ff did not read it from GitHub. */
export const UNVERIFIED_ISSUE_TEXT =
  'issue text handed over by a client (ff could not read the issue from GitHub itself, so it cannot tell who wrote it)';

/**
 * Issue text a client handed over, as ff keeps it: what it says, without
 * the associations it claims — who is inside the repo is GitHub's to say.
 */
export function withoutClaimedTrust(issue: IssueInput): IssueInput {
  const { authorAssociation: _, comments, ...rest } = issue;
  return {
    ...rest,
    ...(comments ? { comments: comments.map(({ authorAssociation: __, ...c }) => c) } : {}),
  };
}

/**
 * The first prompt of the session a new workspace starts once ready: the
 * caller's `prompt`, else the issue rendered with prompts/issue.md, and the
 * logins outside the repo whose text that rendering carries — or, for issue
 * text ff did not read from GitHub, why its author is unknown. Nothing when no
 * session is to start (by default one starts when an issue or a prompt is given).
 */
export function firstPromptFields(
  input: Pick<CreateWorkspaceInput, 'issue' | 'prompt' | 'startSession'>,
  issue: IssueRef | undefined,
  render: { template: string; repo: string; branch: string; boundary?: string },
  /** The issue's text was read from GitHub by ff (not handed over by the caller). */
  fromGitHub = false,
): Pick<Workspace, 'initialPrompt' | 'initialPromptOutsideAuthors' | 'initialPromptUnverified'> {
  const startSession = input.startSession ?? Boolean(input.issue || input.prompt);
  const issueText = startSession && !input.prompt && input.issue;
  const outside = issueText && fromGitHub ? outsideAuthors(input.issue!) : [];
  const unverified = issueText && !fromGitHub;
  const initialPrompt = !startSession
    ? undefined
    : (input.prompt ??
      (input.issue && issue
        ? renderIssuePrompt(
            render.template,
            { ...input.issue, title: issue.title, url: issue.url, repo: render.repo, branch: render.branch },
            // undefined: a new random boundary (tests pass their own)
            render.boundary,
          )
        : undefined));
  return {
    ...(initialPrompt ? { initialPrompt } : {}),
    ...(initialPrompt && outside.length ? { initialPromptOutsideAuthors: outside } : {}),
    ...(initialPrompt && unverified ? { initialPromptUnverified: UNVERIFIED_ISSUE_TEXT } : {}),
  };
}

/** How many names (the stem, then suffixed `-2` … `-99`) are tried before the workspace id. */
const MAX_BRANCH_ATTEMPTS = 99;

/**
 * The names a new workspace's branch may take: `tries`, in order, are
 * ff/<issue>-<slug> (ff/<short id> without an issue, or when the slug makes no
 * valid name), then the same suffixed -2, -3 … -99; when all are taken,
 * `fallback` is ff/<id>, which no other workspace can have.
 */
export function branchCandidates(
  id: string,
  issue?: Pick<IssueInput, 'number' | 'title'>,
): { tries: string[]; fallback: string } {
  let stem = defaultBranchName({ issueNumber: issue?.number, title: issue?.title, shortId: id.slice(0, 8) });
  if (!isValidBranchNameSync(stem)) stem = `ff/${id.slice(0, 8)}`;
  const tries: string[] = [];
  for (let attempt = 1; attempt <= MAX_BRANCH_ATTEMPTS; attempt++) tries.push(withSuffix(stem, attempt));
  return { tries, fallback: `ff/${id}` };
}
