import { z } from 'zod';
import type { CheckState, PrSnapshot } from '../../shared/ratchet.js';
import type { Logger } from '../logger.js';
import { GITHUB_COM, githubApiUrl, githubName, parseApiUrlOverrides } from './api-url.js';
import { GitHubClient, GitHubError, type GitHubStatus, type RateLimitSeen } from './client.js';
import { jobLogTail } from './job-log.js';
import { type PrHead, toChecks, toHead, toSnapshot } from './pr-snapshot.js';
import {
  ADD_THREAD_REPLY_MUTATION,
  ASSIGNED_ISSUES_QUERY,
  AssignedIssuesData,
  assignedIssuesSearch,
  BranchRepo,
  CHECK_RUN_DETAILS_QUERY,
  CheckRunDetailsNode,
  CREATE_PULL_REQUEST_MUTATION,
  CreatePullRequestData,
  checkRunDetails,
  ENABLE_AUTO_MERGE_MUTATION,
  ISSUE_QUERY,
  IssueData,
  MERGE_PULL_REQUEST_MUTATION,
  type PrRef,
  PULL_REQUEST_HEADS_QUERY,
  PULL_REQUEST_QUERY,
  PULL_REQUESTS_QUERY,
  PullRequestChecksNode,
  PullRequestData,
  PullRequestHeadNode,
  PullRequestNode,
  pullRequestsForBranchesQuery,
  REPOSITORY_ID_QUERY,
  REQUEST_REVIEWS_MUTATION,
  RESOLVE_THREAD_MUTATION,
  RepositoryIdData,
  UPDATE_BRANCH_MUTATION,
  VIEWER_QUERY,
  ViewerData,
} from './queries.js';
import { discoverToken, missingTokenMessage, tokenVariables } from './token.js';

export interface IssueDetailsFromGitHub {
  number: number;
  title: string;
  body: string;
  url: string;
  labels: string[];
  author: string;
  /** GitHub's CommentAuthorAssociation: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, … */
  authorAssociation: string;
  comments: Array<{ author: string; authorAssociation: string; body: string; createdAt: string }>;
}

export interface AssignedIssue {
  number: number;
  title: string;
  url: string;
  labels: string[];
  updatedAt: string;
}

/** Why GitHub gave no node for `id`: its error naming the id, else its first error. */
function nodeError(id: string, errors: readonly string[]): string {
  return (
    errors.find((message) => message.includes(id)) ?? errors[0] ?? 'GitHub returned no data for this PR.'
  );
}

/** GitHub caps `nodes(ids:)` at 100 ids. */
const NODES_PER_REQUEST = 100;
/** Branches whose PRs one request looks for: each is a connection of one, so 100 cost GitHub's minimum of a point. */
const BRANCHES_PER_REQUEST = 100;

export interface PullRequestToAdopt {
  nodeId: string;
  number: number;
  url: string;
  title: string;
  state: string;
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  /** The head lives in another repository (a fork): isCrossRepository. */
  fork: boolean;
  /** owner/name of the head's repository; null when the fork was deleted. */
  headRepository: string | null;
  author: string;
}

/**
 * What ff asks one GitHub (github.com or an Enterprise host), in ff's terms.
 * Created lazily from the host's token (see token.ts); without one, every
 * call says so and the rest of the agent keeps working.
 */
export class GitHub {
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: Logger;
  readonly host: string;
  readonly apiUrl: string;
  #client: GitHubClient | undefined;
  #discovery: Promise<GitHubClient | undefined> | undefined;
  #viewer: string | undefined;

  constructor(env: NodeJS.ProcessEnv, log: Logger, options: { host?: string; apiUrl?: string } = {}) {
    this.#env = env;
    this.#log = log;
    this.host = options.host ?? GITHUB_COM;
    this.apiUrl =
      options.apiUrl ?? githubApiUrl(this.host, env, parseApiUrlOverrides(env.FF_GITHUB_API_URLS).urls);
  }

