/**
 * ff's own shapes from the PR nodes GitHub answers (queries.ts asks for them): a PR's head,
 * which tells a look whether it moved, its checks and its full snapshot — pure.
 */
import type { z } from 'zod';
import type { CheckState, PrSnapshot } from '../../shared/ratchet.js';
import type { CheckRollup, PullRequestHeadNode, PullRequestNode } from './queries.js';

/**
 * What says whether a PR moved since it was read in full: its head, `updatedAt` (which
 * GitHub moves on pushes, comments and reviews), state, review decision and check
 * rollup — and what a look can take from it without reading the PR again: mergeability
 * and auto-merge.
 */
export interface PrHead {
  nodeId: string;
  state: PrSnapshot['state'];
  headRefOid: string;
  updatedAt: string;
  reviewDecision: string | null;
  /** The check rollup's state (SUCCESS, FAILURE, PENDING, …); null with no checks. */
  rollup: string | null;
  mergeable: string;
  mergeStateStatus: string;
  autoMergeEnabled: boolean;
}

/** Pure: a PR node of either query → its head. */
export function toHead(node: PullRequestHeadNode | PullRequestNode): PrHead {
  return {
    nodeId: node.id,
    state: node.merged ? 'MERGED' : node.state,
    headRefOid: node.headRefOid,
    updatedAt: node.updatedAt,
    reviewDecision: node.reviewDecision,
    rollup: node.statusCheckRollup?.state ?? null,
    mergeable: node.mergeable,
    mergeStateStatus: node.mergeStateStatus,
    autoMergeEnabled: Boolean(node.autoMergeRequest?.enabledAt),
  };
}

/** Pure: a check rollup → ff's checks (every context, latest attempts and older ones). */
export function toChecks(rollup: z.infer<typeof CheckRollup>): CheckState[] {
  const checks: CheckState[] = [];
  for (const context of rollup?.contexts.nodes ?? []) {
    if (!context) continue;
    if (context.__typename === 'CheckRun') {
      checks.push({
        name: context.name,
        status: context.status === 'COMPLETED' ? 'completed' : 'pending',
        conclusion: context.conclusion,
        url: context.detailsUrl,
        runId: context.databaseId,
        startedAt: context.startedAt,
        nodeId: context.id,
        workflowRunId: context.checkSuite?.workflowRun?.databaseId ?? null,
      });
    } else {
      checks.push({
        name: context.context,
        status: context.state === 'PENDING' || context.state === 'EXPECTED' ? 'pending' : 'completed',
        conclusion: context.state === 'PENDING' || context.state === 'EXPECTED' ? null : context.state,
        url: context.targetUrl,
        runId: null,
        startedAt: context.createdAt,
      });
    }
  }
  return checks;
}

/** Pure: GitHub's PR node → ff's snapshot. */
export function toSnapshot(node: PullRequestNode): PrSnapshot {
  const checks = toChecks(node.statusCheckRollup);
  return {
    nodeId: node.id,
    number: node.number,
    url: node.url,
    state: node.merged ? 'MERGED' : node.state,
    headRefName: node.headRefName,
    headRefOid: node.headRefOid,
    baseRefName: node.baseRefName,
    ...(node.isCrossRepository ? { fork: true } : {}),
    mergeable: node.mergeable,
    mergeStateStatus: node.mergeStateStatus,
    autoMergeEnabled: Boolean(node.autoMergeRequest?.enabledAt),
    checks,
    reviews: (node.latestReviews?.nodes ?? []).flatMap((r) =>
      r
        ? [
            {
              author: r.author?.login ?? 'ghost',
              ...(r.author?.id ? { authorId: r.author.id } : {}),
              state: r.state,
              submittedAt: r.submittedAt ?? '',
            },
          ]
        : [],
    ),
    unresolvedThreads: node.reviewThreads.nodes.flatMap((t) =>
      t && !t.isResolved ? [{ id: t.id, path: t.path, line: t.line, comments: threadComments(t) }] : [],
    ),
  };
}

/** A thread's first comments and its newest ones (a long thread's middle is left out), oldest first, once each. */
function threadComments(
  thread: NonNullable<PullRequestNode['reviewThreads']['nodes'][number]>,
): PrSnapshot['unresolvedThreads'][number]['comments'] {
  const seen = new Set<string>();
  return [...thread.comments.nodes, ...(thread.recent?.nodes ?? [])].flatMap((c) => {
    if (!c || seen.has(c.url)) return [];
    seen.add(c.url);
    return [
      {
        author: c.author?.login ?? 'ghost',
        ...(c.authorAssociation ? { authorAssociation: c.authorAssociation } : {}),
        body: c.body,
        path: c.path,
        line: c.line,
        createdAt: c.createdAt,
        url: c.url,
      },
    ];
  });
}
