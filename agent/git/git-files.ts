import { readFileSync, type Stats, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * git's own files read without running git: where a worktree's git dirs are,
 * whether a ref exists, and what a worktree's change summary depends on. A
 * process costs milliseconds of the agent's time to start; a stat costs a
 * microsecond. Whatever these cannot tell (a reftable repository, an
 * unreadable file) they say so, and callers ask git.
 */

/** Where git keeps a worktree's own files (HEAD, index) and the files all its worktrees share (refs). */
export interface GitDirs {
  gitDir: string;
  commonDir: string;
}

/** Pure: the folder a worktree's `.git` file points to (`gitdir: <path>`, relative to the worktree). */
export function parseGitFile(text: string, worktree: string): string | undefined {
  const line = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim();
  return line ? resolve(worktree, line) : undefined;
}

/** The git dirs of a clone or worktree at `path`; undefined when it has no readable `.git`. */
export function gitDirsOf(path: string): GitDirs | undefined {
  const dotGit = join(path, '.git');
  try {
    const gitDir = statSync(dotGit).isDirectory() ? dotGit : parseGitFile(readFileSync(dotGit, 'utf8'), path);
    if (!gitDir) return undefined;
    return { gitDir, commonDir: commonDirOf(gitDir) };
  } catch {
    // No .git (not a worktree, or gone): nothing to read.
    return undefined;
  }
}

function commonDirOf(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    // No commondir file: a clone's own .git, which is its common dir.
    return gitDir;
  }
}

/** Pure: whether a packed-refs file's text lists `ref` (`<sha> <ref>` lines; `^` lines peel tags). */
export function packedRefsList(text: string, ref: string): boolean {
  for (const line of text.split('\n')) {
    if (line.length > 41 && line[40] === ' ' && line.slice(41) === ref) return true;
  }
  return false;
}

/**
 * Whether `ref` (a full name, `refs/heads/x`) exists, read from the loose
 * ref file and packed-refs; undefined when the files cannot tell (a
 * reftable repository, an unreadable packed-refs): ask git then.
 */
export function refExistsInFiles(dirs: GitDirs, ref: string): boolean | undefined {
  if (statOf(join(dirs.commonDir, 'reftable'))) return undefined;
  if (statOf(join(dirs.commonDir, ref))?.isFile()) return true;
  try {
    return packedRefsList(readFileSync(join(dirs.commonDir, 'packed-refs'), 'utf8'), ref);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
}

/**
 * The files a worktree's change summary (dirty, untracked, ahead/behind its
 * base, unpushed) depends on — pure. Any git command that changes one of
 * those writes one of these: the worktree's HEAD, index or HEAD log (checkout,
 * add, commit, reset, merge), its branch's or base's ref, loose or packed
 * (commit, fetch, push), or the worktree folder itself (a file added or
 * removed at its top).
 */
export function summaryInputs(dirs: GitDirs, worktree: string, branch: string, base: string): string[] {
  return [
    worktree,
    join(dirs.gitDir, 'HEAD'),
    join(dirs.gitDir, 'index'),
    join(dirs.gitDir, 'logs', 'HEAD'),
    join(dirs.commonDir, 'packed-refs'),
    join(dirs.commonDir, 'refs', 'heads', branch),
    join(dirs.commonDir, 'refs', 'remotes', 'origin', branch),
    join(dirs.commonDir, 'refs', 'heads', base),
    join(dirs.commonDir, 'refs', 'remotes', 'origin', base),
  ];
}

/** The file's stats; undefined when there is none (or none git could use: a file where a folder should be). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    // ENOTDIR, EACCES: git cannot read a ref there either.
    return undefined;
  }
}

/** Pure: a stat as a short string; '-' for a missing file. Equal strings: unchanged, as far as stat tells. */
export function statText(stats: Pick<Stats, 'mtimeMs' | 'size' | 'ino'> | undefined): string {
  return stats ? `${stats.mtimeMs}:${stats.size}:${stats.ino}` : '-';
}

/**
 * The signature of each worktree's summary inputs: equal signatures, nothing
 * a summary depends on changed. Git dirs are read once per worktree (again
 * after its worktree went away). About 9 stats per worktree, ~1 µs each.
 */
export class WorktreeSignatures {
  readonly #dirs = new Map<string, GitDirs>();

  /** undefined: no worktree there (or no git one). */
  of(worktree: string, branch: string, base: string): string | undefined {
    const dirs = this.#dirs.get(worktree) ?? gitDirsOf(worktree);
    if (!dirs) return undefined;
    const stats = summaryInputs(dirs, worktree, branch, base).map((path) => statText(statOf(path)));
    // The worktree or its git dir is gone: read its .git again next time (it may come back elsewhere).
    if (stats[0] === '-' || stats[1] === '-') {
      this.#dirs.delete(worktree);
      return stats[0] === '-' ? undefined : stats.join('|');
    }
    this.#dirs.set(worktree, dirs);
    return stats.join('|');
  }

  forget(worktree: string): void {
    this.#dirs.delete(worktree);
  }
}
