import { git } from './git.js';

/**
 * Bytes of git objects reachable from `positives` (evaluated in `cwd`; refs
 * may be for-each-ref patterns) and from no ref but `ownRefs` (globs too): what deleting those refs lets git's own gc free.
 * 0 when git cannot tell (git older than 2.38 has no --disk-usage).
 */
export async function bytesOnlyIn(cwd: string, positives: string[], ownRefs: string[]): Promise<number> {
  // Full ref names resolve in one for-each-ref (a measurement of 200 worktrees spawned one
  // rev-parse per ref); anything else (HEAD) by rev-parse.
  const refs = positives.filter((r) => r.startsWith('refs/'));
  const others = positives.filter((r) => !r.startsWith('refs/'));
  const existing: string[] = [];
  if (refs.length > 0) {
    const found = await git(cwd, ['for-each-ref', '--format=%(refname)', '--', ...refs], {
      allowFailure: true,
    });
    // Patterns (a workspace's snapshots, `refs/ff/archive/<id>-*`) expand to the refs they match.
    existing.push(...(found.code === 0 ? found.stdout.split('\n').filter(Boolean) : []));
  }
  for (const rev of others) {
    const found = await git(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
      allowFailure: true,
    });
    if (found.code === 0) existing.push(found.stdout.trim());
  }
  if (existing.length === 0) return 0;
  const excludeBranches = ownRefs
    .filter((r) => r.startsWith('refs/heads/'))
    .map((r) => `--exclude=${r.slice('refs/heads/'.length)}`);
  const excludeFf = ownRefs.filter((r) => r.startsWith('refs/ff/')).map((r) => `--exclude=${r}`);
  const result = await git(
    cwd,
    [
      'rev-list',
      '--objects',
      '--disk-usage',
      ...existing,
      '--not',
      ...excludeBranches,
      '--branches',
      '--tags',
      '--remotes',
      ...excludeFf,
      '--glob=refs/ff/*',
    ],
    { allowFailure: true, timeoutMs: 30_000 },
  );
  return result.code === 0 ? Number(result.stdout.trim()) || 0 : 0;
}
