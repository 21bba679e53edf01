import { lstat, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatBytes } from '../../shared/bytes.js';
import type { SkippedKind } from '../../shared/domain.js';
import { type FolderWalk, walkFolder } from './folder-walk.js';
import { git, gitText } from './git.js';

/**
 * What removing a worktree would lose — and so what its snapshot must hold
 * (snapshot-write.ts) and restore bring back (snapshot-restore.ts): tracked
 * changes, untracked files, ignored files within a size bound, empty
 * folders, and the repositories nested in it (a vendored clone, a
 * submodule) with their own work and commits. What a snapshot cannot hold
 * (over the bound, or unreadable) is `skipped`: it is never deleted unless
 * the user names it.
 */

export interface SkippedEntry {
  /** Relative to the worktree; a folder ends in `/`. */
  path: string;
  /** At least this many bytes (the walk stops once past the bound). */
  bytes: number;
  /** What it is: an ignored file or folder (the default), or a nested repository (and why it cannot be kept). */
  kind?: SkippedKind;
}

/** A git repository inside the worktree (nested at any depth), and what it holds. */
export interface NestedRepo {
  /** Relative to the top worktree, without a trailing `/`. */
  path: string;
  /** Its `.git` is a file (a submodule, or a worktree of a repository elsewhere), not a folder. */
  gitFile: boolean;
  /** Its git objects on disk: what a snapshot copies into the project's clone, at most. */
  objectsBytes: number;
  /** Its HEAD, or undefined when it has no commit yet. */
  head: string | undefined;
  branch: string | undefined;
  tracked: string[];
  untracked: string[];
  ignored: string[];
  /** Relative to its own top folder. */
  emptyDirs: string[];
  /** Commits on its branches, tags or HEAD that none of its remote-tracking refs hold. */
  localCommits: number;
  stashes: number;
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
  /** What a snapshot cannot hold: ignored entries and nested repositories over the size bound, unreadable repositories. */
  skipped: SkippedEntry[];
  /** Commits on HEAD that no origin ref holds. */
  unpushed: number;
  /** Commits on a detached HEAD that no branch, tag or remote ref holds. */
  detachedCommits: number;
  /** Folders with nothing in them (git keeps no folders, so the snapshot lists them). */
  emptyDirs: string[];
  /** Repositories nested in it, parents before the repositories nested in them. */
  nested: NestedRepo[];
}

/** A nested repository with something only it holds: changes, files, local commits or stashes. */
export function nestedHasWork(repo: NestedRepo): boolean {
  return (
    repo.tracked.length > 0 ||
    repo.untracked.length > 0 ||
    repo.ignored.length > 0 ||
    repo.localCommits > 0 ||
    repo.stashes > 0
  );
}

