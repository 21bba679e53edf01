/**
 * How the fake GitHub (server.ts) shows its data to a query: the objects
 * GraphQL resolves fields from, shaped as GitHub's schema has them.
 */
import type { FakeCheck, FakeIssue, FakePullRequest } from './model.js';

export function issueNode(issue: FakeIssue, host: string): Record<string, unknown> {
  return {
    __typename: 'Issue',
    id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    url: `https://${host}/${issue.repo}/issues/${issue.number}`,
    state: issue.state,
    updatedAt: new Date().toISOString(),
    author: { __typename: 'User', login: issue.author },
    authorAssociation: issue.authorAssociation,
    labels: () => ({ nodes: issue.labels.map((name) => ({ name })) }),
    comments: () => ({
      nodes: issue.comments.map((c) => ({
        author: { __typename: 'User', login: c.author },
        authorAssociation: c.authorAssociation ?? 'MEMBER',
        body: c.body,
        createdAt: c.createdAt,
      })),
    }),
  };
}

/**
 * Each PR's `updatedAt`, as GitHub moves it: on a push, a comment or review, an edit, a
 * state change, auto-merge or review requests — not when its checks run, its base moves or
 * a thread is only resolved (the ratchet must not count on those moving it).
 */
export class UpdatedAt {
  /** Each PR's content when its updatedAt last moved. */
  readonly #seen = new Map<string, { content: string; at: string }>();

  of(pr: FakePullRequest): string {
    const content = JSON.stringify([
      pr.title,
      pr.body,
      pr.state,
      pr.headRefOid,
      pr.baseRefName,
      pr.threads.map((t) => t.comments),
      pr.reviews,
      pr.autoMerge,
      pr.requestedReviewers,
    ]);
    const seen = this.#seen.get(pr.id);
    if (seen?.content === content) return seen.at;
    // Strictly later than the last one, however fast the changes come.
    const at = new Date(Math.max(Date.now(), seen ? Date.parse(seen.at) + 1 : 0)).toISOString();
    this.#seen.set(pr.id, { content, at });
    return at;
  }
}

export function checkRunNode(check: FakeCheck): Record<string, unknown> {
  return {
    __typename: 'CheckRun',
    id: `CR_${check.runId}`,
    name: check.name,
    title: check.output?.title ?? null,
    summary: check.output?.summary ?? null,
    text: check.output?.text ?? null,
    annotations: {
      nodes: (check.output?.annotations ?? []).map((a) => ({
        path: a.path,
        title: null,
        message: a.message,
        annotationLevel: a.level,
        location: { start: { line: a.line } },
      })),
    },
  };
}

export function pullRequestNode(
  pr: FakePullRequest,
  host: string,
  updatedAt: string,
): Record<string, unknown> {
  const merged = pr.state === 'MERGED';
  const contexts = pr.checks.map((c) =>
    c.kind === 'CheckRun'
      ? {
          __typename: 'CheckRun',
          id: `CR_${c.runId}`,
          name: c.name,
          status: c.status,
          conclusion: c.conclusion,
          detailsUrl: `https://${host}/${pr.repo}/actions/runs/${c.runId}`,
          databaseId: c.runId,
          startedAt: c.startedAt,
          completedAt: c.status === 'COMPLETED' ? c.startedAt : null,
          checkSuite: {
            workflowRun: c.workflowRunId !== undefined ? { databaseId: c.workflowRunId } : null,
          },
        }
      : {
          __typename: 'StatusContext',
          context: c.name,
          state: c.status,
          targetUrl: `https://ci.example/${c.runId}`,
          createdAt: c.startedAt,
        },
  );
  // The rollup's state, as GitHub's: each check's latest attempt counts (a re-run replaces the
  // run it repeats), a failure before anything pending.
  const latest = [...new Map(pr.checks.map((c) => [c.name, c])).values()];
  const failing = latest.some((c) =>
    ['FAILURE', 'ERROR', 'TIMED_OUT', 'CANCELLED'].includes(
      String(c.kind === 'CheckRun' ? c.conclusion : c.status),
    ),
  );
  const pending = latest.some(
    (c) =>
      c.status !== 'COMPLETED' && c.status !== 'SUCCESS' && c.status !== 'FAILURE' && c.status !== 'ERROR',
  );
  const rollup = contexts.length
    ? {
        state: failing ? 'FAILURE' : pending ? 'PENDING' : 'SUCCESS',
        contexts: () => ({ nodes: contexts }),
      }
    : null;
  return {
    __typename: 'PullRequest',
    id: pr.id,
    number: pr.number,
    url: `https://${host}/${pr.repo}/pull/${pr.number}`,
    title: pr.title,
    state: merged ? 'MERGED' : pr.state,
    merged,
    headRefName: pr.headRefName,
    headRefOid: pr.headRefOid,
    baseRefName: pr.baseRefName,
    isCrossRepository: Boolean(pr.headRepository && pr.headRepository !== pr.repo),
    author: { __typename: 'User', login: pr.author ?? 'teammate' },
    headRepository: {
      __typename: 'Repository',
      nameWithOwner: pr.headRepository ?? pr.repo,
      owner: { __typename: 'User', login: (pr.headRepository ?? pr.repo).split('/')[0] },
    },
    mergeable: pr.mergeable,
    mergeStateStatus:
      pr.mergeable === 'CONFLICTING'
        ? 'DIRTY'
        : pr.behind
          ? 'BEHIND'
          : failing
            ? 'UNSTABLE'
            : pending
              ? 'BLOCKED'
              : 'CLEAN',
    reviewDecision: pr.reviews.some((r) => r.state === 'CHANGES_REQUESTED') ? 'CHANGES_REQUESTED' : null,
    autoMergeRequest: pr.autoMerge ? { enabledAt: pr.autoMerge.enabledAt } : null,
    updatedAt,
    statusCheckRollup: rollup,
    commits: () => ({ nodes: [{ commit: { oid: pr.headRefOid, statusCheckRollup: rollup } }] }),
    latestReviews: () => ({
      nodes: pr.reviews.map((r) => ({
        author: { __typename: 'User', id: `U_${r.author}`, login: r.author },
        state: r.state,
        submittedAt: r.submittedAt,
      })),
    }),
    reviewThreads: () => ({
      nodes: pr.threads.map((t, i) => ({
        id: t.id ?? `PRRT_${pr.id}_${i}`,
        isResolved: t.isResolved,
        path: t.comments[0]?.path ?? null,
        line: t.comments[0]?.line ?? null,
        comments: ({ first, last }: { first?: number; last?: number }) => ({
          nodes: t.comments
            .map((c, j) => ({ c, j }))
            .slice(last !== undefined ? -last : 0, first !== undefined ? first : undefined)
            .map(({ c, j }) => ({
              author: { __typename: 'User', login: c.author },
              authorAssociation: c.authorAssociation ?? 'MEMBER',
              body: c.body,
              path: c.path,
              line: c.line,
              createdAt: c.createdAt,
              url: `https://${host}/${pr.repo}/pull/${pr.number}#discussion_r${i}_${j}`,
            })),
        }),
      })),
    }),
  };
}
