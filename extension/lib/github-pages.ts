import { utils } from 'github-url-detection';

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

const NAME = /^[A-Za-z0-9_.-]+$/;

export function detectPage(url: URL | string, host = 'github.com'): GitHubPage | undefined {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.hostname !== host) return undefined;
  // Whether the first segment is an owner or one of GitHub's own pages (settings, orgs, marketplace, …)
  // is github-url-detection's call: its list (github-reserved-names) follows GitHub's changes. Asked in
  // lower case, as GitHub's own pages are. The rest (issue or PR number, the PR's tab) stays ours: the
  // library answers yes/no per page type, and its isIssue reads document.title, which a pure parser can't.
  if (!utils.getRepositoryInfo(new URL(u.origin + u.pathname.toLowerCase()))) return undefined;
  const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [owner, repo, section, id, tab] = parts;
  if (!owner || !repo || !NAME.test(owner) || !NAME.test(repo)) return undefined;
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
