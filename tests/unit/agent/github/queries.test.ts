import { GraphqlResponseError } from '@octokit/graphql';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  classifyGitHubFailure,
  parseScopes,
  rateLimitFromHeaders,
  restErrorMessage,
  scopeAdvice,
} from '../../../../agent/github/client.js';
import {
  ALL_DOCUMENTS,
  assignedIssuesSearch,
  type CheckRunDetailsNode,
  checkRunDetails,
  fullReadPoints,
  headsQueryPoints,
  PULL_REQUEST_HEADS_QUERY,
  PULL_REQUESTS_QUERY,
  pullRequestsForBranchesQuery,
} from '../../../../agent/github/queries.js';
import { queryCost } from '../../../fakes/github/query-cost.js';
import { githubGraphQLSchema } from '../../../fakes/github/server.js';

describe('every GraphQL document ff sends', () => {
  it.each(ALL_DOCUMENTS.map((doc) => [/(query|mutation) (\w+)/.exec(doc)?.[2] ?? doc.slice(0, 30), doc]))(
    "%s validates against GitHub's schema",
    (_name, doc) => {
      expect(validate(githubGraphQLSchema(), parse(doc)).map((e) => e.message)).toEqual([]);
    },
  );

  it('a field GitHub does not have is caught', () => {
    const broken = ALL_DOCUMENTS[3]!.replace('headRefOid', 'headRefSha');
    expect(
      validate(githubGraphQLSchema(), parse(broken))
        .map((e) => e.message)
        .join(),
    ).toMatch(/headRefSha/);
  });

  it('branch names travel as variables, never in the query text', () => {
    const { query, variables } = pullRequestsForBranchesQuery([
      { owner: 'o', repo: 'r', branch: 'x") { evil }' },
    ]);
    expect(query).not.toContain('evil');
    expect(variables.h0).toBe('x") { evil }');
  });

  it('the kanban search stays inside the repo', () => {
    expect(assignedIssuesSearch('octo', 'app', 'bug repo:other/secret org:x')).toBe(
      'repo:octo/app is:issue is:open assignee:@me bug',
    );
  });
});

describe("what the ratchet's queries cost, by GitHub's formula", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `PR_${i}`);
  const cost = (query: string, variables: Record<string, unknown>) =>
    queryCost(githubGraphQLSchema(), parse(query), variables).cost;

  it.each([1, 10, 37, 100])('a full read of %i PRs costs what fullReadPoints says', (n) => {
    expect(cost(PULL_REQUESTS_QUERY, { ids: ids(n) })).toBe(fullReadPoints(n));
  });

  it('a full read costs about a point per PR (its threads’ comments)', () => {
    expect(fullReadPoints(100)).toBe(103);
  });

  it('finding the PRs of 100 branches costs one point', () => {
    const { query, variables } = pullRequestsForBranchesQuery(
      Array.from({ length: 100 }, (_, i) => ({ owner: 'octo', repo: 'app', branch: `b${i}` })),
    );
    expect(cost(query, variables)).toBe(1);
  });

  it.each([
    [100, 0],
    [100, 100],
    [37, 12],
    [1, 1],
  ])('the heads of %i PRs, %i of them with their checks, cost one point', (n, running) => {
    const all = ids(n);
    expect(cost(PULL_REQUEST_HEADS_QUERY, { ids: all, running: all.slice(0, running) })).toBe(
      headsQueryPoints(running),
    );
    expect(headsQueryPoints(running)).toBe(1);
  });
});

