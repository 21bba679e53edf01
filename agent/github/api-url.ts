/**
 * Where each GitHub host's GraphQL API lives, and what messages call the
 * host. Pure, table-tested. A project's host comes from its clone's origin
 * remote (agent/git/remote.ts): github.com or a GitHub Enterprise Server.
 */
import { z } from 'zod';

export const GITHUB_COM = 'github.com';

/**
 * Pure: why a clone's host cannot be a project's (undefined when it can): ff speaks GitHub's API,
 * so a host must be github.com or a GitHub Enterprise Server the user named.
 */
export function notGitHubProblem(host: string, enterpriseHosts: readonly string[]): string | undefined {
  const name = host.toLowerCase();
  if (name === GITHUB_COM || enterpriseHosts.some((h) => h.toLowerCase() === name)) return undefined;
  return (
    `${name} is not GitHub: ff works with github.com and GitHub Enterprise Server. ` +
    `If ${name} is a GitHub Enterprise Server, add it with \`ff-agent settings set githubEnterpriseHosts ${name}\` ` +
    '(a comma-separated list), then add the project again.'
  );
}

/** "GitHub" for github.com; the host itself otherwise, so a message says which GitHub failed. */
export function githubName(host: string): string {
  return host === GITHUB_COM ? 'GitHub' : host;
}

const ApiUrlOverrides = z.lazy(() =>
  z.record(z.string().min(1), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
);

/**
 * `FF_GITHUB_API_URLS`: a JSON object `{ "<host>": "<api base url>" }` for
 * Enterprise hosts whose API is not at `https://<host>/api`. Anything else
 * is ignored as a whole, with a problem to log that says what was wrong.
 */
export function parseApiUrlOverrides(raw: string | undefined): {
  urls: Record<string, string>;
  problem?: string;
} {
  if (!raw?.trim()) return { urls: {} };
  const ignored = (why: string) => ({
    urls: {},
    problem: `FF_GITHUB_API_URLS is ignored: ${why}. Expected {"ghe.example.com": "https://ghe.example.com/api"}.`,
  });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return ignored(`it is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return ignored('it must be a JSON object of host → API base URL');
  }
  const parsed = ApiUrlOverrides.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${JSON.stringify(issue.path.join('.'))}` : '';
    return ignored(`${issue?.message ?? 'invalid'}${where}`);
  }
  return {
    urls: Object.fromEntries(Object.entries(parsed.data).map(([host, url]) => [host.toLowerCase(), url])),
  };
}

/**
 * The API base URL for a host; @octokit/graphql posts to `<base>/graphql`.
 * github.com: `FF_GITHUB_API_URL`, else api.github.com. Another host: its
 * `FF_GITHUB_API_URLS` entry, else `https://<host>/api` (GitHub Enterprise
 * Server's GraphQL endpoint is `https://<host>/api/graphql`).
 */
export function githubApiUrl(
  host: string,
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string> = {},
): string {
  const name = host.toLowerCase();
  const url =
    name === GITHUB_COM
      ? env.FF_GITHUB_API_URL?.trim() || 'https://api.github.com'
      : (overrides[name] ?? `https://${name}/api`);
  return url.replace(/\/+$/, '');
}
