/**
 * The mutations the fake GitHub (server.ts) answers, each recorded in
 * `mutations` and applied to its in-memory PRs and threads as GitHub would.
 */
import type { FakePullRequest, FakeThread } from './model.js';

/** What of the fake the mutations read and change. */
export interface MutationHost {
  readonly viewer: { login: string };
  readonly host: string;
  readonly repos: Map<string, { id: string }>;
  readonly pullRequests: FakePullRequest[];
  readonly mutations: Array<{ name: string; input: Record<string, unknown> }>;
  addPullRequest(slug: string, pr: Partial<FakePullRequest> & { headRefName: string }): FakePullRequest;
  /** A new id number (node ids, comment ids, new head commits). */
  nextId(): number;
  /** The next id number, not taken. */
  peekId(): number;
  threadById(id: unknown): { pr: FakePullRequest; thread: FakeThread };
  /** The PR as a query sees it. */
  node(pr: FakePullRequest): Record<string, unknown>;
}

/** The root resolvers of GitHub's mutations that ff sends. */
export function mutationResolvers(fake: MutationHost): Record<string, unknown> {
  return {
    enablePullRequestAutoMerge: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'enablePullRequestAutoMerge', input });
      const pr = fake.pullRequests.find((p) => p.id === input.pullRequestId);
      if (!pr) throw new Error('Could not resolve to a PullRequest');
      if (input.expectedHeadOid && input.expectedHeadOid !== pr.headRefOid)
        throw new Error('Head branch was modified');
      pr.autoMerge = {
        enabledAt: new Date().toISOString(),
        mergeMethod: String(input.mergeMethod ?? 'MERGE'),
      };
      return { pullRequest: fake.node(pr) };
    },
    mergePullRequest: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'mergePullRequest', input });
      const pr = fake.pullRequests.find((p) => p.id === input.pullRequestId);
      if (!pr) throw new Error('Could not resolve to a PullRequest');
      if (input.expectedHeadOid && input.expectedHeadOid !== pr.headRefOid)
        throw new Error('Head branch was modified');
      pr.state = 'MERGED';
      return { pullRequest: fake.node(pr) };
    },
    addPullRequestReviewThreadReply: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'addPullRequestReviewThreadReply', input });
      const { pr, thread } = fake.threadById(input.pullRequestReviewThreadId);
      const first = thread.comments[0];
      thread.comments.push({
        author: fake.viewer.login,
        body: String(input.body),
        path: first?.path ?? '',
        line: first?.line ?? 0,
        createdAt: new Date().toISOString(),
      });
      return {
        comment: {
          id: `PRRC_${fake.nextId()}`,
          url: `https://${fake.host}/${pr.repo}/pull/${pr.number}#discussion_r${fake.peekId()}`,
        },
      };
    },
    resolveReviewThread: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'resolveReviewThread', input });
      const { thread } = fake.threadById(input.threadId);
      thread.isResolved = true;
      return { thread: { id: thread.id, isResolved: true } };
    },
    requestReviews: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'requestReviews', input });
      const pr = fake.pullRequests.find((p) => p.id === input.pullRequestId);
      if (!pr) throw new Error('Could not resolve to a PullRequest');
      const logins = (input.userIds as string[]).map((id) => id.replace(/^U_/, ''));
      pr.requestedReviewers = [
        ...new Set([...(input.union ? (pr.requestedReviewers ?? []) : []), ...logins]),
      ];
      return { pullRequest: { id: pr.id } };
    },
    updatePullRequestBranch: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'updatePullRequestBranch', input });
      const pr = fake.pullRequests.find((p) => p.id === input.pullRequestId);
      if (!pr) throw new Error('Could not resolve to a PullRequest');
      if (input.expectedHeadOid && input.expectedHeadOid !== pr.headRefOid)
        throw new Error('Head branch was modified');
      if (pr.updateConflicts) {
        pr.mergeable = 'CONFLICTING';
        throw new Error('There are merge conflicts: update the branch locally.');
      }
      pr.behind = false;
      pr.headRefOid = fake.nextId().toString(16).padStart(40, 'b');
      return { pullRequest: { id: pr.id, headRefOid: pr.headRefOid } };
    },
    createPullRequest: ({ input }: { input: Record<string, unknown> }) => {
      fake.mutations.push({ name: 'createPullRequest', input });
      const slug = [...fake.repos.entries()].find(([, r]) => r.id === input.repositoryId)?.[0];
      if (!slug) throw new Error('Could not resolve to a Repository');
      const pr = fake.addPullRequest(slug, {
        headRefName: String(input.headRefName),
        baseRefName: String(input.baseRefName),
        title: String(input.title),
        body: String(input.body ?? ''),
      });
      return { pullRequest: fake.node(pr) };
    },
  };
}
