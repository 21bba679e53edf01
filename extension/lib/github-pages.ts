/**
 * Which GitHub page a URL is — pure, URL-based (GitHub navigates without
 * reloading, so features decide from the URL on every location change).
 */
export type GitHubPage =
  | { kind: 'issue'; owner: string; repo: string; number: number }
  | {
      kind: 'pull';
      owner: string;
      repo: string;
      number: number;
      tab: 'conversation' | 'files' | 'commits' | 'checks';
    }
  | { kind: 'issues'; owner: string; repo: string };

/** First path segments that are GitHub's own pages, never an owner. */
const RESERVED = new Set([
  'about',
  'account',
  'apps',
  'codespaces',
  'collections',
  'contact',
  'customer-stories',
  'dashboard',
  'enterprise',
  'events',
  'explore',
  'features',
  'issues',
  'login',
  'logout',
  'marketplace',
  'new',
  'notifications',
  'orgs',
  'organizations',
  'pricing',
  'pulls',
  'search',
  'security',
  'sessions',
  'settings',
  'signup',
  'site',
  'sponsors',
  'stars',
  'topics',
  'trending',
  'users',
]);
const NAME = /^[A-Za-z0-9_.-]+$/;

export function detectPage(url: URL | string, host = 'github.com'): GitHubPage | undefined {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.hostname !== host) return undefined;
  const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [owner, repo, section, id, tab] = parts;
  if (!owner || !repo || RESERVED.has(owner.toLowerCase()) || !NAME.test(owner) || !NAME.test(repo))
    return undefined;
  const number = id && /^\d+$/.test(id) ? Number(id) : undefined;
  if (section === 'issues') {
    if (id === undefined && parts.length === 3) return { kind: 'issues', owner, repo };
    if (number !== undefined && parts.length === 4) return { kind: 'issue', owner, repo, number };
    return undefined;
  }
  if (section === 'pull' && number !== undefined && parts.length <= 5) {
    const tabs = { files: 'files', commits: 'commits', checks: 'checks' } as const;
    if (tab !== undefined && !(tab in tabs)) return undefined;
    return { kind: 'pull', owner, repo, number, tab: tab ? tabs[tab as keyof typeof tabs] : 'conversation' };
  }
  return undefined;
}

/**
 * How a page names its repo to the agent: always `host/owner/repo`
 * (`github.com/octo/app` too) — a bare `owner/repo` is ambiguous to the agent
 * once a clone of the same name on an Enterprise host is registered.
 */
export function projectRef(host: string, owner: string, repo: string): string {
  return `${host}/${owner}/${repo}`;
}