  async status(): Promise<GitHubStatus & { connected: boolean; message?: string }> {
    const client = await this.#clientOrUndefined();
    if (!client) return { connected: false, message: missingTokenMessage(this.host) };
    return { connected: true, ...client.status, ...(this.#viewer ? { login: this.#viewer } : {}) };
  }

  get requestCount(): number {
    return this.#client?.requestCount ?? 0;
  }

  /** Rate-limit points GitHub charged ff's queries so far (see GitHubClient.points). */
  get points(): number {
    return this.#client?.points ?? 0;
  }

  /** The token's GraphQL points this hour as GitHub last said, whoever asked (undefined before any answer). */
  get rateLimit(): RateLimitSeen | undefined {
    return this.#client?.status.rateLimit;
  }

  async viewerLogin(): Promise<string> {
    if (this.#viewer) return this.#viewer;
    const { data } = await (await this.#clientOrThrow()).query(VIEWER_QUERY, {}, ViewerData);
    this.#viewer = data.viewer.login;
    return this.#viewer;
  }

  /** An issue or pull request of owner/repo by number, or a one-line error naming what is missing. */
  async #numbered<S extends z.ZodType, T>(
    what: string,
    query: string,
    schema: S,
    at: { owner: string; repo: string; number: number },
    pick: (data: z.infer<S>) => T | null | undefined,
  ): Promise<T> {
    const { data } = await (await this.#clientOrThrow()).query(query, at, schema);
    const item = pick(data);
    if (!item)
      throw new GitHubError(
        'invalid',
        `${githubName(this.host)} has no ${what} #${at.number} in ${at.owner}/${at.repo}.`,
      );
    return item;
  }

  async issue(owner: string, repo: string, number: number): Promise<IssueDetailsFromGitHub> {
    const issue = await this.#numbered(
      'issue',
      ISSUE_QUERY,
      IssueData,
      { owner, repo, number },
      (data) => data.repository?.issue,
    );
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      url: issue.url,
      labels: (issue.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
      author: issue.author?.login ?? 'ghost',
      authorAssociation: issue.authorAssociation,
      comments: issue.comments.nodes.flatMap((c) =>
        c
          ? [
              {
                author: c.author?.login ?? 'ghost',
                authorAssociation: c.authorAssociation,
                body: c.body,
                createdAt: c.createdAt,
              },
            ]
          : [],
      ),
    };
  }

  /** One PR of owner/repo, for adopting it: its head branch and whether that lives in a fork. */
  async pullRequest(owner: string, repo: string, number: number): Promise<PullRequestToAdopt> {
    const pr = await this.#numbered(
      'pull request',
      PULL_REQUEST_QUERY,
      PullRequestData,
      { owner, repo, number },
      (data) => data.repository?.pullRequest,
    );
    return {
      nodeId: pr.id,
      number: pr.number,
      url: pr.url,
      title: pr.title,
      state: pr.state,
      headRefName: pr.headRefName,
      headRefOid: pr.headRefOid,
      baseRefName: pr.baseRefName,
      fork: pr.isCrossRepository,
      headRepository: pr.headRepository?.nameWithOwner ?? null,
      author: pr.author?.login ?? 'ghost',
    };
  }

  async assignedIssues(owner: string, repo: string, filter = ''): Promise<AssignedIssue[]> {
    const { data } = await (await this.#clientOrThrow()).query(
      ASSIGNED_ISSUES_QUERY,
      { search: assignedIssuesSearch(owner, repo, filter) },
      AssignedIssuesData,
    );
    return data.search.nodes.flatMap((node) =>
      'number' in node
        ? [
            {
              number: node.number,
              title: node.title,
              url: node.url,
              updatedAt: node.updatedAt,
              labels: (node.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
            },
          ]
        : [],
    );
  }

  /** The newest PR for each branch (index-aligned; undefined where none), in as few requests as possible. */
  async pullRequestsForBranches(
    branches: Array<{ owner: string; repo: string; branch: string }>,
  ): Promise<Array<PrRef | undefined>> {
    const client = await this.#clientOrThrow();
    const out: Array<PrRef | undefined> = [];
    for (let start = 0; start < branches.length; start += BRANCHES_PER_REQUEST) {
      const chunk = branches.slice(start, start + BRANCHES_PER_REQUEST);
      const { query, variables } = pullRequestsForBranchesQuery(chunk);
      const shape = z.object(Object.fromEntries(chunk.map((_, i) => [`b${i}`, BranchRepo])));
      const { data } = await client.query(query, variables, shape, { allowPartial: true });
      const record = data as Record<string, z.infer<typeof BranchRepo> | undefined>;
      chunk.forEach((_, i) => {
        const pr = record[`b${i}`]?.pullRequests.nodes[0] ?? undefined;
        // A fork's PR whose branch has the same name is someone else's work, never the workspace's PR.
        out.push(pr && !pr.isCrossRepository ? pr : undefined);
      });
    }
    return out;
  }

  /**
   * What failed check runs say about themselves (annotations, output), by
   * CheckRun node id, in one request; a run GitHub cannot resolve is left out.
   */
  async checkRunDetails(ids: string[]): Promise<Map<string, string>> {
    const details = new Map<string, string>();
    if (ids.length === 0) return details;
    const { data } = await (await this.#clientOrThrow()).query(
      CHECK_RUN_DETAILS_QUERY,
      { ids: ids.slice(0, NODES_PER_REQUEST) },
      z.object({ nodes: z.array(z.unknown()) }),
      { allowPartial: true },
    );
    for (const raw of data.nodes) {
      const node = CheckRunDetailsNode.safeParse(raw);
      if (node.success) details.set(node.data.id, checkRunDetails(node.data));
    }
    return details;
  }

  /**
   * Full reads of PRs by node id (see PULL_REQUESTS_QUERY): one request per 100, each
   * PR's snapshot and the head it was read at. A PR GitHub cannot resolve comes back as
   * an error for that PR only.
   */
  async pullRequests(ids: readonly string[]): Promise<{
    snapshots: Map<string, PrSnapshot>;
    heads: Map<string, PrHead>;
    errors: Map<string, string>;
  }> {
    const snapshots = new Map<string, PrSnapshot>();
    const heads = new Map<string, PrHead>();
    const errors = await this.#byNode(ids, PULL_REQUESTS_QUERY, PullRequestNode, (id, node) => {
      snapshots.set(id, toSnapshot(node));
      heads.set(id, toHead(node));
    });
    return { snapshots, heads, errors };
  }

  /**
   * The heads of PRs by node id, for a steady tick (see PULL_REQUEST_HEADS_QUERY): one
   * point per 100 PRs, with the checks of those in `running` in the same request.
   */
  async pullRequestHeads(
    ids: readonly string[],
    running: ReadonlySet<string>,
  ): Promise<{ heads: Map<string, PrHead>; checks: Map<string, CheckState[]>; errors: Map<string, string> }> {
    const client = await this.#clientOrThrow();
    const heads = new Map<string, PrHead>();
    const checks = new Map<string, CheckState[]>();
    const errors = new Map<string, string>();
    for (let start = 0; start < ids.length; start += NODES_PER_REQUEST) {
      const chunk = ids.slice(start, start + NODES_PER_REQUEST);
      const withChecks = chunk.filter((id) => running.has(id));
      const { data, errors: partial } = await client.query(
        PULL_REQUEST_HEADS_QUERY,
        { ids: chunk, running: withChecks },
        z.object({ heads: z.array(z.unknown()), running: z.array(z.unknown()) }),
        { allowPartial: true },
      );
      chunk.forEach((id, i) => {
        const node = PullRequestHeadNode.safeParse(data.heads[i]);
        if (node.success) heads.set(id, toHead(node.data));
        else errors.set(id, nodeError(id, partial));
      });
      withChecks.forEach((id, i) => {
        const node = PullRequestChecksNode.safeParse(data.running[i]);
        if (node.success) checks.set(id, toChecks(node.data.statusCheckRollup));
      });
    }
    return { heads, checks, errors };
  }

  /** Asks `query` for `ids`, 100 at a time; each node that parses goes to `each`; answers the others' errors. */
  async #byNode<S extends z.ZodType>(
    ids: readonly string[],
    query: string,
    schema: S,
    each: (id: string, node: z.infer<S>) => void,
  ): Promise<Map<string, string>> {
    const client = await this.#clientOrThrow();
    const errors = new Map<string, string>();
    for (let start = 0; start < ids.length; start += NODES_PER_REQUEST) {
      const chunk = ids.slice(start, start + NODES_PER_REQUEST);
      const { data, errors: partial } = await client.query(
        query,
        { ids: chunk },
        z.object({ nodes: z.array(z.unknown()) }),
        { allowPartial: true },
      );
      chunk.forEach((id, i) => {
        const node = schema.safeParse(data.nodes[i]);
        if (node.success) each(id, node.data);
        else errors.set(id, nodeError(id, partial));
      });
    }
    return errors;
  }