describe('GitHub failures', () => {
  const now = 1_000_000;
  it.each([
    [{ status: 500, message: 'boom' }, 'unavailable', undefined],
    [{ status: 502, message: 'bad gateway' }, 'unavailable', undefined],
    [{ status: 401, message: 'Bad credentials' }, 'unauthorized', undefined],
    [{ status: 403, message: 'Resource not accessible' }, 'unauthorized', undefined],
    [
      {
        status: 403,
        message: 'You have exceeded a secondary rate limit',
        response: { headers: { 'retry-after': '60' } },
      },
      'rate-limited',
      now + 60_000,
    ],
    [
      { status: 429, message: 'too many', response: { headers: { 'retry-after': '5' } } },
      'rate-limited',
      now + 5_000,
    ],
    [
      {
        status: 403,
        message: 'API rate limit exceeded',
        response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000' } },
      },
      'rate-limited',
      2_000_000,
    ],
    [{ name: 'TimeoutError', message: 'The operation was aborted due to timeout' }, 'unavailable', undefined],
    [{ message: 'fetch failed' }, 'unavailable', undefined],
  ])('%j → %s', (error, kind, retryAt) => {
    const failure = classifyGitHubFailure(error, now);
    expect(failure.kind).toBe(kind);
    expect(failure.retryAt).toBe(retryAt);
  });

  /** A GraphQL answer with errors, as @octokit/graphql throws it. */
  const graphqlError = (errors: object[], headers: Record<string, string> = {}) =>
    new GraphqlResponseError({ method: 'POST', url: '/graphql' }, headers, {
      data: undefined as never,
      errors: errors as never,
    });

  it.each([
    [
      'RATE_LIMITED (github.com today)',
      { type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' },
    ],
    ['RATE_LIMIT (the newer type)', { type: 'RATE_LIMIT', message: 'API rate limit already exceeded' }],
    ['code graphql_rate_limit', { code: 'graphql_rate_limit', message: 'rate limit' }],
  ])('a GraphQL answer of %s is a rate limit, held until the reset its headers name', (_name, error) => {
    const failure = classifyGitHubFailure(
      graphqlError([error], { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000' }),
      now,
    );
    expect(failure.kind).toBe('rate-limited');
    expect(failure.retryAt).toBe(2_000_000);
    expect(failure.message).toMatch(/^GitHub rate limit: /);
  });

  it('a GraphQL answer of another error is invalid, not a rate limit', () => {
    const failure = classifyGitHubFailure(
      graphqlError([{ type: 'NOT_FOUND', message: "Could not resolve to a node with the global id of 'x'" }]),
      now,
    );
    expect(failure.kind).toBe('invalid');
    expect(failure.retryAt).toBeUndefined();
  });

  it.each([
    [
      'graphql',
      {
        'x-ratelimit-resource': 'graphql',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4210',
        'x-ratelimit-used': '790',
        'x-ratelimit-reset': '1767225600',
      },
      { limit: 5000, remaining: 4210, used: 790, resetAt: '2026-01-01T00:00:00.000Z' },
    ],
    [
      'no resource named',
      { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600' },
      { limit: 5000, remaining: 0, resetAt: '2026-01-01T00:00:00.000Z' },
    ],
    [
      'REST (core)',
      {
        'x-ratelimit-resource': 'core',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '1',
        'x-ratelimit-reset': '1',
      },
      undefined,
    ],
    ['no rate limit (an Enterprise server without one)', {}, undefined],
  ])('the budget an answer of %s carries in its headers', (_name, headers, budget) => {
    expect(rateLimitFromHeaders((name) => (headers as Record<string, string>)[name] ?? null)).toEqual(budget);
  });

  it.each([
    [
      '{"message":"This workflow run has no failed jobs to re-run."}',
      'This workflow run has no failed jobs to re-run.',
    ],
    ['{"message":404}', '404'],
    ['{"documentation_url":"https://docs.github.com"}', '{"documentation_url":"https://docs.github.com"}'],
    ['null', 'null'],
    ['<html>Bad gateway</html>', '<html>Bad gateway</html>'],
  ])('a REST error answer %s says %j', (text, message) => {
    expect(restErrorMessage(text)).toBe(message);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, () => 0.5)).toBe(5_000);
    expect(backoffMs(3, () => 0.5)).toBe(20_000);
    expect(backoffMs(30, () => 0.5)).toBe(15 * 60_000);
    expect(backoffMs(1, () => 0)).toBe(3_750);
    expect(backoffMs(1, () => 1)).toBe(6_250);
  });
});

describe('checkRunDetails', () => {
  const node = (over: Partial<CheckRunDetailsNode> = {}): CheckRunDetailsNode => ({
    __typename: 'CheckRun',
    id: 'CR_1',
    name: 'test',
    title: null,
    summary: null,
    text: null,
    annotations: { nodes: [] },
    ...over,
  });
  const annotation = (path: string, line: number, level: string, message: string) => ({
    path,
    line,
    title: null,
    message,
    annotationLevel: level,
    location: { start: { line } },
  });

  it('failure annotations first, as file:line: message, then the output', () => {
    expect(
      checkRunDetails(
        node({
          title: '2 failed',
          summary: 'exit code 1',
          annotations: {
            nodes: [
              annotation('a.ts', 1, 'WARNING', 'unused'),
              null,
              annotation('b.ts', 9, 'FAILURE', 'boom\n  at x'),
            ],
          },
        }),
      ),
    ).toBe('b.ts:9: boom at x\na.ts:1: unused\n2 failed\nexit code 1');
  });

  it('a noisy check is cut: ten annotations and 1,500 characters of output at most', () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      annotation(`f${i}.ts`, i + 1, 'FAILURE', 'x'.repeat(1000)),
    );
    const details = checkRunDetails(node({ text: 'y'.repeat(10_000), annotations: { nodes: many } }));
    const lines = details.split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toHaveLength('f0.ts:1: '.length + 400 + 1);
    expect(lines[10]).toBe('(15 more annotations)');
    expect(lines[11]).toHaveLength(1501);
  });

  it('nothing to say: empty', () => {
    expect(checkRunDetails(node({ annotations: null }))).toBe('');
  });
});

describe('token scopes', () => {
  it.each([
    ['repo, read:org', ['repo', 'read:org']],
    ['', []],
    [' public_repo ,', ['public_repo']],
  ])('X-OAuth-Scopes %j → %j', (header, scopes) => {
    expect(parseScopes(header)).toEqual(scopes);
  });

  it.each([
    [undefined, undefined],
    [['repo', 'workflow'], undefined],
    [['public_repo'], /private repositories/],
    [['read:org'], /cannot open or merge pull requests/],
    [[], /\(none\)/],
  ] as const)('%j → %s', (scopes, advice) => {
    const said = scopeAdvice(scopes as readonly string[] | undefined);
    if (advice === undefined) expect(said).toBeUndefined();
    else expect(said).toMatch(advice);
  });
});
