/**
 * Every GraphQL document ff sends to GitHub, with zod schemas for what
 * comes back and pure mappers to ff's own shapes. Tests validate each
 * document against GitHub's published schema (@octokit/graphql-schema).
 * User-derived values (owners, branches, search terms) travel only as
 * variables, never inside the query text.
 */
import { z } from 'zod';

const RATE_LIMIT = 'rateLimit { limit remaining resetAt cost }';

/** What an answer says of the token's hour: null on a GitHub Enterprise server without rate limits. */
export const RateLimit = z.lazy(() =>
  z.object({ limit: z.number(), remaining: z.number(), resetAt: z.string(), cost: z.number() }).nullable(),
);
export type RateLimit = z.infer<typeof RateLimit>;

export const VIEWER_QUERY = `query Viewer { viewer { login } ${RATE_LIMIT} }`;
export const ViewerData = z.lazy(() =>
  z.object({ viewer: z.object({ login: z.string() }), rateLimit: RateLimit }),
);

export const ISSUE_QUERY = `query Issue($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      number title body url state author { login } authorAssociation
      labels(first: 20) { nodes { name } }
      comments(first: 50) { nodes { author { login } authorAssociation body createdAt } }
    }
  }
  ${RATE_LIMIT}
}`;

const Author = z.lazy(() => z.object({ login: z.string() }).nullable());

/** One PR, for adopting it: where its head lives (a fork or this repo) and what it is. */
export const PULL_REQUEST_QUERY = `query PullRequest($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      id number url title state headRefName headRefOid baseRefName isCrossRepository
      author { login }
      headRepository { nameWithOwner owner { login } }
    }
  }
  ${RATE_LIMIT}
}`;

export const PullRequestData = z.lazy(() =>
  z.object({
    repository: z
      .object({
        pullRequest: z
          .object({
            id: z.string(),
            number: z.number(),
            url: z.string(),
            title: z.string(),
            state: z.string(),
            headRefName: z.string(),
            headRefOid: z.string(),
            baseRefName: z.string(),
            isCrossRepository: z.boolean(),
            author: Author,
            // Null when the fork was deleted.
            headRepository: z
              .object({ nameWithOwner: z.string(), owner: z.object({ login: z.string() }) })
              .nullable(),
          })
          .nullable(),
      })
      .nullable(),
    rateLimit: RateLimit,
  }),
);

export const IssueData = z.lazy(() =>
  z.object({
    repository: z
      .object({
        issue: z
          .object({
            number: z.number(),
            title: z.string(),
            body: z.string(),
            url: z.string(),
            state: z.string(),
            author: Author,
            authorAssociation: z.string(),
            labels: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()) }).nullable(),
            comments: z.object({
              nodes: z.array(
                z
                  .object({
                    author: Author,
                    authorAssociation: z.string(),
                    body: z.string(),
                    createdAt: z.string(),
                  })
                  .nullable(),
              ),
            }),
          })
          .nullable(),
      })
      .nullable(),
    rateLimit: RateLimit,
  }),
);

export const ASSIGNED_ISSUES_QUERY = `query AssignedIssues($search: String!) {
  search(query: $search, type: ISSUE, first: 50) {
    nodes {
      __typename
      ... on Issue { number title url state updatedAt labels(first: 10) { nodes { name } } }
    }
  }
  ${RATE_LIMIT}
}`;

export const AssignedIssuesData = z.lazy(() =>
  z.object({
    search: z.object({
      nodes: z.array(
        z.union([
          z.object({
            __typename: z.literal('Issue'),
            number: z.number(),
            title: z.string(),
            url: z.string(),
            state: z.string(),
            updatedAt: z.string(),
            labels: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()) }).nullable(),
          }),
          z.object({ __typename: z.string() }),
        ]),
      ),
    }),
    rateLimit: RateLimit,
  }),
);

/** The search for the kanban intake: open issues in one repo assigned to the token's user, plus the user's filter. */
export function assignedIssuesSearch(owner: string, repo: string, filter = ''): string {
  // Qualifiers the user might type to widen the search beyond this repo are dropped.
  const safe = filter.replace(/\b(repo|org|user):\S*/gi, '').trim();
  return `repo:${owner}/${repo} is:issue is:open assignee:@me ${safe}`.trim();
}

/**
 * Finds PRs for branches — one aliased field per branch, all in one request.
 * Returns the document and its variables.
 */
