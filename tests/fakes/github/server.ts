/**
 * A GitHub GraphQL API on 127.0.0.1 that executes queries against GitHub's
 * real schema (@octokit/graphql-schema) over in-memory repos, issues, PRs,
 * checks and reviews that tests change as they go. Every document is
 * validated first: a field GitHub doesn't have fails the request (and is
 * recorded in `invalid`), so the agent cannot drift from the real API.
 * Failure injection: HTTP errors (500, 403/429 with retry-after), delays.
 * REST, for what GraphQL cannot do: re-running a workflow run's failed jobs
 * and job logs (a 302 to a second server, as github.com redirects to a
 * signed download on another host; `logDownloads` records what reached it).
 * `new FakeGitHub({ host: 'ghe.example.com' })` stands in for a GitHub
 * Enterprise host: its own token, URLs on that host, and an `env()` that
 * routes only that host to it.
 * Rate limit, as github.com charges it: each query costs points by GitHub's formula
 * (query-cost.ts) from a budget of 5,000 an hour; every answer carries the x-ratelimit-*
 * headers and `rateLimit` tells the truth; once the budget is spent, a query is answered
 * HTTP 200 with `errors: [{type: "RATE_LIMITED"}]` until the hour resets. `clock` moves time.
 * A PR's `updatedAt` moves as GitHub's does (pushes, comments, reviews, edits — not checks,
 * mergeability or a thread only resolved), and its check rollup counts each check's latest run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { schema as githubSchema } from '@octokit/graphql-schema';
import { buildSchema, execute, type GraphQLSchema, parse, validate } from 'graphql';
import { closeServer, listenOnLoopback } from '../loopback.js';
import { queryCost } from './query-cost.js';

let cachedSchema: GraphQLSchema | undefined;
export function githubGraphQLSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return cachedSchema;
}

export interface FakeCheck {
  kind: 'CheckRun' | 'StatusContext';
  name: string;
  /** CheckRun: QUEUED | IN_PROGRESS | COMPLETED; StatusContext: PENDING | SUCCESS | FAILURE | ERROR */
  status: string;
  conclusion: string | null;
  runId: number;
  startedAt: string;
  /** A CheckRun's own account of itself: what GitHub Actions shows on the run's page. */
  output?: FakeCheckOutput;
  /** The GitHub Actions workflow run of this job (`runId` is the job id); absent for other CI apps. */
  workflowRunId?: number;
}

export interface FakeCheckOutput {
  title?: string;
  summary?: string;
  text?: string;
  annotations?: Array<{
    path: string;
    line: number;
    level: 'FAILURE' | 'WARNING' | 'NOTICE';
    message: string;
  }>;
}

export interface FakeReview {
  author: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  submittedAt: string;
}

export interface FakeThread {
  /** Set by the fake when the thread is added without one. */
  id?: string;
  isResolved: boolean;
  comments: Array<{
    author: string;
    body: string;
    path: string;
    line: number;
    createdAt: string;
    authorAssociation?: string;
  }>;
}

export interface FakePullRequest {
  id: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  mergeable: 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
  checks: FakeCheck[];
  reviews: FakeReview[];
  threads: FakeThread[];
  autoMerge: { enabledAt: string; mergeMethod: string } | null;
  /** Branch protection wants it up to date with its base: mergeStateStatus BEHIND. */
  behind?: boolean;
  /** Updating the branch from its base conflicts (updatePullRequestBranch fails, the PR turns CONFLICTING). */
  updateConflicts?: boolean;
  /** Logins asked to review (requestReviews). */
  requestedReviewers?: string[];
  /** owner/name of the repository the head lives in, when it is a fork's (isCrossRepository). */
  headRepository?: string;
  /** Who opened it (defaults to a teammate). */
  author?: string;
}

export interface FakeIssue {
  id: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED';
  labels: string[];
  assignees: string[];
  /** Who opened it, and how they relate to the repo (GitHub's CommentAuthorAssociation). */
  author: string;
  authorAssociation: string;
  comments: Array<{ author: string; body: string; createdAt: string; authorAssociation?: string }>;
}

