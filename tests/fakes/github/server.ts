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
import type {
  Failure,
  FakeCheck,
  FakeCheckOutput,
  FakeIssue,
  FakePullRequest,
  FakeThread,
  RateLimitBudget,
  RecordedRequest,
} from './model.js';
import { type MutationHost, mutationResolvers } from './mutations.js';
import { checkRunNode, issueNode, pullRequestNode, UpdatedAt } from './nodes.js';
import { queryCost } from './query-cost.js';
import { answerRest } from './rest.js';

export type {
  Failure,
  FakeCheck,
  FakeCheckOutput,
  FakeIssue,
  FakePullRequest,
  FakeReview,
  FakeThread,
  RateLimitBudget,
  RecordedRequest,
} from './model.js';

let cachedSchema: GraphQLSchema | undefined;
export function githubGraphQLSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return cachedSchema;
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
  /** Each PR's updatedAt, moved as GitHub moves it (nodes.ts). */
  readonly #updatedAt = new UpdatedAt();

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
      answerRest(req, res, {
        pullRequests: this.pullRequests,
        rest: this.rest,
        downloadsPort: this.#downloadsPort,
        setCheck: (...args) => this.setCheck(...args),
      });
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
          return check?.kind === 'CheckRun' ? checkRunNode(check) : null;
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
          .map((i) => issueNode(i, this.host));
        return { nodes, issueCount: nodes.length };
      },
      ...mutationResolvers(this.#mutationHost()),
    };
  }

  /** What the mutations (mutations.ts) read and change. */
  #mutationHost(): MutationHost {
    return {
      viewer: this.viewer,
      host: this.host,
      repos: this.repos,
      pullRequests: this.pullRequests,
      mutations: this.mutations,
      addPullRequest: (slug, pr) => this.addPullRequest(slug, pr),
      nextId: () => this.#nextId++,
      peekId: () => this.#nextId,
      threadById: (id) => this.#threadById(id),
      node: (pr) => this.#pullRequest(pr),
    };
  }

  #repository(slug: string, id: string): Record<string, unknown> {
    return {
      __typename: 'Repository',
      id,
      nameWithOwner: slug,
      issue: ({ number }: { number: number }) => {
        const issue = this.issues.find((i) => i.repo === slug && i.number === number);
        return issue ? issueNode(issue, this.host) : null;
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

  #pullRequest(pr: FakePullRequest): Record<string, unknown> {
    return pullRequestNode(pr, this.host, this.#updatedAt.of(pr));
  }
}