export function pullRequestsForBranchesQuery(
  branches: Array<{ owner: string; repo: string; branch: string }>,
): {
  query: string;
  variables: Record<string, string>;
} {
  const variables: Record<string, string> = {};
  const declarations: string[] = [];
  const fields = branches.map((b, i) => {
    variables[`o${i}`] = b.owner;
    variables[`r${i}`] = b.repo;
    variables[`h${i}`] = b.branch;
    declarations.push(`$o${i}: String!, $r${i}: String!, $h${i}: String!`);
    return `b${i}: repository(owner: $o${i}, name: $r${i}) {
    pullRequests(headRefName: $h${i}, first: 1, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { id number url state isCrossRepository }
    }
  }`;
  });
  return {
    query: `query PullRequestsForBranches(${declarations.join(', ')}) {\n  ${fields.join('\n  ')}\n  ${RATE_LIMIT}\n}`,
    variables,
  };
}

export const PrRef = z.lazy(() =>
  z.object({
    id: z.string(),
    number: z.number(),
    url: z.string(),
    state: z.string(),
    /** The head lives in a fork: someone else's branch of the same name, not the workspace's. */
    isCrossRepository: z.boolean().optional(),
  }),
);
export type PrRef = z.infer<typeof PrRef>;
export const BranchRepo = z.lazy(() =>
  z.object({ pullRequests: z.object({ nodes: z.array(PrRef.nullable()) }) }).nullable(),
);

/** A check run or status context of a commit's rollup: what the classifier reads of each. */
const CHECK_CONTEXT = `fragment CheckContext on StatusCheckRollupContext {
  __typename
  ... on CheckRun {
    id name status conclusion detailsUrl databaseId startedAt completedAt
    checkSuite { workflowRun { databaseId } }
  }
  ... on StatusContext { context state targetUrl createdAt }
}`;

/**
 * Everything the classifier needs of tracked PRs, by node id, ≤ 100 per request: the full
 * read, asked only for PRs that are new or moved (see PULL_REQUEST_HEADS_QUERY). Its threads'
 * comments make it cost about a point per PR (fullReadPoints).
 */
export const PULL_REQUESTS_QUERY = `query PullRequests($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on PullRequest {
      id number url state merged headRefName headRefOid baseRefName updatedAt isCrossRepository
      mergeable mergeStateStatus reviewDecision
      autoMergeRequest { enabledAt }
      statusCheckRollup { state contexts(first: 100) { nodes { ...CheckContext } } }
      latestReviews(first: 50) { nodes { author { login ... on User { id } } state submittedAt } }
      reviewThreads(first: 50) {
        nodes {
          id isResolved path line
          comments(first: 20) { nodes { ...ThreadComment } }
          recent: comments(last: 5) { nodes { ...ThreadComment } }
        }
      }
    }
  }
  ${RATE_LIMIT}
}
fragment ThreadComment on PullRequestReviewComment { author { login } authorAssociation body path line createdAt url }
${CHECK_CONTEXT}`;

/**
 * What tells a steady tick whether a PR moved, for up to 100 PRs in one request: each one's
 * head, `updatedAt` (new comments, reviews, pushes), state, mergeability and check rollup —
 * no connection, so the request costs GitHub's minimum of one point — plus the checks of
 * `running` (those whose checks were pending), one connection each: a check can finish
 * without the rollup's state changing. Up to 100 running PRs still round to one point.
 */
export const PULL_REQUEST_HEADS_QUERY = `query PullRequestHeads($ids: [ID!]!, $running: [ID!]!) {
  heads: nodes(ids: $ids) {
    __typename
    ... on PullRequest {
      id state merged headRefOid updatedAt mergeable mergeStateStatus reviewDecision
      autoMergeRequest { enabledAt }
      statusCheckRollup { state }
    }
  }
  running: nodes(ids: $running) {
    __typename
    ... on PullRequest { id statusCheckRollup { state contexts(first: 100) { nodes { ...CheckContext } } } }
  }
  ${RATE_LIMIT}
}
${CHECK_CONTEXT}`;

/** Requests GitHub counts per PR in PULL_REQUESTS_QUERY: its checks, reviews and threads, and two pages of comments in each of 50 threads. */
const FULL_READ_REQUESTS_PER_PR = 3 + 50 * 2;

/** GitHub's points for one PULL_REQUESTS_QUERY of `prs` PRs (≤ 100) — pure. */
export function fullReadPoints(prs: number): number {
  return Math.max(1, Math.round((prs * FULL_READ_REQUESTS_PER_PR) / 100));
}

/** GitHub's points for one PULL_REQUEST_HEADS_QUERY with `running` PRs' checks (≤ 100): one — pure. */
export function headsQueryPoints(running: number): number {
  return Math.max(1, Math.round(running / 100));
}

