import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../fakes/github/server.js';

/** The fake charges what github.com charges, and refuses as it does when the hour's budget is spent. */
describe('the fake GitHub rate limit', () => {
  let github: FakeGitHub;
  let now = Date.now();
  beforeAll(async () => {
    github = await new FakeGitHub().start();
    github.clock = () => now;
    github.addRepo('octo/app');
  });
  afterAll(() => github.stop());

  const post = async (query: string) => {
    const response = await fetch(`${github.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `token ${github.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return { headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  it('charges each query its points, says so in headers and in rateLimit, and refuses once spent', async () => {
    const deep = `query { repository(owner: "octo", name: "app") {
      pullRequests(first: 100) { nodes { reviewThreads(first: 100) { nodes { comments(first: 100) { nodes { body } } } } } } }
      rateLimit { cost remaining used limit } }`;
    const first = await post(deep);
    expect(first.body.data).toMatchObject({
      rateLimit: { cost: 101, remaining: 4899, used: 101, limit: 5000 },
    });
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4899');
    expect(first.headers.get('x-ratelimit-resource')).toBe('graphql');

    github.spend(50);
    // The query that crosses the limit still runs, and is charged in full.
    const crossing = await post(deep);
    expect(crossing.body.data).toBeTruthy();
    expect(crossing.headers.get('x-ratelimit-remaining')).toBe('0');

    const refused = await post('query { viewer { login } }');
    expect(refused.body).toEqual({
      errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }],
    });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');

    now += 3600_000;
    const nextHour = await post('query { viewer { login } rateLimit { remaining } }');
    expect(nextHour.body.data).toMatchObject({ rateLimit: { remaining: 4999 } });
  });
});
