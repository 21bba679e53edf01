import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { formatBytes } from '../../shared/bytes.js';
import { git, gitText } from './git.js';

/**
 * Snapshots of a worktree before ff removes it, and their restore.
 *
 * A snapshot is a commit shaped like `git stash`'s: its tree is the whole
 * worktree (tracked changes, untracked files and ignored files within a size
 * bound), its first parent is HEAD, its second a commit of the index. It is
 * built in a scratch index (GIT_INDEX_FILE), so the user's index, HEAD and
 * files are never touched, and kept on `refs/ff/archive/<name>`; a detached
 * HEAD also gets `refs/ff/archive-head/<name>`.
 */

export const ARCHIVE_REF_PREFIX = 'refs/ff/archive/';
export const ARCHIVE_HEAD_REF_PREFIX = 'refs/ff/archive-head/';

export const archiveRef = (name: string) => `${ARCHIVE_REF_PREFIX}${name}`;
export const archiveHeadRef = (name: string) => `${ARCHIVE_HEAD_REF_PREFIX}${name}`;

/** Every snapshot ref (`refs/ff/archive/*`) of `repo`, with when its commit was made (ms since the epoch). */
export async function listSnapshotRefs(repo: string): Promise<Array<{ ref: string; at: number }>> {
  return parseRefTimes(
    await gitText(repo, ['for-each-ref', '--format=%(refname)%09%(committerdate:unix)', ARCHIVE_REF_PREFIX]),
  );
}

/** Parses `git for-each-ref --format=%(refname)%09%(committerdate:unix)`. */
export function parseRefTimes(text: string): Array<{ ref: string; at: number }> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', unix = '0'] = line.split('\t');
      return { ref, at: Number(unix) * 1000 };
    });
}

/** Deletes refs (a snapshot's, once past its retention); what they alone held goes at git's next gc. */
export async function deleteRefs(repo: string, refs: readonly string[]): Promise<void> {
  for (const ref of refs) await git(repo, ['update-ref', '-d', ref]);
}

/** Snapshot commits are ff's own: a fixed identity, so they work without a configured user. */
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'ff-agent',
  GIT_AUTHOR_EMAIL: 'ff-agent@localhost',
  GIT_COMMITTER_NAME: 'ff-agent',
  GIT_COMMITTER_EMAIL: 'ff-agent@localhost',
};

export interface SkippedEntry {
  path: string;
  /** At least this many bytes (the walk stops once past the bound). */
  bytes: number;
}

/** What removing a worktree would lose, and so what a snapshot keeps. */
export interface WorktreeInventory {
  head: string;
  /** The branch checked out, or undefined for a detached HEAD. */
  branch: string | undefined;
  /** Tracked files with staged or unstaged changes (added, modified, deleted, renamed). */
  tracked: string[];
  untracked: string[];
  /** Ignored files and folders (folders end in `/`) within the size bound. */
  ignored: string[];
  /** Ignored files and folders over the size bound: not snapshotted. */
  skipped: SkippedEntry[];
  /** Commits on HEAD that no origin ref holds. */
  unpushed: number;
  /** Commits on a detached HEAD that no branch, tag or remote ref holds. */
  detachedCommits: number;
}

/** Anything in it that a snapshot would keep (skipped folders are not kept, so they do not count). */
export function inventoryHasWork(inventory: WorktreeInventory): boolean {
  return (
    inventory.tracked.length > 0 ||
    inventory.untracked.length > 0 ||
    inventory.ignored.length > 0 ||
    inventory.unpushed > 0 ||
    inventory.detachedCommits > 0
  );
}

/**
 * One sentence naming what would be lost: "1 changed tracked file (README.md),
 * 1 ignored file (.env) and 2 unpushed commits". Lists at most `maxNames` names per kind.
 */