const CheckRunNode = z.lazy(() =>
  z.object({
    __typename: z.literal('CheckRun'),
    id: z.string(),
    name: z.string(),
    status: z.string(),
    conclusion: z.string().nullable(),
    detailsUrl: z.string().nullable(),
    databaseId: z.number().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    checkSuite: z
      .object({ workflowRun: z.object({ databaseId: z.number().nullable() }).nullable() })
      .nullable()
      .optional(),
  }),
);
const StatusContextNode = z.lazy(() =>
  z.object({
    __typename: z.literal('StatusContext'),
    context: z.string(),
    state: z.string(),
    targetUrl: z.string().nullable(),
    createdAt: z.string(),
  }),
);

const ThreadComments = z.lazy(() =>
  z.object({
    nodes: z.array(
      z
        .object({
          author: Author,
          authorAssociation: z.string().optional(),
          body: z.string(),
          path: z.string().nullable(),
          line: z.number().nullable(),
          createdAt: z.string(),
          url: z.string(),
        })
        .nullable(),
    ),
  }),
);

/** A commit's check rollup with its checks (null when the head has no checks or statuses). */
export const CheckRollup = z.lazy(() =>
  z
    .object({
      state: z.string(),
      contexts: z.object({ nodes: z.array(z.union([CheckRunNode, StatusContextNode, z.null()])) }),
    })
    .nullable(),
);