/** Anything in it that a snapshot would keep (skipped entries are not kept, so they do not count). */
export function inventoryHasWork(inventory: WorktreeInventory): boolean {
  return (
    inventory.tracked.length > 0 ||
    inventory.untracked.length > 0 ||
    inventory.ignored.length > 0 ||
    inventory.unpushed > 0 ||
    inventory.detachedCommits > 0 ||
    inventory.nested.some(nestedHasWork)
  );
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * One sentence naming what would be lost: "1 changed tracked file (README.md),
 * 1 ignored file (.env) and 2 unpushed commits". Lists at most `maxNames` names per kind.
 */
export function describeInventory(inventory: WorktreeInventory, maxNames = 5): string {
  const names = (list: string[]) =>
    list.length <= maxNames
      ? list.join(', ')
      : `${list.slice(0, maxNames).join(', ')} and ${list.length - maxNames} more`;
  const parts: string[] = [];
  if (inventory.tracked.length > 0)
    parts.push(`${count(inventory.tracked.length, 'changed tracked file')} (${names(inventory.tracked)})`);
  if (inventory.untracked.length > 0)
    parts.push(`${count(inventory.untracked.length, 'untracked file')} (${names(inventory.untracked)})`);
  if (inventory.ignored.length > 0)
    parts.push(
      `${count(inventory.ignored.length, 'ignored file or folder', 'ignored files or folders')} (${names(inventory.ignored)})`,
    );
  const nested = inventory.nested.filter(nestedHasWork);
  if (nested.length > 0)
    parts.push(
      `${count(nested.length, 'nested repository', 'nested repositories')} with work (${nested
        .slice(0, maxNames)
        .map((repo) => `${repo.path}: ${describeNestedWork(repo)}`)
        .join('; ')}${nested.length > maxNames ? ` and ${nested.length - maxNames} more` : ''})`,
    );
  if (inventory.detachedCommits > 0)
    parts.push(`${count(inventory.detachedCommits, 'commit')} on a detached HEAD that no branch holds`);
  if (inventory.unpushed > 0) parts.push(count(inventory.unpushed, 'unpushed commit'));
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** "2 commits no remote has, 1 changed file, 1 stash". */
function describeNestedWork(repo: NestedRepo): string {
  const parts: string[] = [];
  if (repo.localCommits > 0) parts.push(`${count(repo.localCommits, 'commit')} no remote has`);
  if (repo.tracked.length > 0) parts.push(count(repo.tracked.length, 'changed file'));
  if (repo.untracked.length > 0) parts.push(count(repo.untracked.length, 'untracked file'));
  if (repo.ignored.length > 0)
    parts.push(count(repo.ignored.length, 'ignored file or folder', 'ignored files or folders'));
  if (repo.stashes > 0) parts.push(count(repo.stashes, 'stash', 'stashes'));
  return parts.join(', ');
}

/** "node_modules/ (312 MB), vendor/big/ (nested repository, 1.2 GB)" */
export function describeSkipped(skipped: readonly SkippedEntry[]): string {
  return skipped
    .map((s) =>
      s.kind && s.kind !== 'ignored'
        ? `${s.path} (${s.kind}${s.bytes ? `, ${formatBytes(s.bytes)}` : ''})`
        : `${s.path} (${formatBytes(s.bytes)})`,
    )
    .join(', ');
}

/** Why what `skipped` names cannot be kept: "over the 100 MB snapshot limit; a shallow clone (…)". */
export function whyNotKept(skipped: readonly SkippedEntry[], snapshotIgnoredMaxMb: number): string {
  const kinds = new Set(skipped.map((s) => s.kind ?? 'ignored'));
  const reasons: string[] = [];
  if (kinds.has('ignored') || kinds.has('nested repository'))
    reasons.push(`over the ${snapshotIgnoredMaxMb} MB snapshot limit`);
  if (kinds.has('shallow repository'))
    reasons.push(
      'a shallow clone has commits whose parents are not there (`git fetch --unshallow` in it makes it whole)',
    );
  if (kinds.has('partial clone')) reasons.push('a partial clone has objects that are only on its remote');
  if (kinds.has('unreadable repository')) reasons.push('git cannot read it');
  return reasons.join('; ');
}

/**
 * Parses `git status --porcelain -z --untracked-files=all`: tracked paths with
 * changes, untracked paths, and untracked nested repositories (git lists them
 * as `dir/` instead of their files). A rename's entry is followed by its old
 * path, which is consumed (the old path's deletion is part of the same change).
 */
export function parseStatusZ(text: string): { tracked: string[]; untracked: string[]; repos: string[] } {
  const tracked: string[] = [];
  const untracked: string[] = [];
  const repos: string[] = [];
  const fields = text.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (field.length < 4) continue;
    const xy = field.slice(0, 2);
    const path = field.slice(3);
    if (xy === '??') (path.endsWith('/') ? repos : untracked).push(path);
    else if (xy !== '!!') tracked.push(path);
    if (xy[0] === 'R' || xy[0] === 'C' || xy[1] === 'R' || xy[1] === 'C') i++;
  }
  return { tracked, untracked, repos: repos.map((r) => r.slice(0, -1)) };
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

/** The paths of gitlinks (submodules, committed nested repositories) in `git ls-files --stage -z`. */
export function parseGitlinksZ(text: string): string[] {
  return text
    .split('\0')
    .filter((entry) => entry.startsWith('160000 '))
    .map((entry) => entry.slice(entry.indexOf('\t') + 1));
}

/**
 * Splits `git ls-files --stage --others -z`: index entries ("<mode> <oid> <stage>\t<path>")
 * and untracked paths (plain).
 */
export function splitStageAndOthersZ(text: string): { stage: string[]; others: string[] } {
  const stage: string[] = [];
  const others: string[] = [];
  for (const entry of text.split('\0').filter(Boolean))
    (/^[0-7]{6} [0-9a-f]{40}([0-9a-f]{24})? [0-3]\t/.test(entry) ? stage : others).push(entry);
  return { stage, others };
}

/** `git count-objects -v`: the bytes of loose objects, packs and garbage. */
export function parseCountObjects(text: string): number {
  let kib = 0;
  for (const line of text.split('\n')) {
    const match = /^(size|size-pack|size-garbage): (\d+)$/.exec(line.trim());
    if (match) kib += Number(match[2]);
  }
  return kib * 1024;
}

/** One repository's own part of an inventory (not what is nested in it), and where repositories nest in it. */
interface Level {
  head: string | undefined;
  branch: string | undefined;
  tracked: string[];
  untracked: string[];
  ignored: string[];
  skipped: SkippedEntry[];
  emptyDirs: string[];
  /** Relative to `dir`. */
  repos: string[];
}

async function inventoryLevel(dir: string, maxIgnoredBytes: number): Promise<Level> {
  const [{ head, branch }, status, ignoredOut, listed] = await Promise.all([
    headOf(dir),
    gitText(dir, ['status', '--porcelain', '-z', '--untracked-files=all']),
    gitText(dir, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']),
    // In one run: the index (its gitlinks are submodules) and untracked folders, empty ones
    // included (status never shows those).
    gitText(dir, ['ls-files', '--stage', '--others', '--exclude-standard', '--directory', '-z']),
  ]);
  const { stage, others } = splitStageAndOthersZ(listed);
  const { tracked, untracked, repos: untrackedRepos } = parseStatusZ(status);
  const repos = new Set(untrackedRepos);
  const emptyDirs: string[] = [];
  const found = (w: FolderWalk) => {
    for (const empty of w.emptyDirs) emptyDirs.push(relative(dir, empty));
    for (const repo of w.repos) repos.add(relative(dir, repo));
  };
  const ignored: string[] = [];
  const skipped: SkippedEntry[] = [];
  for (const entry of parseIgnoredZ(ignoredOut)) {
    const size = await walkFolder(join(dir, entry), { stopAbove: maxIgnoredBytes, stopAtRepos: true });
    if (size.bytes > maxIgnoredBytes) {
      skipped.push({ path: entry, bytes: size.bytes, kind: 'ignored' });
      continue;
    }
    ignored.push(entry);
    found(size);
  }
  for (const entry of others.filter((e) => e.endsWith('/') && !repos.has(e.slice(0, -1))))
    found(await walkFolder(join(dir, entry), { stopAtRepos: true }));
  for (const link of parseGitlinksZ(stage.join('\0'))) {
    // A submodule never initialized is an empty folder: nothing of it is here to lose.
    if (
      await lstat(join(dir, link, '.git')).then(
        () => true,
        () => false,
      )
    )
      repos.add(link);
  }
  return {
    head,
    branch,
    tracked,
    untracked,
    ignored,
    skipped,
    emptyDirs: [...new Set(emptyDirs)].sort(),
    repos: [...repos].filter(Boolean).sort(),
  };
}

/** HEAD's commit (undefined before the first) and the branch checked out (undefined when detached). */
async function headOf(dir: string): Promise<{ head: string | undefined; branch: string | undefined }> {
  // One git run for both in the usual case: "<commit>\nrefs/heads/<branch>" (or "HEAD" when detached).
  const both = await git(dir, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'], { allowFailure: true });
  const [head, name] = both.stdout.trim().split('\n');
  if (both.code === 0 && head && name)
    return { head, branch: name.startsWith('refs/heads/') ? name.slice('refs/heads/'.length) : undefined };
  // No commit yet: HEAD names the branch the first commit will make.
  const unborn = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFailure: true });
  return { head: undefined, branch: unborn.code === 0 ? unborn.stdout.trim() : undefined };
}

/** How many commits `revs` reach past `--not` ones; 0 when git cannot tell (no commits at all). */
async function countCommits(dir: string, args: string[]): Promise<number> {
  const out = await git(dir, ['rev-list', '--count', ...args], { allowFailure: true });
  return out.code === 0 ? Number(out.stdout.trim()) || 0 : 0;
}

/**
 * Lists what removing `worktree` would lose. Ignored entries over
 * `maxIgnoredBytes` are skipped; so are nested repositories whose git
 * objects are over it (the snapshot would copy them into the clone).
 */
export async function inventoryWorktree(
  worktree: string,
  maxIgnoredBytes: number,
): Promise<WorktreeInventory> {
  // Both counts start with the rest (one of them is for a detached HEAD): a round trip less than waiting for the branch.
  const [top, onBranch, onDetached] = await Promise.all([
    inventoryLevel(worktree, maxIgnoredBytes),
    countCommits(worktree, ['HEAD', '--not', '--remotes=origin']),
    countCommits(worktree, ['HEAD', '--not', '--branches', '--tags', '--remotes']),
  ]);
  if (!top.head) throw new Error(`${worktree} has no HEAD commit`);
  const branch = top.branch;
  const unpushed = branch ? onBranch : 0;
  const detachedCommits = branch ? 0 : onDetached;
  const skipped = [...top.skipped];
  const nested: NestedRepo[] = [];
  const queue = [...top.repos];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    const dir = join(worktree, path);
    const repo = await inventoryNested(dir, path, maxIgnoredBytes).catch(() => undefined);
    if (!repo) {
      skipped.push({ path: `${path}/`, bytes: 0, kind: 'unreadable repository' });
    } else if (repo.incomplete) {
      skipped.push({ path: `${path}/`, bytes: repo.nested.objectsBytes, kind: repo.incomplete });
    } else if (repo.nested.objectsBytes > maxIgnoredBytes) {
      skipped.push({ path: `${path}/`, bytes: repo.nested.objectsBytes, kind: 'nested repository' });
    } else {
      nested.push(repo.nested);
      skipped.push(...repo.skipped.map((s) => ({ ...s, path: `${path}/${s.path}` })));
      queue.push(...repo.repos.map((r) => `${path}/${r}`));
    }
  }
  return {
    head: top.head,
    branch,
    tracked: top.tracked,
    untracked: top.untracked,
    ignored: top.ignored,
    skipped,
    unpushed,
    detachedCommits,
    emptyDirs: top.emptyDirs,
    nested,
  };
}

async function inventoryNested(
  dir: string,
  path: string,
  maxIgnoredBytes: number,
): Promise<{
  nested: NestedRepo;
  skipped: SkippedEntry[];
  repos: string[];
  /** Its history is not all there, so it cannot be copied whole. */
  incomplete?: 'shallow repository' | 'partial clone';
}> {
  // A `.git` git cannot read there (an empty folder, a gitfile to nowhere) would make git find the repository around it.
  const top = await gitText(dir, ['rev-parse', '--show-toplevel']);
  if ((await realpath(top)) !== (await realpath(dir)))
    throw new Error(`${dir} is not a repository git can read`);
  const [level, objects, gitEntry, shallow, promisors] = await Promise.all([
    inventoryLevel(dir, maxIgnoredBytes),
    gitText(dir, ['count-objects', '-v']),
    lstat(join(dir, '.git')),
    gitText(dir, ['rev-parse', '--is-shallow-repository']),
    git(dir, ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$'], {
      allowFailure: true,
    }),
  ]);
  const incomplete =
    shallow === 'true' ? 'shallow repository' : promisors.stdout.trim() ? 'partial clone' : undefined;
  const [localCommits, stashes] = await Promise.all([
    countCommits(dir, ['--branches', '--tags', ...(level.head ? ['HEAD'] : []), '--not', '--remotes']),
    countCommits(dir, ['--walk-reflogs', 'refs/stash']),
  ]);
  return {
    nested: {
      path,
      gitFile: gitEntry.isFile(),
      objectsBytes: parseCountObjects(objects),
      head: level.head,
      branch: level.branch,
      tracked: level.tracked,
      untracked: level.untracked,
      ignored: level.ignored,
      emptyDirs: level.emptyDirs,
      localCommits,
      stashes,
    },
    skipped: level.skipped,
    repos: level.repos,
    ...(incomplete ? { incomplete } : {}),
  };
}
