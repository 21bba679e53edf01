import {
  isIssue,
  isPRCommitList,
  isPRConversation,
  isPRFiles,
  isRepoIssueList,
  utils,
} from 'github-url-detection';

/**
 * Which GitHub page a URL is — URL-based (GitHub navigates without
 * reloading, so features decide from the URL on every location change).
 */
export type GitHubPage =
  | { kind: 'issue'; owner: string; repo: string; number: number }
  | {
      kind: 'pull';
      owner: string;
      repo: string;
      number: number;
      tab: 'conversation' | 'files' | 'commits';
    }
  | { kind: 'issues'; owner: string; repo: string };

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The page, as github-url-detection (what refined-github uses) sees it: it
 * knows every URL GitHub serves an issue list at (`/issues`, label pages,
 * saved views `/issues/views/N`, `/issues/<author>`), which first segments
 * are GitHub's own pages rather than owners, and follows GitHub's changes.
 * It is asked with the path in lower case, as GitHub's own pages are
 * (`/Settings/…` is still settings); the owner and repo keep their case.
 * Its `isIssue` also reads `document.title` (a logged-out 404 looks like an
 * issue URL), so this runs where there is a document.
 */
export function detectPage(url: URL | string, host = 'github.com'): GitHubPage | undefined {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.hostname !== host) return undefined;
  const asked = new URL(u.origin + u.pathname.toLowerCase());
  const info = utils.getRepositoryInfo(asked);
  if (!info) return undefined;
  const [owner = '', repo = ''] = utils.getCleanPathname(u).split('/').map(decodeURIComponent);
  if (!NAME.test(owner) || !NAME.test(repo)) return undefined;
  if (isRepoIssueList(asked)) return { kind: 'issues', owner, repo };
  // Issue and pull request paths are `issues/<n>…` and `pull/<n>…`: the number is the library's second part.
  const number = Number(info.pathParts[1]);
  if (!Number.isSafeInteger(number)) return undefined;
  if (isIssue(asked)) return { kind: 'issue', owner, repo, number };
  const tab = isPRConversation(asked)
    ? 'conversation'
    : isPRFiles(asked)
      ? 'files'
      : isPRCommitList(asked)
        ? 'commits'
        : undefined;
  return tab ? { kind: 'pull', owner, repo, number, tab } : undefined;
}

/**
 * How a page names its repo to the agent: always `host/owner/repo`
 * (`github.com/octo/app` too) — a bare `owner/repo` is ambiguous to the agent
 * once a clone of the same name on an Enterprise host is registered.
 */
export function projectRef(host: string, owner: string, repo: string): string {
  return `${host}/${owner}/${repo}`;
}