/** What PULL_REQUEST_HEADS_QUERY (and the full read) say of a PR's head: enough to tell whether it moved. */
const HeadFields = {
  id: z.string(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  merged: z.boolean(),
  headRefOid: z.string(),
  updatedAt: z.string(),
  mergeable: z.string(),
  mergeStateStatus: z.string(),
  reviewDecision: z.string().nullable(),
  autoMergeRequest: z.object({ enabledAt: z.string().nullable() }).nullable(),
};

export const PullRequestHeadNode = z.lazy(() =>
  z.object({
    __typename: z.literal('PullRequest'),
    ...HeadFields,
    statusCheckRollup: z.object({ state: z.string() }).nullable(),
  }),
);
export type PullRequestHeadNode = z.infer<typeof PullRequestHeadNode>;

export const PullRequestChecksNode = z.lazy(() =>
  z.object({ __typename: z.literal('PullRequest'), id: z.string(), statusCheckRollup: CheckRollup }),
);

export const PullRequestNode = z.lazy(() =>
  z.object({
    __typename: z.literal('PullRequest'),
    ...HeadFields,
    number: z.number(),
    url: z.string(),
    headRefName: z.string(),
    baseRefName: z.string(),
    isCrossRepository: z.boolean().optional(),
    statusCheckRollup: CheckRollup,
    latestReviews: z
      .object({
        nodes: z.array(
          z
            .object({
              author: z.object({ login: z.string(), id: z.string().optional() }).nullable(),
              state: z.string(),
              submittedAt: z.string().nullable(),
            })
            .nullable(),
        ),
      })
      .nullable(),
    reviewThreads: z.object({
      nodes: z.array(
        z
          .object({
            id: z.string(),
            isResolved: z.boolean(),
            path: z.string().nullable(),
            line: z.number().nullable(),
            comments: ThreadComments,
            recent: ThreadComments.nullable().optional(),
          })
          .nullable(),
      ),
    }),
  }),
);
export type PullRequestNode = z.infer<typeof PullRequestNode>;

export const REPOSITORY_ID_QUERY = `query RepositoryId($owner: String!, $repo: String!) {
  repository(owner: $owner, name: $repo) { id }
  ${RATE_LIMIT}
}`;
export const RepositoryIdData = z.lazy(() =>
  z.object({
    repository: z.object({ id: z.string() }).nullable(),
    rateLimit: RateLimit,
  }),
);

export const CREATE_PULL_REQUEST_MUTATION = `mutation CreatePullRequest($input: CreatePullRequestInput!) {
  createPullRequest(input: $input) { pullRequest { id number url state } }
}`;
export const CreatePullRequestData = z.lazy(() =>
  z.object({
    createPullRequest: z.object({ pullRequest: PrRef.nullable() }).nullable(),
  }),
);

export const ENABLE_AUTO_MERGE_MUTATION = `mutation EnableAutoMerge($input: EnablePullRequestAutoMergeInput!) {
  enablePullRequestAutoMerge(input: $input) { pullRequest { id autoMergeRequest { enabledAt } } }
}`;

export const MERGE_PULL_REQUEST_MUTATION = `mutation MergePullRequest($input: MergePullRequestInput!) {
  mergePullRequest(input: $input) { pullRequest { id merged } }
}`;

/** Replies in a review thread (the agent's, never the model's). */
export const ADD_THREAD_REPLY_MUTATION = `mutation AddThreadReply($input: AddPullRequestReviewThreadReplyInput!) {
  addPullRequestReviewThreadReply(input: $input) { comment { id url } }
}`;

export const RESOLVE_THREAD_MUTATION = `mutation ResolveThread($input: ResolveReviewThreadInput!) {
  resolveReviewThread(input: $input) { thread { id isResolved } }
}`;

export const REQUEST_REVIEWS_MUTATION = `mutation RequestReviews($input: RequestReviewsInput!) {
  requestReviews(input: $input) { pullRequest { id } }
}`;

/** Brings a branch up to date with its base, only if its head is still the one we saw. */
export const UPDATE_BRANCH_MUTATION = `mutation UpdateBranch($input: UpdatePullRequestBranchInput!) {
  updatePullRequestBranch(input: $input) { pullRequest { id headRefOid } }
}`;

/** What a failed check run says about itself: its output and annotations (the lines it flagged). */
export const CHECK_RUN_DETAILS_QUERY = `query CheckRunDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on CheckRun {
      id name title summary text
      annotations(first: 30) {
        nodes { path title message annotationLevel location { start { line } } }
      }
    }
  }
  ${RATE_LIMIT}
}`;

export const CheckRunDetailsNode = z.lazy(() =>
  z.object({
    __typename: z.literal('CheckRun'),
    id: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    summary: z.string().nullable(),
    text: z.string().nullable(),
    annotations: z
      .object({
        nodes: z.array(
          z
            .object({
              path: z.string(),
              title: z.string().nullable(),
              message: z.string(),
              annotationLevel: z.string().nullable(),
              location: z.object({ start: z.object({ line: z.number() }) }),
            })
            .nullable(),
        ),
      })
      .nullable(),
  }),
);
export type CheckRunDetailsNode = z.infer<typeof CheckRunDetailsNode>;

const DETAIL_CHARS = 1_500;
const MESSAGE_CHARS = 400;
const ANNOTATIONS_SHOWN = 10;

/**
 * Pure: a failed check run's own account, for the fixer's prompt — its
 * failure annotations first (file:line: message), then its summary/text,
 * cut to a few hundred characters each so a noisy check cannot flood the
 * prompt.
 */
export function checkRunDetails(node: CheckRunDetailsNode): string {
  const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
  const annotations = (node.annotations?.nodes ?? [])
    .filter((a): a is NonNullable<typeof a> => a !== null)
    .sort((a, b) => Number(b.annotationLevel === 'FAILURE') - Number(a.annotationLevel === 'FAILURE'));
  const lines = annotations
    .slice(0, ANNOTATIONS_SHOWN)
    .map(
      (a) =>
        `${a.path}${a.location.start.line ? `:${a.location.start.line}` : ''}: ${cut(
          [a.title, a.message].filter(Boolean).join(' — ').replace(/\s+/g, ' ').trim(),
          MESSAGE_CHARS,
        )}`,
    );
  if (annotations.length > ANNOTATIONS_SHOWN)
    lines.push(`(${annotations.length - ANNOTATIONS_SHOWN} more annotations)`);
  const output = [node.title, node.summary, node.text]
    .filter((part): part is string => Boolean(part?.trim()))
    .join('\n')
    .trim();
  if (output) lines.push(cut(output, DETAIL_CHARS));
  return lines.join('\n');
}

/** Every document above, for the schema-validation test. */
export const ALL_DOCUMENTS = [
  VIEWER_QUERY,
  ISSUE_QUERY,
  ASSIGNED_ISSUES_QUERY,
  PULL_REQUESTS_QUERY,
  PULL_REQUEST_HEADS_QUERY,
  REPOSITORY_ID_QUERY,
  CREATE_PULL_REQUEST_MUTATION,
  ENABLE_AUTO_MERGE_MUTATION,
  MERGE_PULL_REQUEST_MUTATION,
  CHECK_RUN_DETAILS_QUERY,
  ADD_THREAD_REPLY_MUTATION,
  RESOLVE_THREAD_MUTATION,
  REQUEST_REVIEWS_MUTATION,
  UPDATE_BRANCH_MUTATION,
  PULL_REQUEST_QUERY,
  pullRequestsForBranchesQuery([
    { owner: 'o', repo: 'r', branch: 'a' },
    { owner: 'o', repo: 'r', branch: 'b' },
  ]).query,
];
