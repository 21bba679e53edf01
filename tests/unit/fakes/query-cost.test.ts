import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryCost } from '../../fakes/github/query-cost.js';
import { githubGraphQLSchema } from '../../fakes/github/server.js';

const cost = (query: string, variables: Record<string, unknown> = {}) =>
  queryCost(githubGraphQLSchema(), parse(query), variables);

describe("the fake GitHub's query cost (GitHub's documented formula)", () => {
  it("GitHub's own example: 5,101 requests, 51 points", () => {
    const result = cost(`query {
      viewer { login repositories(first: 100) { edges { node { name
        issues(first: 50) { edges { node { title labels(first: 60) { edges { node { name } } } } } } } } } }
    }`);
    expect(result).toMatchObject({ requests: 5101, cost: 51 });
  });

  it.each([
    {
      case: 'scalars only cost the minimum point',
      query: 'query { viewer { login } }',
      requests: 0,
      points: 1,
    },
    {
      case: "100 PRs' scalars by nodes(ids:) are ~1 point",
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest { headRefOid mergeable updatedAt
        commits(last: 1) { nodes { commit { statusCheckRollup { state } } } } } } }`,
      variables: { ids: Array.from({ length: 100 }, (_, i) => `PR_${i}`) },
      requests: 100,
      points: 1,
    },
    {
      case: "100 PRs' threads and comments are ~a hundred times more",
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest {
        reviewThreads(first: 50) { nodes { comments(first: 20) { nodes { body } } } } } } }`,
      variables: { ids: Array.from({ length: 100 }, (_, i) => `PR_${i}`) },
      requests: 100 + 100 * 50,
      points: 51,
    },
    {
      case: 'a fragment counts where it is spread',
      query: `query { repository(owner: "o", name: "r") { ...F } }
        fragment F on Repository { issues(first: 100) { nodes { comments(first: 10) { nodes { body } } } } }`,
      requests: 101,
      points: 1,
    },
    {
      case: 'last counts like first, and a variable page size is read',
      query:
        'query($n: Int!) { repository(owner: "o", name: "r") { pullRequests(last: $n) { nodes { title } } } }',
      variables: { n: 30 },
      requests: 1,
      points: 1,
    },
  ])('$case', ({ query, variables, requests, points }) => {
    expect(cost(query, variables)).toMatchObject({ requests, cost: points });
  });
});