export function describeInventory(inventory: WorktreeInventory, maxNames = 5): string {
  const names = (list: string[]) =>
    list.length <= maxNames
      ? list.join(', ')
      : `${list.slice(0, maxNames).join(', ')} and ${list.length - maxNames} more`;
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const parts: string[] = [];
  if (inventory.tracked.length > 0)
    parts.push(`${count(inventory.tracked.length, 'changed tracked file')} (${names(inventory.tracked)})`);
  if (inventory.untracked.length > 0)
    parts.push(`${count(inventory.untracked.length, 'untracked file')} (${names(inventory.untracked)})`);
  if (inventory.ignored.length > 0)
    parts.push(
      `${count(inventory.ignored.length, 'ignored file or folder', 'ignored files or folders')} (${names(inventory.ignored)})`,
    );
  if (inventory.detachedCommits > 0)
    parts.push(`${count(inventory.detachedCommits, 'commit')} on a detached HEAD that no branch holds`);
  if (inventory.unpushed > 0) parts.push(count(inventory.unpushed, 'unpushed commit'));
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** "node_modules/ (312 MB), dist/ (120 MB)" */
export function describeSkipped(skipped: readonly SkippedEntry[]): string {
  return skipped.map((s) => `${s.path} (${formatBytes(s.bytes)})`).join(', ');
}

/**
 * Parses `git status --porcelain -z --untracked-files=all`: tracked paths with
 * changes, and untracked paths. A rename's entry is followed by its old path,
 * which is consumed (the old path's deletion is part of the same change).
 */
export function parseStatusZ(text: string): { tracked: string[]; untracked: string[] } {
  const tracked: string[] = [];
  const untracked: string[] = [];
  const fields = text.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (field.length < 4) continue;
    const xy = field.slice(0, 2);
    const path = field.slice(3);
    if (xy === '??') untracked.push(path);
    else if (xy !== '!!') tracked.push(path);
    if (xy[0] === 'R' || xy[0] === 'C' || xy[1] === 'R' || xy[1] === 'C') i++;
  }
  return { tracked, untracked };
}

/**
 * Parses `git ls-files --others --ignored --exclude-standard --directory -z`.
 * git lists a wholly ignored folder as `dir/` and may list files inside it
 * too; those are dropped, so each ignored thing appears once.
 */
export function parseIgnoredZ(text: string): string[] {
  const entries = [...new Set(text.split('\0').filter(Boolean))].sort();
  const dirs = entries.filter((e) => e.endsWith('/'));
  return entries.filter((entry) => !dirs.some((dir) => dir !== entry && entry.startsWith(dir)));
}

/**
 * Bytes under `path` (a file or a folder, symlinks not followed), walking
 * asynchronously and stopping once past `stopAbove` or `maxEntries`.
 */
export async function measure(
  path: string,
  stopAbove = Number.POSITIVE_INFINITY,
  maxEntries = 500_000,
): Promise<{ bytes: number; entries: number; complete: boolean }> {
  let bytes = 0;
  let entries = 0;
  const stack = [path];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let stats: Awaited<ReturnType<typeof lstat>>;
    try {
      stats = await lstat(current);
    } catch {
      continue; // gone meanwhile, or unreadable
    }
    entries++;
    if (stats.isDirectory()) {
      try {
        const dir = await opendir(current);
        for await (const entry of dir) stack.push(join(current, entry.name));
      } catch {
        // unreadable folder: counted as empty
      }
    } else {
      bytes += stats.size;
    }
    if (bytes > stopAbove || entries >= maxEntries) return { bytes, entries, complete: false };
  }
  return { bytes, entries, complete: true };
}

/** Lists what removing `worktree` would lose. Ignored entries over `maxIgnoredBytes` are skipped. */
export async function inventoryWorktree(
  worktree: string,
  maxIgnoredBytes: number,
): Promise<WorktreeInventory> {
  const [head, branchOut, status, ignoredOut] = await Promise.all([
    gitText(worktree, ['rev-parse', '--verify', 'HEAD']),
    git(worktree, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFailure: true }),
    gitText(worktree, ['status', '--porcelain', '-z', '--untracked-files=all']),
    gitText(worktree, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']),
  ]);
  const branch = branchOut.code === 0 ? branchOut.stdout.trim() : undefined;
  const { tracked, untracked } = parseStatusZ(status);
  const ignored: string[] = [];
  const skipped: SkippedEntry[] = [];
  for (const entry of parseIgnoredZ(ignoredOut)) {
    const size = await measure(join(worktree, entry), maxIgnoredBytes);
    if (size.bytes > maxIgnoredBytes) skipped.push({ path: entry, bytes: size.bytes });
    else ignored.push(entry);
  }
  const unpushed = Number(
    await gitText(worktree, ['rev-list', '--count', 'HEAD', '--not', '--remotes=origin']),
  );
  const detachedCommits = branch
    ? 0
    : Number(
        await gitText(worktree, [
          'rev-list',
          '--count',
          'HEAD',
          '--not',
          '--branches',
          '--tags',
          '--remotes',
        ]),
      );
  return {
    head,
    branch,
    tracked,
    untracked,
    ignored,
    skipped,
    unpushed: branch ? unpushed || 0 : 0,
    detachedCommits: detachedCommits || 0,
  };
}