  async createPullRequest(input: {
    owner: string;
    repo: string;
    base: string;
    head: string;
    title: string;
    body: string;
  }): Promise<PrRef> {
    const client = await this.#clientOrThrow();
    const { data: repo } = await client.query(
      REPOSITORY_ID_QUERY,
      { owner: input.owner, repo: input.repo },
      RepositoryIdData,
    );
    if (!repo.repository)
      throw new GitHubError(
        'invalid',
        `${githubName(this.host)} has no repository ${input.owner}/${input.repo}.`,
      );
    const { data } = await client.query(
      CREATE_PULL_REQUEST_MUTATION,
      {
        input: {
          repositoryId: repo.repository.id,
          baseRefName: input.base,
          headRefName: input.head,
          title: input.title,
          body: input.body,
        },
      },
      CreatePullRequestData,
    );
    const pr = data.createPullRequest?.pullRequest;
    if (!pr) throw new GitHubError('invalid', `${githubName(this.host)} did not create the pull request.`);
    return pr;
  }

  /**
   * Merges when ready: enables auto-merge, or merges directly when the repo
   * does not allow auto-merge. Both pin the head commit, so a PR that moved
   * since the snapshot is never merged.
   */
  async merge(pullRequestId: string, headOid: string, method: string): Promise<'auto-merge' | 'merged'> {
    const client = await this.#clientOrThrow();
    const input = { pullRequestId, expectedHeadOid: headOid, mergeMethod: method };
    try {
      await client.query(ENABLE_AUTO_MERGE_MUTATION, { input }, z.unknown());
      return 'auto-merge';
    } catch (error) {
      // Only GitHub refusing auto-merge itself (not allowed in this repo, or the PR is already
      // mergeable — "clean status") falls back; a moved head or an unreachable GitHub does not.
      if (
        !(error instanceof GitHubError) ||
        error.kind !== 'invalid' ||
        /head branch was modified|expected head/i.test(error.message)
      ) {
        throw error;
      }
      this.#log.info(`Auto-merge not available (${error.message}); merging directly`);
      await client.query(MERGE_PULL_REQUEST_MUTATION, { input }, z.unknown());
      return 'merged';
    }
  }

