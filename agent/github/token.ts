import { execFile } from 'node:child_process';

export interface GitHubToken {
  token: string;
  source: 'GITHUB_TOKEN' | 'GH_TOKEN' | 'gh auth token';
}

/**
 * GITHUB_TOKEN, else GH_TOKEN, else `gh auth token` (only if gh is
 * installed; run with execFile, 5 s at most). The token stays in the agent:
 * it is never logged and never sent to a client.
 */
export async function discoverToken(env: NodeJS.ProcessEnv): Promise<GitHubToken | undefined> {
  if (env.GITHUB_TOKEN?.trim()) return { token: env.GITHUB_TOKEN.trim(), source: 'GITHUB_TOKEN' };
  if (env.GH_TOKEN?.trim()) return { token: env.GH_TOKEN.trim(), source: 'GH_TOKEN' };
  const fromGh = await new Promise<string | undefined>((resolve) => {
    execFile('gh', ['auth', 'token'], { timeout: 5_000, env }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim() || undefined);
    });
  });
  return fromGh ? { token: fromGh, source: 'gh auth token' } : undefined;
}