export interface Failure {
  status: number;
  retryAfter?: number;
  message?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  query: string;
  variables: Record<string, unknown>;
  operation: string;
  /** Points this request was charged (0 when it was refused before running). */
  cost: number;
}

/** The token's GraphQL budget for the current hour. */
export interface RateLimitBudget {
  limit: number;
  used: number;
  /** When the hour ends and `used` starts again from 0. */
  resetAt: number;
}

export class FakeGitHub {
  readonly viewer = { login: 'ff-bot' };
  readonly repos = new Map<string, { id: string }>();
  readonly issues: FakeIssue[] = [];
  readonly pullRequests: FakePullRequest[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Documents that did not validate against GitHub's schema. */
  readonly invalid: Array<{ query: string; errors: string[] }> = [];
  readonly mutations: Array<{ name: string; input: Record<string, unknown> }> = [];
  /** REST calls, as `METHOD /path`. */
  readonly rest: string[] = [];
  /** Job logs by job id (a check's `runId`), served through a redirect like github.com's. */
  readonly jobLogs = new Map<number, string>();
  /** Requests that reached the log download server, with the authorization header they carried. */
  readonly logDownloads: Array<{ path: string; authorization: string | undefined }> = [];
  readonly failures: Failure[] = [];
  /** Node ids whose resolution fails (a GraphQL error for that PR only). */
  readonly brokenNodes = new Set<string>();
  /** Milliseconds since the epoch, as the fake sees them (tests move time to reach the next hour). */
  clock: () => number = () => Date.now();
  /** The hour starts at the first query (resetAt 0 until then), as GitHub's window does. */
  readonly budget: RateLimitBudget = { limit: 5000, used: 0, resetAt: 0 };
  /** What X-OAuth-Scopes says (a classic token's scopes); undefined sends no header, as for a fine-grained token. */
  scopes: string | undefined = 'repo, read:org';
  /** github.com, or the Enterprise host this fake stands in for. */
  readonly host: string;
  /** The token the fake accepts (another one for an Enterprise host, so a token sent to the wrong host fails). */
  readonly token: string;
  #server: Server;
  #port = 0;
  /** Stands in for the other host a job log redirect points to. */
  #downloads: Server;
  #downloadsPort = 0;
  #nextNumber = 1;
  #nextId = 1;
  /** Each PR's content when its updatedAt last moved (see #updatedAt). */
  readonly #updates = new Map<string, { content: string; at: string }>();

  constructor(options: { host?: string } = {}) {
    this.host = options.host ?? 'github.com';
    this.token = this.host === 'github.com' ? 'ghp_fake_token_for_tests' : 'ghe_fake_token_for_tests';
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    this.#downloads = createServer((req, res) => {
      this.logDownloads.push({ path: req.url ?? '', authorization: req.headers.authorization });
      const jobId = Number(/\/job-logs\/(\d+)/.exec(req.url ?? '')?.[1]);
      const log = this.jobLogs.get(jobId);
      if (log === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(log);
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    githubGraphQLSchema();
    this.#port = await listenOnLoopback(this.#server);
    this.#downloadsPort = await listenOnLoopback(this.#downloads);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.#server);
    await closeServer(this.#downloads);
  }

  /** The agent's env for this fake. Enterprise fakes: merge FF_GITHUB_API_URLS yourself when there are several. */
  env(): Record<string, string> {
    if (this.host === 'github.com') return { GITHUB_TOKEN: this.token, FF_GITHUB_API_URL: this.url };
    return { GH_ENTERPRISE_TOKEN: this.token, FF_GITHUB_API_URLS: JSON.stringify({ [this.host]: this.url }) };
  }

  /** Requests since `from`, by operation name. */
  operations(from = 0): string[] {
    return this.requests.slice(from).map((r) => r.operation);
  }

  addRepo(slug: string): void {
    if (!this.repos.has(slug)) this.repos.set(slug, { id: `R_${this.#nextId++}` });
  }

  addIssue(slug: string, issue: Partial<FakeIssue> & { title: string }): FakeIssue {
    this.addRepo(slug);
    const created: FakeIssue = {
      id: `I_${this.#nextId++}`,
      repo: slug,
      number: this.#nextNumber++,
      body: '',
      state: 'OPEN',
      labels: [],
      assignees: [this.viewer.login],
      author: this.viewer.login,
      authorAssociation: 'OWNER',
      comments: [],
      ...issue,
    };
    this.issues.push(created);
    return created;
  }

  addPullRequest(slug: string, pr: Partial<FakePullRequest> & { headRefName: string }): FakePullRequest {
    this.addRepo(slug);
    const created: FakePullRequest = {
      id: `PR_${this.#nextId++}`,
      repo: slug,
      number: this.#nextNumber++,
      title: `PR for ${pr.headRefName}`,
      body: '',
      state: 'OPEN',
      headRefOid: '0'.repeat(40),
      baseRefName: 'main',
      mergeable: 'MERGEABLE',
      checks: [],
      reviews: [],
      threads: [],
      autoMerge: null,
      ...pr,
    };
    this.pullRequests.push(created);
    return created;
  }

  /** Adds an unresolved review thread (with a node id) to a PR. */
  addThread(
    number: number,
    comments: Array<{
      author: string;
      body: string;
      path?: string;
      line?: number;
      createdAt?: string;
      authorAssociation?: string;
    }>,
  ): FakeThread {
    const thread: FakeThread = {
      id: `PRRT_${this.#nextId++}`,
      isResolved: false,
      comments: comments.map((c) => ({
        path: 'src/a.ts',
        line: 1,
        createdAt: new Date().toISOString(),
        ...c,
      })),
    };
    this.pr(number).threads.push(thread);
    return thread;
  }

  #threadById(id: unknown): { pr: FakePullRequest; thread: FakeThread } {
    for (const pr of this.pullRequests)
      for (const thread of pr.threads) if (thread.id === id) return { pr, thread };
    throw new Error(`Could not resolve to a PullRequestReviewThread with the id of '${String(id)}'`);
  }

  pr(number: number): FakePullRequest {
    const pr = this.pullRequests.find((p) => p.number === number);
    if (!pr) throw new Error(`no PR #${number}`);
    return pr;
  }

  /**
   * Sets a check's latest run (a new job id each time, as a re-run would);
   * with `workflowRunId` it is a GitHub Actions job of that workflow run.
   */
  setCheck(
    number: number,
    name: string,
    conclusion: string | null,
    output?: FakeCheckOutput,
    workflowRunId?: number,
  ): FakeCheck {
    const pr = this.pr(number);
    const check: FakeCheck = {
      kind: 'CheckRun',
      name,
      status: conclusion === null ? 'IN_PROGRESS' : 'COMPLETED',
      conclusion,
      runId: this.#nextId++,
      startedAt: new Date(Date.now() + pr.checks.length).toISOString(),
      ...(output ? { output } : {}),
      ...(workflowRunId !== undefined ? { workflowRunId } : {}),
    };
    pr.checks.push(check);
    return check;
  }

  /** REST: `POST .../actions/runs/{id}/rerun-failed-jobs` and `GET .../actions/jobs/{id}/logs`. */
  #rest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    this.rest.push(`${req.method} ${path}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const rerun = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/rerun-failed-jobs$/.exec(path);
    if (rerun && req.method === 'POST') {
      const runId = Number(rerun[2]);
      let rerunJobs = 0;
      for (const pr of this.pullRequests.filter((p) => p.repo === rerun[1])) {
        const latest = new Map<string, FakeCheck>();
        for (const check of pr.checks) if (check.workflowRunId === runId) latest.set(check.name, check);
        for (const check of latest.values()) {
          if (!['FAILURE', 'TIMED_OUT', 'CANCELLED'].includes(check.conclusion ?? '')) continue;
          this.setCheck(pr.number, check.name, null, undefined, runId);
          rerunJobs++;
        }
      }
      if (rerunJobs === 0) json(403, { message: 'This workflow run has no failed jobs to re-run.' });
      else json(201, {});
      return;
    }
    const logs = /^\/repos\/[^/]+\/[^/]+\/actions\/jobs\/(\d+)\/logs$/.exec(path);
    if (logs && req.method === 'GET') {
      res
        .writeHead(302, {
          location: `http://127.0.0.1:${this.#downloadsPort}/job-logs/${logs[1]}?sig=signed-for-tests`,
        })
        .end();
      return;
    }
    json(404, { message: 'Not Found' });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const failure = this.failures.shift();
    if (failure?.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
    if (req.headers.authorization !== `token ${this.token}`) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Bad credentials' }));
      return;
    }
    if (req.url?.startsWith('/repos/')) {
      if (failure && failure.status !== 200) {
        res.writeHead(failure.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: failure.message ?? `scripted ${failure.status}` }));
        return;
      }
      this.#rest(req, res);
      return;
    }
    if (req.url !== '/graphql' || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      query: string;
      variables?: Record<string, unknown>;
    };
    const document = parse(body.query);
    const operation =
      document.definitions.find((d) => d.kind === 'OperationDefinition' && d.name)?.kind ===
      'OperationDefinition'
        ? ((
            document.definitions.find((d) => d.kind === 'OperationDefinition') as { name?: { value: string } }
          ).name?.value ?? 'anonymous')
        : 'anonymous';
    const recorded: RecordedRequest = {
      query: body.query,
      variables: body.variables ?? {},
      operation,
      cost: 0,
    };
    this.requests.push(recorded);
    if (failure && failure.status !== 200) {
      res.writeHead(failure.status, {
        'content-type': 'application/json',
        ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
      });
      res.end(JSON.stringify({ message: failure.message ?? `scripted ${failure.status}` }));
      return;
    }
    const errors = validate(githubGraphQLSchema(), document);
    if (errors.length > 0) {
      this.invalid.push({ query: body.query, errors: errors.map((e) => e.message) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: errors.map((e) => ({ message: e.message })) }));
      return;
    }
    this.#rollHour();
    if (this.remaining <= 0) {
      // As github.com answers a spent budget: HTTP 200, an error of type RATE_LIMITED, nothing run.
      res.writeHead(200, { 'content-type': 'application/json', ...this.#rateLimitHeaders() });
      res.end(
        JSON.stringify({
          errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }],
        }),
      );
      return;
    }
    // The query that crosses the limit still runs, and is charged in full.
    const charged = queryCost(githubGraphQLSchema(), document, body.variables ?? {});
    recorded.cost = charged.cost;
    this.budget.used += charged.cost;
    const result = await execute({
      schema: githubGraphQLSchema(),
      document,
      rootValue: this.#root(charged),
      variableValues: body.variables ?? {},
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      ...this.#rateLimitHeaders(),
      ...(this.scopes === undefined ? {} : { 'x-oauth-scopes': this.scopes }),
    });
    res.end(JSON.stringify(result));
  }

  /** Points left this hour (never below 0). */
  get remaining(): number {
    return Math.max(0, this.budget.limit - this.budget.used);
  }

  /** Points charged since request `from` (see `requests`). */
  pointsSince(from = 0): number {
    return this.requests.slice(from).reduce((sum, r) => sum + r.cost, 0);
  }

  /** Spends the budget down to `remaining` points (tests of what the agent does near the limit). */
  spend(remaining: number): void {
    this.#rollHour();
    this.budget.used = this.budget.limit - remaining;
  }

  #rollHour(): void {
    const now = this.clock();
    if (now >= this.budget.resetAt) {
      this.budget.used = 0;
      this.budget.resetAt = now + 3600_000;
    }
  }

  #rateLimitHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.budget.limit),
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-used': String(this.budget.used),
      'x-ratelimit-reset': String(Math.floor(this.budget.resetAt / 1000)),
      'x-ratelimit-resource': 'graphql',
    };
  }

  #root(charged: { cost: number; nodeCount: number }): Record<string, unknown> {
    return {
      viewer: { login: this.viewer.login },
      rateLimit: () => ({
        cost: charged.cost,
        limit: this.budget.limit,
        used: this.budget.used,
        remaining: this.remaining,
        resetAt: new Date(this.budget.resetAt).toISOString(),
        nodeCount: charged.nodeCount,
      }),
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const slug = `${owner}/${name}`;
        const repo = this.repos.get(slug);
        return repo ? this.#repository(slug, repo.id) : null;
      },
      nodes: ({ ids }: { ids: string[] }) =>
        ids.map((id) => {
          if (this.brokenNodes.has(id))
            return new Error(`Could not resolve to a node with the global id of '${id}'`);
          const pr = this.pullRequests.find((p) => p.id === id);
          if (pr) return this.#pullRequest(pr);
          const check = this.pullRequests.flatMap((p) => p.checks).find((c) => `CR_${c.runId}` === id);
          return check?.kind === 'CheckRun' ? this.#checkRun(check) : null;
        }),
      search: ({ query }: { query: string }) => {
        const repo = /repo:(\S+)/.exec(query)?.[1];
        const assignee = /assignee:(\S+)/.exec(query)?.[1]?.replace('@me', this.viewer.login);
        const terms = query
          .replace(/\S+:\S+/g, '')
          .trim()
          .toLowerCase();
        const nodes = this.issues
          .filter((i) => (!repo || i.repo === repo) && i.state === 'OPEN')
          .filter((i) => !assignee || i.assignees.includes(assignee))
          .filter((i) => !terms || i.title.toLowerCase().includes(terms))
          .map((i) => this.#issue(i));
        return { nodes, issueCount: nodes.length };
      },
      enablePullRequestAutoMerge: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'enablePullRequestAutoMerge', input });
        const pr = this.pullRequests.find((p) => p.id === input.pullRequestId);
        if (!pr) throw new Error('Could not resolve to a PullRequest');
        if (input.expectedHeadOid && input.expectedHeadOid !== pr.headRefOid)
          throw new Error('Head branch was modified');
        pr.autoMerge = {
          enabledAt: new Date().toISOString(),
          mergeMethod: String(input.mergeMethod ?? 'MERGE'),
        };
        return { pullRequest: this.#pullRequest(pr) };
      },
      mergePullRequest: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'mergePullRequest', input });
        const pr = this.pullRequests.find((p) => p.id === input.pullRequestId);
        if (!pr) throw new Error('Could not resolve to a PullRequest');
        if (input.expectedHeadOid && input.expectedHeadOid !== pr.headRefOid)
          throw new Error('Head branch was modified');
        pr.state = 'MERGED';
        return { pullRequest: this.#pullRequest(pr) };
      },
      addPullRequestReviewThreadReply: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'addPullRequestReviewThreadReply', input });
        const { pr, thread } = this.#threadById(input.pullRequestReviewThreadId);
        const first = thread.comments[0];
        thread.comments.push({
          author: this.viewer.login,
          body: String(input.body),
          path: first?.path ?? '',
          line: first?.line ?? 0,
          createdAt: new Date().toISOString(),
        });
        return {
          comment: {
            id: `PRRC_${this.#nextId++}`,
            url: `https://${this.host}/${pr.repo}/pull/${pr.number}#discussion_r${this.#nextId}`,
          },
        };
      },
      resolveReviewThread: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'resolveReviewThread', input });
        const { thread } = this.#threadById(input.threadId);
        thread.isResolved = true;
        return { thread: { id: thread.id, isResolved: true } };
      },
      requestReviews: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'requestReviews', input });
        const pr = this.pullRequests.find((p) => p.id === input.pullRequestId);
        if (!pr) throw new Error('Could not resolve to a PullRequest');
        const logins = (input.userIds as string[]).map((id) => id.replace(/^U_/, ''));
        pr.requestedReviewers = [
          ...new Set([...(input.union ? (pr.requestedReviewers ?? []) : []), ...logins]),
        ];
        return { pullRequest: { id: pr.id } };
      },
      updatePullRequestBranch: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'updatePullRequestBranch', input });
        const pr = this.pullRequests.find((p) => p.id === input.pullRequestId);
        if (!pr) throw new Error('Could not resolve to a PullRequest');
        if (input.expectedHeadOid && input.expectedHeadOid !== pr.headRefOid)
          throw new Error('Head branch was modified');
        if (pr.updateConflicts) {
          pr.mergeable = 'CONFLICTING';
          throw new Error('There are merge conflicts: update the branch locally.');
        }
        pr.behind = false;
        pr.headRefOid = (this.#nextId++).toString(16).padStart(40, 'b');
        return { pullRequest: { id: pr.id, headRefOid: pr.headRefOid } };
      },
      createPullRequest: ({ input }: { input: Record<string, unknown> }) => {
        this.mutations.push({ name: 'createPullRequest', input });
        const slug = [...this.repos.entries()].find(([, r]) => r.id === input.repositoryId)?.[0];
        if (!slug) throw new Error('Could not resolve to a Repository');
        const pr = this.addPullRequest(slug, {
          headRefName: String(input.headRefName),
          baseRefName: String(input.baseRefName),
          title: String(input.title),
          body: String(input.body ?? ''),
        });
        return { pullRequest: this.#pullRequest(pr) };
      },
    };
  }

  #repository(slug: string, id: string): Record<string, unknown> {
    return {
      __typename: 'Repository',
      id,
      nameWithOwner: slug,
      issue: ({ number }: { number: number }) => {
        const issue = this.issues.find((i) => i.repo === slug && i.number === number);
        return issue ? this.#issue(issue) : null;
      },
      pullRequest: ({ number }: { number: number }) => {
        const pr = this.pullRequests.find((p) => p.repo === slug && p.number === number);
        return pr ? this.#pullRequest(pr) : null;
      },
      pullRequests: ({ headRefName, states }: { headRefName?: string; states?: string[] }) => ({
        nodes: this.pullRequests
          .filter((p) => p.repo === slug && (!headRefName || p.headRefName === headRefName))
          .filter((p) => !states || states.includes(p.state))
          .reverse()
          .map((p) => this.#pullRequest(p)),
      }),
    };
  }

  #issue(issue: FakeIssue): Record<string, unknown> {
    return {
      __typename: 'Issue',
      id: issue.id,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      url: `https://${this.host}/${issue.repo}/issues/${issue.number}`,
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
   * A PR's `updatedAt`, as GitHub moves it: on a push, a comment or review, an edit, a
   * state change, auto-merge or review requests — not when its checks run, its base moves or
   * a thread is only resolved (the ratchet must not count on those moving it).
   */
  #updatedAt(pr: FakePullRequest): string {
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
    const seen = this.#updates.get(pr.id);
    if (seen?.content === content) return seen.at;
    // Strictly later than the last one, however fast the changes come.
    const at = new Date(Math.max(Date.now(), seen ? Date.parse(seen.at) + 1 : 0)).toISOString();
    this.#updates.set(pr.id, { content, at });
    return at;
  }

  #checkRun(check: FakeCheck): Record<string, unknown> {
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

  #pullRequest(pr: FakePullRequest): Record<string, unknown> {
    const merged = pr.state === 'MERGED';
    const contexts = pr.checks.map((c) =>
      c.kind === 'CheckRun'
        ? {
            __typename: 'CheckRun',
            id: `CR_${c.runId}`,
            name: c.name,
            status: c.status,
            conclusion: c.conclusion,
            detailsUrl: `https://${this.host}/${pr.repo}/actions/runs/${c.runId}`,
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
      url: `https://${this.host}/${pr.repo}/pull/${pr.number}`,
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
      updatedAt: this.#updatedAt(pr),
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
                url: `https://${this.host}/${pr.repo}/pull/${pr.number}#discussion_r${i}_${j}`,
              })),
          }),
        })),
      }),
    };
  }
}
