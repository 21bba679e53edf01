import { chmod, lstat, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { GitError, git, gitText } from './git.js';
import { gitDirsOf, refExistsInFiles } from './git-files.js';
import { parseStatusZ } from './snapshot.js';

/** Git operations on a project clone and its worktrees. Every user-derived argument follows `--` or is validated. */

/** The top folder of the repository `path` is in, or undefined when it is in none. */
export async function repoTopLevel(path: string): Promise<string | undefined> {
  // git cannot even start in a path that is a file, not a folder (ENOTDIR): no repository there either.
  const result = await git(path, ['rev-parse', '--show-toplevel'], { allowFailure: true }).catch(
    () => undefined,
  );
  return result && result.code === 0 ? result.stdout.trim() : undefined;
}

/** The URL as configured (`remote get-url` would apply insteadOf rewrites, hiding the GitHub URL). */
export async function originUrl(repo: string): Promise<string | undefined> {
  const result = await git(repo, ['config', '--get', 'remote.origin.url'], { allowFailure: true });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** origin's HEAD (what GitHub calls the default branch), else main, else master. */
export async function detectDefaultBranch(repo: string): Promise<string> {
  const head = await git(repo, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], {
    allowFailure: true,
  });
  if (head.code === 0 && head.stdout.trim().startsWith('origin/'))
    return head.stdout.trim().slice('origin/'.length);
  for (const candidate of ['main', 'master']) {
    if (await refExists(repo, `refs/remotes/origin/${candidate}`)) return candidate;
    if (await refExists(repo, `refs/heads/${candidate}`)) return candidate;
  }
  return 'main';
}

export async function refExists(repo: string, ref: string): Promise<boolean> {
  return (await git(repo, ['show-ref', '--verify', '--quiet', ref], { allowFailure: true })).code === 0;
}

/**
 * Whether `ref` exists in `repo`: read from git's ref files when they can
 * tell (no process: a new workspace's branch is checked on the way to its
 * answer), else asked of git.
 */
export async function refExistsFast(repo: string, ref: string): Promise<boolean> {
  const dirs = gitDirsOf(repo);
  return (dirs && refExistsInFiles(dirs, ref)) ?? (await refExists(repo, ref));
}

export async function commitExists(repo: string, commit: string): Promise<boolean> {
  return (await git(repo, ['cat-file', '-e', `${commit}^{commit}`], { allowFailure: true })).code === 0;
}

export async function isValidBranchName(repo: string, name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  return (await git(repo, ['check-ref-format', '--branch', name], { allowFailure: true })).code === 0;
}

/** Updates origin/<base>; throws GitError when origin is unreachable. */
export async function fetchBranch(repo: string, base: string): Promise<void> {
  await git(repo, ['fetch', '--no-tags', 'origin', '--', `+refs/heads/${base}:refs/remotes/origin/${base}`], {
    timeoutMs: 60_000,
  });
}

/** Fetches one refspec from origin (an adopted PR's head: its branch, or a fork's refs/pull/<n>/head). */
export async function fetchRefspec(repo: string, refspec: string): Promise<void> {
  await git(repo, ['fetch', '--no-tags', 'origin', '--', refspec], { timeoutMs: 60_000 });
}

/**
 * Creates the worktree at `path` on `branch`: a new branch from `startPoint`
 * (without tracking it — the branch pushes to its own name), or the existing
 * branch when a previous attempt already made it. True when it created the branch.
 */
export async function addWorktree(
  repo: string,
  path: string,
  branch: string,
  startPoint: string,
): Promise<boolean> {
  const created = await git(repo, ['worktree', 'add', '--no-track', '-b', branch, '--', path, startPoint], {
    allowFailure: true,
  });
  if (created.code === 0) {
    await markMadeByFf(path);
    return true;
  }
  if (!(await refExists(repo, `refs/heads/${branch}`)))
    throw new GitError(['worktree', 'add'], created.code, created.stderr);
  await addWorktreeOnBranch(repo, path, branch);
  return false;
}

/** A worktree at `path` with the existing `branch` checked out, as it is. */
export async function addWorktreeOnBranch(repo: string, path: string, branch: string): Promise<void> {
  await git(repo, ['worktree', 'add', '--', path, branch]);
  await markMadeByFf(path);
}

/**
 * The mark ff leaves in the git folder of each worktree it makes (not among
 * its files): `gc` removes an orphan worktree only when it carries it, never
 * one a user made by hand under ff's worktree root.
 */
const MADE_BY_FF = 'ff-made';

export async function markMadeByFf(worktree: string): Promise<void> {
  const gitDir =
    (await worktreeGitDir(worktree)) ?? (await gitText(worktree, ['rev-parse', '--absolute-git-dir']));
  await writeFile(join(gitDir, MADE_BY_FF), 'This worktree was made by ff-agent.\n');
}

/** The worktree carries ff's mark. */
export async function madeByFf(worktree: string): Promise<boolean> {
  const gitDir = await worktreeGitDir(worktree);
  return (
    gitDir !== undefined &&
    (await lstat(join(gitDir, MADE_BY_FF)).then(
      () => true,
      () => false,
    ))
  );
}

/** A linked worktree's git folder, read from its `.git` file (without starting git). */
async function worktreeGitDir(worktree: string): Promise<string | undefined> {
  const text = await readFile(join(worktree, '.git'), 'utf8').catch(() => '');
  const pointer = text.match(/^gitdir: (.*)$/m)?.[1]?.trim();
  return pointer ? (isAbsolute(pointer) ? pointer : resolve(worktree, pointer)) : undefined;
}

/** Where a worktree goes to be deleted: beside it (one file system, so one rename), hidden, named after it. Pure. */
export function trashPathFor(path: string, suffix: string): string {
  return join(dirname(path), `.ff-removing-${basename(path)}-${suffix}`);
}

/**
 * Moves a worktree aside in one rename, so a crash leaves it whole either
 * where it was or at `trash`. False when the system cannot rename it there
 * (another file system, a mount point, a folder in use on Windows).
 */
export async function moveAside(path: string, trash: string): Promise<boolean> {
  try {
    await rename(path, trash);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV' || code === 'EBUSY' || code === 'EPERM') return false;
    throw error;
  }
}

/** Deletes a folder and everything in it, read-only folders included (which a plain recursive rm cannot empty). */
export async function deleteTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    await makeWritable(path);
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function makeWritable(path: string): Promise<void> {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats?.isDirectory()) return;
  await chmod(path, 0o700).catch(() => {});
  for (const name of await readdir(path).catch(() => [])) await makeWritable(join(path, name));
}

