import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readFile, readlink, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ignore from 'ignore';
import type { IncludedFiles } from '../../shared/domain.js';
import { git } from '../git/git.js';

/**
 * `.worktreeinclude`: the gitignored files (a `.env`, local config) a new
 * workspace gets from the main clone, named in gitignore syntax — the file
 * Claude Code and Conductor read. Only files git ignores are taken: a tracked
 * or merely untracked file matching a pattern is not. Large files are
 * reflinked where the filesystem can, hard-linked where it cannot, copied
 * otherwise; small ones are reflinked or copied, never hard-linked (an editor
 * writing a hard-linked `.env` in place would change the main clone's too).
 */

export const WORKTREE_INCLUDE = '.worktreeinclude';
/** From this size a file may be hard-linked when it cannot be reflinked. */
export const LARGE_FILE_BYTES = 1024 * 1024;
/** The record lists at most this many files (a whole `node_modules/` may be included); the totals count all. */
export const MAX_LISTED_INCLUDES = 100;

/**
 * The ignored paths (from `git ls-files --others --ignored --exclude-standard -z`)
 * that `.worktreeinclude`'s patterns select, in git's gitignore semantics
 * (negation, anchoring, `**`, a folder pattern taking what is inside). Pure.
 */
export function selectIncluded(includeText: string, ignoredPaths: readonly string[]): string[] {
  const patterns = ignore().add(includeText);
  return ignoredPaths.filter((path) => path !== '' && patterns.ignores(path));
}

/** The NUL-separated paths git prints with `-z`. Pure. */
export function splitNul(text: string): string[] {
  return text.split('\0').filter((path) => path !== '');
}

/** What the record keeps of the files copied: the first ones listed, all counted. Pure. */
export function summarizeIncluded(copied: IncludedFiles['files']): IncludedFiles {
  return {
    files: copied.slice(0, MAX_LISTED_INCLUDES),
    count: copied.length,
    bytes: copied.reduce((sum, file) => sum + file.bytes, 0),
  };
}

/**
 * Copies the main clone's gitignored files that its `.worktreeinclude` names into
 * the new worktree. Undefined when the clone has no `.worktreeinclude`. A file
 * already in the worktree is left as it is.
 */
export async function copyIncludedFiles(clone: string, worktree: string): Promise<IncludedFiles | undefined> {
  let includeText: string;
  try {
    includeText = await readFile(join(clone, WORKTREE_INCLUDE), 'utf8');
  } catch {
    return undefined;
  }
  // git's own matcher says what is ignored (nested .gitignore files, info/exclude, the global excludes).
  const listed = await git(clone, ['ls-files', '--others', '--ignored', '--exclude-standard', '-z']);
  const copied: IncludedFiles['files'] = [];
  for (const path of selectIncluded(includeText, splitNul(listed.stdout))) {
    const done = await copyOne(join(clone, path), join(worktree, path));
    if (done) copied.push({ path, ...done });
  }
  return summarizeIncluded(copied);
}

type How = IncludedFiles['files'][number]['how'];

async function copyOne(from: string, to: string): Promise<{ how: How; bytes: number } | undefined> {
  const stat = await lstat(from);
  await mkdir(dirname(to), { recursive: true });
  try {
    if (stat.isSymbolicLink()) {
      await symlink(await readlink(from), to);
      return { how: 'copy', bytes: 0 };
    }
    if (!stat.isFile()) return undefined;
    try {
      await copyFile(from, to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
      return { how: 'reflink', bytes: stat.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    }
    if (stat.size >= LARGE_FILE_BYTES) {
      try {
        await link(from, to);
        return { how: 'hardlink', bytes: stat.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
      }
    }
    await copyFile(from, to, constants.COPYFILE_EXCL);
    return { how: 'copy', bytes: stat.size };
  } catch (error) {
    // The branch has this file already (tracked there, or made by a retry): it stays as it is.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
}
