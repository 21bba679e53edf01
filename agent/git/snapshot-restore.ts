import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git, gitBytes, gitText } from './git.js';
import type { NestedManifest } from './snapshot-manifest.js';
import { readManifest } from './snapshot-refs.js';
import { copyObjects } from './snapshot-write.js';
import { markMadeByFf } from './worktree.js';

/**
 * Recreates a worktree at `path` from a snapshot (snapshot-write.ts): HEAD
 * (on `branch`, or detached), the index as it was staged, every file the
 * snapshot holds, its empty folders, and each nested repository with its
 * refs, stash, config, index and files (a submodule's git folder back in
 * its enclosing repository's). Returns what it could not bring back (a
 * nested repository git refused), each with why; its objects stay on the
 * snapshot ref.
 */
export async function restoreWorktree(
  repo: string,
  path: string,
  snapshotCommit: string,
  branch: string | undefined,
  scratchRoot: string,
): Promise<string[]> {
  const head = await gitText(repo, ['rev-parse', '--verify', `${snapshotCommit}^1`]);
  const indexTree = await gitText(repo, ['rev-parse', '--verify', `${snapshotCommit}^2^{tree}`]);
  const manifest = await readManifest(repo, snapshotCommit);
  if (branch) {
    await git(repo, ['worktree', 'add', '--no-checkout', '--', path, branch]);
  } else {
    await git(repo, ['worktree', 'add', '--no-checkout', '--detach', '--', path, head]);
  }
  await markMadeByFf(path);
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(scratchRoot, 'restore-'));
  const problems: string[] = [];
  try {
    await restoreFiles(path, `${snapshotCommit}^{tree}`, indexTree, join(scratch, 'index'));
    for (const dir of manifest?.emptyDirs ?? []) mkdirSync(join(path, dir), { recursive: true });
    const meta = manifest ? await gitText(repo, ['rev-parse', '--verify', `${snapshotCommit}^3`]) : '';
    for (const [i, nested] of (manifest?.nested ?? []).entries()) {
      try {
        await restoreNested(repo, path, meta, nested, join(scratch, `index-${i}`));
      } catch (error) {
        problems.push(`${nested.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return problems;
}

/** Every file of `tree` written through a scratch index, then the real index set to `indexTree`. */
async function restoreFiles(
  dir: string,
  tree: string,
  indexTree: string,
  scratchIndex: string,
): Promise<void> {
  const env = { GIT_INDEX_FILE: scratchIndex };
  await git(dir, ['read-tree', tree], { env });
  await git(dir, ['checkout-index', '--all', '--force'], { env });
  await git(dir, ['read-tree', indexTree]);
  await git(dir, ['update-index', '-q', '--refresh'], { allowFailure: true });
}

/** Brings one nested repository back in the restored worktree `top` (its enclosing repository already back). */
async function restoreNested(
  clone: string,
  top: string,
  meta: string,
  nested: NestedManifest,
  scratchIndex: string,
): Promise<void> {
  const dir = join(top, nested.path);
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, '.git'))) throw new Error('a .git is already there');
  await git(dir, ['init', '-q']);
  await copyObjects(dir, clone, nested.keeper);
  const gitDir = await gitText(dir, ['rev-parse', '--absolute-git-dir']);
  if (nested.config) {
    const config = join(gitDir, 'config');
    writeFileSync(config, await gitBytes(clone, ['cat-file', 'blob', `${meta}:${nested.config}`]));
    // A submodule's config says where its worktree was from its old git folder (absorbing it writes that
    // anew); until that line is gone git refuses to run in it, so the file is edited from the clone.
    await git(clone, ['config', '--file', config, '--unset', 'core.worktree'], { allowFailure: true });
    await git(clone, ['config', '--file', config, 'core.bare', 'false']);
  }
  for (const ref of nested.refs) {
    if (ref.raw) {
      const bytes = await gitBytes(clone, ['cat-file', 'blob', `${meta}:${ref.raw}`]);
      const written = await gitText(dir, ['hash-object', '-w', '-t', 'tag', '--stdin'], { input: bytes });
      if (written !== ref.target)
        throw new Error(`tag ${ref.name} came back as ${written}, not ${ref.target}`);
    }
    await git(dir, ['update-ref', ref.name, ref.target]);
  }
  for (const symref of nested.symrefs) await git(dir, ['symbolic-ref', symref.name, symref.target]);
  // Oldest first: each entry becomes the stash's newest, with its message, as `git stash` made them.
  for (const entry of [...nested.stash].reverse())
    await git(dir, ['update-ref', '--create-reflog', '-m', entry.message, 'refs/stash', entry.commit]);
  if (nested.branch) await git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${nested.branch}`]);
  else if (nested.head) await git(dir, ['update-ref', '--no-deref', 'HEAD', nested.head]);
  await restoreFiles(dir, nested.tree, nested.indexTree, scratchIndex);
  for (const empty of nested.emptyDirs) mkdirSync(join(dir, empty), { recursive: true });
  if (nested.absorbed) {
    // Back where a submodule's git folder lives: its enclosing repository's `modules/`.
    const enclosing = await gitText(dirname(dir), ['rev-parse', '--show-toplevel']);
    await git(enclosing, ['submodule', 'absorbgitdirs', '--', dir.slice(enclosing.length + 1)]);
  }
}