export async function pruneWorktrees(repo: string): Promise<void> {
  await git(repo, ['worktree', 'prune']);
}

export interface WorktreeEntry {
  path: string;
  head?: string;
  branch?: string;
}

/** Parses `git worktree list --porcelain`. */
export function parseWorktreeList(porcelain: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const line of porcelain.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length) };
      entries.push(current);
    } else if (current && line.startsWith('HEAD ')) {
      current.head = line.slice('HEAD '.length);
    } else if (current && line.startsWith('branch ')) {
      current.branch = line.slice('branch '.length).replace(/^refs\/heads\//, '');
    }
  }
  return entries;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await gitText(repo, ['worktree', 'list', '--porcelain']));
}

export interface NumstatTotals {
  files: number;
  additions: number;
  deletions: number;
}

/** Sums `git diff --numstat` output; binary files count as changed with no lines. */
export function parseNumstat(text: string): NumstatTotals {
  const totals = { files: 0, additions: 0, deletions: 0 };
  for (const line of text.split('\n')) {
    const match = /^(\d+|-)\t(\d+|-)\t/.exec(line);
    if (!match) continue;
    totals.files++;
    if (match[1] !== '-') totals.additions += Number(match[1]);
    if (match[2] !== '-') totals.deletions += Number(match[2]);
  }
  return totals;
}

export interface ChangeSummary extends NumstatTotals {
  ahead: number;
  behind: number;
  /** Uncommitted changes, including untracked files. */
  dirty: boolean;
  /** Commits on the branch that no origin ref contains. */
  unpushed: number;
}

/** The ref to compare against: origin/<base> when it exists, else the local base. */
export async function baseRefFor(repo: string, base: string): Promise<string> {
  return (await refExistsFast(repo, `refs/remotes/origin/${base}`)) ? `origin/${base}` : base;
}

/** What a workspace has changed against `baseRef`: four git processes after the merge base. */
export async function changeSummary(worktree: string, baseRef: string): Promise<ChangeSummary> {
  const mergeBase = await gitText(worktree, ['merge-base', 'HEAD', baseRef]);
  const [numstat, counts, status, unpushed] = await Promise.all([
    // diff-index, not diff: diff rewrites the index when it finds files touched but unchanged (even with
    // GIT_OPTIONAL_LOCKS=0), which would change the signature this summary is kept under (git-files.ts).
    gitText(worktree, ['diff-index', '--numstat', '--no-renames', mergeBase, '--']),
    gitText(worktree, ['rev-list', '--left-right', '--count', `${baseRef}...HEAD`]),
    // One status for both "dirty" and the untracked files (ls-files --others listed them apart).
    git(worktree, ['status', '--porcelain', '-z', '--untracked-files=all']),
    gitText(worktree, ['rev-list', '--count', 'HEAD', '--not', '--remotes=origin']),
  ]);
  const totals = parseNumstat(numstat);
  const [behind = 0, ahead = 0] = counts.split(/\s+/).map(Number);
  return {
    files: totals.files + parseStatusZ(status.stdout).untracked.length,
    additions: totals.additions,
    deletions: totals.deletions,
    ahead,
    behind,
    dirty: status.stdout.length > 0,
    unpushed: Number(unpushed) || 0,
  };
}

async function untrackedFiles(worktree: string): Promise<string[]> {
  const out = await gitText(worktree, ['ls-files', '--others', '--exclude-standard', '-z']);
  return out.split('\0').filter(Boolean);
}

export interface WorktreeDiff {
  base: string;
  diff: string;
  truncated: boolean;
}

/**
 * The worktree (committed, staged, unstaged and untracked files) against the
 * merge base with `baseRef`, as a unified diff of at most `maxBytes`.
 */
export async function worktreeDiff(
  worktree: string,
  baseRef: string,
  maxBytes: number,
): Promise<WorktreeDiff> {
  const mergeBase = await gitText(worktree, ['merge-base', 'HEAD', baseRef]);
  const flags = ['--no-color', '--no-ext-diff', '--no-textconv'];
  let diff = (await git(worktree, ['diff', ...flags, mergeBase, '--'])).stdout;
  for (const file of await untrackedFiles(worktree)) {
    if (diff.length > maxBytes) break;
    // `git diff --no-index` exits 1 when the files differ, which is the point.
    const result = await git(worktree, ['diff', ...flags, '--no-index', '--', '/dev/null', file], {
      allowFailure: true,
    });
    diff += result.stdout;
  }
  const truncated = Buffer.byteLength(diff) > maxBytes;
  if (truncated) {
    diff = Buffer.from(diff).subarray(0, maxBytes).toString('utf8');
    diff = diff.slice(0, diff.lastIndexOf('\n') + 1);
  }
  return { base: mergeBase, diff, truncated };
}
