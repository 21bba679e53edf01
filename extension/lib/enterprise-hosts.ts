/**
 * GitHub Enterprise hosts — pure. The user names a host in Options; the
 * browser grants it (an optional host permission); the worker then
 * registers ff's content script for it. Which scripts to (un)register is
 * derived from what was asked, what was granted and what is registered.
 */
export const ENTERPRISE_HOSTS_KEY = 'ff.enterpriseHosts';
const SCRIPT_PREFIX = 'ff-ghe-';

/** The stored host list, whatever storage holds: its valid, distinct hosts, in order. */
export function enterpriseHostsFrom(stored: unknown): string[] {
  if (!Array.isArray(stored)) return [];
  const hosts = stored.flatMap((item) => {
    if (typeof item !== 'string') return [];
    const parsed = parseEnterpriseHost(item);
    return 'host' in parsed ? [parsed.host] : [];
  });
  return [...new Set(hosts)];
}

/** The host in what the user typed (`ghe.example.com`, or a URL on it), or why it is not one. */
export function parseEnterpriseHost(input: string): { host: string } | { error: string } {
  const text = input.trim();
  if (!text) return { error: 'Type the host of your GitHub Enterprise, e.g. github.example.com.' };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { error: `“${text}” is not a host name.` };
  }
  if (url.protocol !== 'https:') return { error: 'GitHub Enterprise must be served over https.' };
  const host = url.hostname.toLowerCase();
  if (
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(host) &&
    !/^\[[0-9a-f:]+\]$/.test(host)
  )
    return { error: `“${text}” is not a host name.` };
  if (host === 'github.com' || host.endsWith('.github.com'))
    return { error: 'github.com works without adding it.' };
  return { host };
}

/** The match pattern for a host's pages (any port: match patterns have none). */
export const originPattern = (host: string) => `https://${host}/*`;

export const scriptId = (host: string) => `${SCRIPT_PREFIX}${host}`;

/** The hosts of granted origins (`https://host/*`), github.com left out. */
export function grantedHosts(origins: readonly string[]): string[] {
  return origins.flatMap((origin) => {
    const match = /^https:\/\/([^/*]+)\/\*$/.exec(origin);
    return match && match[1] !== 'github.com' ? [match[1]!] : [];
  });
}

/**
 * Which content scripts to register and unregister: one per host that is
 * both asked for and granted; ff's others go. Registered ids that are not
 * ff's are left alone.
 */
export function planScripts(input: {
  wanted: readonly string[];
  granted: readonly string[];
  registered: readonly string[];
}): { register: string[]; unregister: string[] } {
  const active = new Set(input.wanted.filter((host) => input.granted.includes(host)));
  const ours = input.registered.filter((id) => id.startsWith(SCRIPT_PREFIX));
  return {
    register: [...active].filter((host) => !ours.includes(scriptId(host))),
    unregister: ours.filter((id) => !active.has(id.slice(SCRIPT_PREFIX.length))),
  };
}
