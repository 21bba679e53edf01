import { execFile } from 'node:child_process';
import { GITHUB_COM } from './api-url.js';

export interface GitHubToken {
  token: string;
  source: 'GITHUB_TOKEN' | 'GH_TOKEN' | 'GH_ENTERPRISE_TOKEN' | 'GITHUB_ENTERPRISE_TOKEN' | 'gh auth token';
}

/** The variables a host's token is read from, in order (the gh CLI's conventions for Enterprise hosts). */
export function tokenVariables(host: string): Array<GitHubToken['source']> {
  return host === GITHUB_COM
    ? ['GITHUB_TOKEN', 'GH_TOKEN']
    : ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'];
}

/** Pure: the token for a host from the environment, if one is set. */
export function tokenFromEnv(host: string, env: NodeJS.ProcessEnv): GitHubToken | undefined {
  for (const name of tokenVariables(host)) {
    const value = env[name]?.trim();
    if (value) return { token: value, source: name };
  }
  return undefined;
}

/** How a person gives ff a token for this host. */
export function tokenFix(host: string): string {
  return host === GITHUB_COM
    ? 'set GITHUB_TOKEN or run `gh auth login`'
    : `set GH_ENTERPRISE_TOKEN or run \`gh auth login --hostname ${host}\``;
}

export function missingTokenMessage(host: string): string {
  const which = host === GITHUB_COM ? 'No GitHub token' : `No GitHub token for ${host}`;
  return `${which}: ${tokenFix(host)}, then \`ff-agent restart\`.`;
}

/**
 * The host's variables (see tokenVariables), else `gh auth token` (with
 * `--hostname` for an Enterprise host; only if gh is installed; run with
 * execFile, 5 s at most). The token stays in the agent: it is never logged
 * and never sent to a client.
 */
export async function discoverToken(
  env: NodeJS.ProcessEnv,
  host: string = GITHUB_COM,
): Promise<GitHubToken | undefined> {
  const fromEnv = tokenFromEnv(host, env);
  if (fromEnv) return fromEnv;
  const args = host === GITHUB_COM ? ['auth', 'token'] : ['auth', 'token', '--hostname', host];
  const fromGh = await new Promise<string | undefined>((resolve) => {
    execFile('gh', args, { timeout: 5_000, env }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim() || undefined);
    });
  });
  return fromGh ? { token: fromGh, source: 'gh auth token' } : undefined;
}