export interface Snapshot {
  ref: string;
  commit: string;
  /** Set when HEAD was detached: the ref that keeps its commits. */
  headRef?: string;
}

/**
 * Commits everything in `worktree` (as `inventory` found it) onto
 * `refs/ff/archive/<name>` without touching the user's index, HEAD or files.
 */
export async function snapshotWorktree(
  worktree: string,
  name: string,
  inventory: WorktreeInventory,
  message: string,
): Promise<Snapshot> {
  const scratch = mkdtempSync(join(tmpdir(), 'ff-snapshot-'));
  try {
    const index = join(scratch, 'index');
    let realIndex = await gitText(worktree, ['rev-parse', '--git-path', 'index']);
    if (!isAbsolute(realIndex)) realIndex = join(worktree, realIndex);
    if (existsSync(realIndex)) copyFileSync(realIndex, index);
    const env = { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: '1', ...SNAPSHOT_IDENTITY };
    // The index as the user staged it (HEAD's tree when it holds a conflict, which write-tree refuses).
    const staged = await git(worktree, ['write-tree'], { env, allowFailure: true });
    const indexTree =
      staged.code === 0 ? staged.stdout.trim() : await gitText(worktree, ['rev-parse', 'HEAD^{tree}']);
    if (staged.code !== 0) await git(worktree, ['read-tree', 'HEAD'], { env });
    await git(worktree, ['add', '--all'], { env });
    if (inventory.ignored.length > 0) {
      const list = join(scratch, 'ignored');
      writeFileSync(list, `${inventory.ignored.map((e) => e.replace(/\/$/, '')).join('\0')}\0`);
      await git(worktree, ['add', '--force', '--pathspec-from-file', list, '--pathspec-file-nul'], { env });
    }
    const fullTree = (await git(worktree, ['write-tree'], { env })).stdout.trim();
    const indexCommit = (
      await git(worktree, ['commit-tree', indexTree, '-p', inventory.head, '-m', `index of ${message}`], {
        env,
      })
    ).stdout.trim();
    const commit = (
      await git(
        worktree,
        [
          'commit-tree',
          fullTree,
          '-p',
          inventory.head,
          '-p',
          indexCommit,
          '-m',
          snapshotMessage(message, inventory),
        ],
        { env },
      )
    ).stdout.trim();
    const ref = archiveRef(name);
    await git(worktree, ['update-ref', '--create-reflog', '-m', message, ref, commit]);
    const snapshot: Snapshot = { ref, commit };
    if (!inventory.branch) {
      const headRef = archiveHeadRef(name);
      await git(worktree, ['update-ref', '--create-reflog', '-m', message, headRef, inventory.head]);
      snapshot.headRef = headRef;
    }
    return snapshot;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The snapshot commit's message: a subject, then what it holds, readable with `git log`. */
function snapshotMessage(subject: string, inventory: WorktreeInventory): string {
  const lines = [subject, ''];
  lines.push(inventory.branch ? `branch: ${inventory.branch}` : `detached at ${inventory.head}`);
  lines.push(
    `tracked changes: ${inventory.tracked.length}, untracked: ${inventory.untracked.length}, ignored: ${inventory.ignored.length}`,
  );
  for (const skip of inventory.skipped)
    lines.push(`skipped (too big): ${skip.path} (${formatBytes(skip.bytes)})`);
  return `${lines.join('\n')}\n`;
}

/**
 * Recreates a worktree at `path` from a snapshot: HEAD (on `branch`, or
 * detached), the index as it was staged, and every file the snapshot holds.
 */
export async function restoreWorktree(
  repo: string,
  path: string,
  snapshotCommit: string,
  branch: string | undefined,
): Promise<void> {
  const head = await gitText(repo, ['rev-parse', '--verify', `${snapshotCommit}^1`]);
  const indexTree = await gitText(repo, ['rev-parse', '--verify', `${snapshotCommit}^2^{tree}`]);
  if (branch) {
    await git(repo, ['worktree', 'add', '--no-checkout', '--', path, branch]);
  } else {
    await git(repo, ['worktree', 'add', '--no-checkout', '--detach', '--', path, head]);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'ff-restore-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    // Every file of the snapshot, written through a scratch index…
    await git(path, ['read-tree', `${snapshotCommit}^{tree}`], { env });
    await git(path, ['checkout-index', '--all', '--force'], { env });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // …then the real index as it was staged.
  await git(path, ['read-tree', indexTree]);
  await git(path, ['update-index', '-q', '--refresh'], { allowFailure: true });
}
