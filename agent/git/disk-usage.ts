import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.js';

/** How long a folder walk runs before it pauses, and the share of one core it may take. */
const WALK_SLICE_MS = 8;
const WALK_CPU_SHARE = 0.25;

export interface FolderBytes {
  bytes: number;
  entries: number;
  /** False when the walk stopped at `maxEntries`: the folder holds more. */
  complete: boolean;
}

/**
 * Bytes of the files under `path` (symbolic links not followed), walked in
 * slices of synchronous calls (a few µs a file, where a promise per file cost
 * ~45 µs) with pauses between them, so a 30k-file worktree takes ~0.1 s of
 * CPU spread over a second, at most `cpuShare` of a core and never a long
 * block of the event loop. Unreadable entries count as empty.
 */
export async function folderBytes(
  path: string,
  { maxEntries = Number.POSITIVE_INFINITY, sliceMs = WALK_SLICE_MS, cpuShare = WALK_CPU_SHARE } = {},
): Promise<FolderBytes> {
  let bytes = 0;
  let entries = 0;
  const folders: string[] = [];
  const root = lstatOrUndefined(path);
  if (!root) return { bytes: 0, entries: 0, complete: true };
  entries++;
  if (root.isDirectory()) folders.push(path);
  else bytes += root.size;
  while (folders.length > 0) {
    const started = performance.now();
    while (folders.length > 0 && performance.now() - started < sliceMs) {
      const folder = folders.pop()!;
      let children: Dirent[];
      try {
        children = readdirSync(folder, { withFileTypes: true });
      } catch {
        continue; // unreadable, or gone meanwhile: counted as empty
      }
      for (const child of children) {
        entries++;
        const childPath = join(folder, child.name);
        if (child.isDirectory()) folders.push(childPath);
        else bytes += lstatOrUndefined(childPath)?.size ?? 0;
        if (entries >= maxEntries) return { bytes, entries, complete: false };
      }
    }
    if (folders.length > 0) {
      const worked = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, (worked * (1 - cpuShare)) / cpuShare).unref());
    }
  }
  return { bytes, entries, complete: true };
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    // gone meanwhile, or unreadable
    return undefined;
  }
}

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
