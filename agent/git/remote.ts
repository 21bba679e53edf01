/**
 * Reading `owner/repo` from a remote URL. Pure, table-tested.
 *
 * Accepted forms (any host, so GitHub Enterprise works too), with or without
 * `.git` and a trailing slash:
 *   https://github.com/owner/repo(.git)       http:// and credentials in the URL too (never kept)
 *   git@github.com:owner/repo.git              scp-like ssh
 *   ssh://git@github.com(:22)/owner/repo.git   ssh URL
 *   git://github.com/owner/repo.git
 */
export interface RemoteRepo {
  host: string;
  owner: string;
  repo: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

export function parseRemoteUrl(url: string): RemoteRepo | undefined {
  const value = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(value);
  if (/^[a-z+]+:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol))
      return undefined;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    return undefined;
  }
  const parts = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!NAME.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..' || owner.startsWith('.')) {
    return undefined;
  }
  return { host: host.toLowerCase(), owner, repo };
}