  /** Replies in a review thread. */
  async replyToThread(threadId: string, body: string): Promise<void> {
    await (await this.#clientOrThrow()).query(
      ADD_THREAD_REPLY_MUTATION,
      { input: { pullRequestReviewThreadId: threadId, body } },
      z.unknown(),
    );
  }

  async resolveThread(threadId: string): Promise<void> {
    await (await this.#clientOrThrow()).query(RESOLVE_THREAD_MUTATION, { input: { threadId } }, z.unknown());
  }

  /** Asks these users (node ids) to review again, keeping the other requested reviewers. */
  async requestReviews(pullRequestId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await (await this.#clientOrThrow()).query(
      REQUEST_REVIEWS_MUTATION,
      { input: { pullRequestId, userIds, union: true } },
      z.unknown(),
    );
  }

  /** Merges the base into the PR's branch, only if its head is still `expectedHeadOid`. */
  async updateBranch(pullRequestId: string, expectedHeadOid: string): Promise<void> {
    await (await this.#clientOrThrow()).query(
      UPDATE_BRANCH_MUTATION,
      { input: { pullRequestId, expectedHeadOid, updateMethod: 'MERGE' } },
      z.unknown(),
    );
  }

  /** Re-runs the failed jobs of a GitHub Actions workflow run (REST: GraphQL cannot). */
  async rerunFailedJobs(owner: string, repo: string, runId: number): Promise<void> {
    await (await this.#clientOrThrow()).rest(
      'POST',
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/actions/runs/${runId}/rerun-failed-jobs`,
    );
  }

  /** The end of a job's log, error lines first, bounded (see job-log.ts). */
  async jobLog(owner: string, repo: string, jobId: number): Promise<string> {
    const { text } = await (await this.#clientOrThrow()).rest(
      'GET',
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/actions/jobs/${jobId}/logs`,
    );
    return jobLogTail(text);
  }

  async #clientOrThrow(): Promise<GitHubClient> {
    const client = await this.#clientOrUndefined();
    if (!client) throw new GitHubError('no-token', missingTokenMessage(this.host));
    return client;
  }

  #clientOrUndefined(): Promise<GitHubClient | undefined> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#discovery ??= discoverToken(this.#env, this.host).then((found) => {
      if (!found) {
        const gh = this.host === GITHUB_COM ? 'gh auth token' : `gh auth token --hostname ${this.host}`;
        this.#log.warn(
          `No token for ${this.host} found (${[...tokenVariables(this.host), gh].join(', ')}); its projects get no GitHub calls.`,
        );
        this.#discovery = undefined; // look again next time (the user may log in)
        return undefined;
      }
      this.#log.info(`${this.host} token from ${found.source}; API ${this.apiUrl}`);
      this.#client = new GitHubClient({
        token: found.token,
        tokenSource: found.source,
        baseUrl: this.apiUrl,
        host: this.host,
      });
      return this.#client;
    });
    return this.#discovery;
  }
}
