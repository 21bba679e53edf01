import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { formatBytes } from '../../shared/bytes.js';
import { faultPoint } from '../fault-point.js';
import { git, gitBytes, gitText } from './git.js';
import type { NestedRepo, WorktreeInventory } from './snapshot.js';
import { MANIFEST_FILE, type NestedManifest, type SnapshotManifest } from './snapshot-manifest.js';
import {
  ARCHIVE_REF_PREFIX,
  archiveHeadRef,
  createRef,
  createSnapshotRef,
  snapshotRefsOf,
} from './snapshot-refs.js';

/**
 * Writes a snapshot of a worktree: a commit shaped like `git stash`'s — its
 * tree is the whole worktree (tracked changes, untracked files and ignored
 * files within the size bound), its first parent HEAD, its second a commit
 * of the index — plus a third parent holding what git alone would not keep
 * (snapshot-manifest.ts): empty folders, and each nested repository's work,
 * refs, stash and config, its objects copied into the project's clone. It
 * is built in scratch indexes (GIT_INDEX_FILE), so no index, HEAD or file
 * of the user's is touched, and goes on a new ref of its own (snapshot-refs.ts).
 */

/** Snapshot commits are ff's own: a fixed identity, so they work without a configured user. */
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'ff-agent',
  GIT_AUTHOR_EMAIL: 'ff-agent@localhost',
  GIT_COMMITTER_NAME: 'ff-agent',
  GIT_COMMITTER_EMAIL: 'ff-agent@localhost',
};

export interface SnapshotTarget {
  /** The project's clone: the ref goes there, and nested repositories' objects. */
  repo: string;
  /** The snapshot's name: a workspace id, or `orphan-<hash>` (snapshot-refs.ts). */
  base: string;
  /** Where scratch indexes go: under ff's home, emptied when the agent starts. */
  scratchRoot: string;
}

export interface Snapshot {
  ref: string;
  commit: string;
  /** Set when HEAD was detached: the ref that keeps its commits. */
  headRef?: string;
  /** The nested repositories it holds. */
  nested: string[];
}

/**
 * Commits everything in `worktree` (as `inventory` found it) onto a new
 * snapshot ref of `target.base` without touching the user's index, HEAD or files.
 */
export async function snapshotWorktree(
  worktree: string,
  target: SnapshotTarget,
  inventory: WorktreeInventory,
  message: string,
  skipped: WorktreeInventory['skipped'] = inventory.skipped,
): Promise<Snapshot> {
  // Listed meanwhile, to name the new ref; git still refuses to write over one that turns up since.
  const known = snapshotRefsOf(target.repo, target.base).catch(() => undefined);
  mkdirSync(target.scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(target.scratchRoot, 'snapshot-'));
  try {
    const top = await commitWorkingState(
      worktree,
      inventory.head,
      inventory.ignored,
      scratch,
      'top',
      message,
    );
    faultPoint('snapshot:scratch-written');
    const meta: MetaEntry[] = [];
    const nested: NestedManifest[] = [];
    for (const [i, repo] of inventory.nested.entries())
      nested.push(await keepNested(worktree, repo, i, target.repo, scratch, meta, message));
    const parents = [inventory.head, top.indexCommit];
    // The third parent only when there is something git alone would not keep: a snapshot of plain files
    // is a stash-shaped commit of two parents (three git runs fewer, and what ff wrote before manifests).
    if (nested.length > 0 || inventory.emptyDirs.length > 0) {
      const manifest: SnapshotManifest = {
        version: 1,
        head: inventory.head,
        ...(inventory.branch ? { branch: inventory.branch } : {}),
        tracked: inventory.tracked.length,
        untracked: inventory.untracked.length,
        ignored: inventory.ignored.length,
        skipped,
        emptyDirs: inventory.emptyDirs,
        nested,
      };
      meta.push({
        name: MANIFEST_FILE,
        blob: await writeBlob(target.repo, `${JSON.stringify(manifest, null, 1)}\n`),
      });
      parents.push(
        await commitTree(
          target.repo,
          await makeTree(target.repo, meta),
          [...new Set(nested.map((n) => n.keeper))],
          `metadata of ${message}\n\nWhat git alone does not keep: empty folders, nested repositories (${MANIFEST_FILE}).\n`,
        ),
      );
    }
    const commit = await commitTree(
      target.repo,
      top.tree,
      parents,
      snapshotMessage(message, inventory, skipped),
    );
    const ref = await createSnapshotRef(target.repo, target.base, commit, message, await known);
    const snapshot: Snapshot = { ref, commit, nested: nested.map((n) => n.path) };
    if (!inventory.branch) {
      const headRef = archiveHeadRef(ref.slice(ARCHIVE_REF_PREFIX.length));
      await createRef(target.repo, headRef, inventory.head, message);
      snapshot.headRef = headRef;
    }
    return snapshot;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The snapshot commit's message: a subject, then what it holds, readable with `git log`. */
function snapshotMessage(
  subject: string,
  inventory: WorktreeInventory,
  skipped: WorktreeInventory['skipped'],
): string {
  const lines = [subject, ''];
  lines.push(inventory.branch ? `branch: ${inventory.branch}` : `detached at ${inventory.head}`);
  lines.push(
    `tracked changes: ${inventory.tracked.length}, untracked: ${inventory.untracked.length}, ignored: ${inventory.ignored.length}`,
  );
  for (const repo of inventory.nested) lines.push(`nested repository: ${repo.path}`);
  for (const skip of skipped)
    lines.push(
      `not kept (named by the user): ${skip.path} (${skip.kind ?? 'ignored'}, ${formatBytes(skip.bytes)})`,
    );
  return `${lines.join('\n')}\n`;
}

/** A file of the meta commit's tree. */
interface MetaEntry {
  name: string;
  blob: string;
}

async function writeBlob(repo: string, content: string | Buffer): Promise<string> {
  return gitText(repo, ['hash-object', '-w', '-t', 'blob', '--stdin'], { input: content });
}

async function makeTree(repo: string, entries: readonly MetaEntry[]): Promise<string> {
  const input = entries.map((e) => `100644 blob ${e.blob}\t${e.name}\0`).join('');
  return gitText(repo, ['mktree', '-z'], { input });
}

/** Parents per commit: a repository with thousands of refs gets a chain of commits, each within argv's limits. */
const MAX_PARENTS = 500;

async function commitTree(
  cwd: string,
  tree: string,
  parents: readonly string[],
  message: string,
): Promise<string> {
  let rest = [...parents];
  let previous: string[] = [];
  for (;;) {
    const chunk = [...previous, ...rest.slice(0, MAX_PARENTS)];
    rest = rest.slice(MAX_PARENTS);
    const commit = await gitText(
      cwd,
      ['commit-tree', tree, ...chunk.flatMap((p) => ['-p', p]), '-m', message],
      {
        env: SNAPSHOT_IDENTITY,
      },
    );
    if (rest.length === 0) return commit;
    previous = [commit];
  }
}

/**
 * The working state of the repository in `dir`, as commits in its own object
 * store: the index as staged (HEAD's tree when it holds a conflict, which
 * write-tree refuses), and every file — tracked, untracked and the `ignored`
 * ones (nested repositories as gitlinks) — on top.
 */
async function commitWorkingState(
  dir: string,
  head: string | undefined,
  ignored: readonly string[],
  scratch: string,
  name: string,
  message: string,
): Promise<{ tree: string; indexTree: string; indexCommit: string; commit: string }> {
  const index = join(scratch, `index-${name}`);
  const realIndex = await indexFileOf(dir);
  if (existsSync(realIndex)) {
    copyFileSync(realIndex, index);
    // git trusts an entry whose size and mtime match unless it is "racily clean" (changed no earlier than
    // the index was written); a copy dated now would hide an edit of the same size made in the second
    // the index was last written. Dated a second before the real one, such entries are read again.
    const written = statSync(realIndex);
    utimesSync(index, written.atime, new Date(written.mtimeMs - 1000));
  }
  const env = { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: '1', ...SNAPSHOT_IDENTITY };
  const staged = await git(dir, ['write-tree'], { env, allowFailure: true });
  let indexTree = staged.stdout.trim();
  if (staged.code !== 0) {
    await git(dir, head ? ['read-tree', head] : ['read-tree', '--empty'], { env });
    indexTree = await gitText(dir, ['write-tree'], { env });
  }
  await git(dir, ['-c', 'advice.addEmbeddedRepo=false', 'add', '--all'], { env });
  if (ignored.length > 0) {
    const list = join(scratch, `ignored-${name}`);
    writeFileSync(list, `${ignored.map((e) => e.replace(/\/$/, '')).join('\0')}\0`);
    await git(
      dir,
      [
        '-c',
        'advice.addEmbeddedRepo=false',
        'add',
        '--force',
        '--pathspec-from-file',
        list,
        '--pathspec-file-nul',
      ],
      { env },
    );
  }
  const tree = await gitText(dir, ['write-tree'], { env });
  const headParent = head ? [head] : [];
  const indexCommit = await commitTree(dir, indexTree, headParent, `index of ${message}`);
  const commit = await commitTree(dir, tree, [...headParent, indexCommit], `work of ${message}`);
  return { tree, indexTree, indexCommit, commit };
}

/** The index file of the repository whose worktree is `dir`: read from its `.git` (a folder, or a file naming one), else asked of git. */
async function indexFileOf(dir: string): Promise<string> {
  const dotGit = join(dir, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return join(dotGit, 'index');
    const pointer = /^gitdir: (.*)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    if (pointer) return join(isAbsolute(pointer) ? pointer : join(dir, pointer), 'index');
  } catch {
    // not there: git says
  }
  const path = await gitText(dir, ['rev-parse', '--git-path', 'index']);
  return isAbsolute(path) ? path : join(dir, path);
}

/**
 * Keeps a nested repository: its work as commits in its own object store, a
 * keeper commit reaching them and every ref and stash entry it has, all
 * fetched into the project's clone (`clone`); its config and annotated tags
 * as blobs of the meta tree. Returns its manifest entry.
 */
async function keepNested(
  top: string,
  repo: NestedRepo,
  i: number,
  clone: string,
  scratch: string,
  meta: MetaEntry[],
  message: string,
): Promise<NestedManifest> {
  const dir = join(top, repo.path);
  const work = await commitWorkingState(
    dir,
    repo.head,
    repo.ignored,
    scratch,
    String(i),
    `${repo.path} in ${message}`,
  );
  const refs: NestedManifest['refs'] = [];
  const symrefs: NestedManifest['symrefs'] = [];
  const tips = new Set<string>([work.commit]);
  const listed = await gitText(dir, [
    'for-each-ref',
    '--format=%(refname)%09%(objecttype)%09%(objectname)%09%(*objecttype)%09%(*objectname)%09%(symref)',
  ]);
  for (const line of listed.split('\n').filter(Boolean)) {
    const [name = '', type, target = '', peeledType, peeled = '', symref] = line.split('\t');
    if (name === 'refs/stash') continue; // kept entry by entry below
    if (symref) symrefs.push({ name, target: symref });
    else if (type === 'commit') {
      refs.push({ name, target });
      tips.add(target);
    } else if (type === 'tag' && peeledType === 'commit') {
      const raw = `nested-${i}-tag-${refs.length}`;
      meta.push({
        name: raw,
        blob: await writeBlob(clone, await gitBytes(dir, ['cat-file', 'tag', target])),
      });
      refs.push({ name, target, raw });
      tips.add(peeled);
    }
  }
  const stashLog = await git(dir, ['log', '--walk-reflogs', '--format=%H%x09%gs', 'refs/stash', '--'], {
    allowFailure: true,
  });
  const stash = (stashLog.code === 0 ? stashLog.stdout : '')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ...rest] = line.split('\t');
      tips.add(commit);
      return { commit, message: rest.join('\t') };
    });
  const gitDir = await gitText(dir, ['rev-parse', '--absolute-git-dir']);
  const configFile = join(gitDir, 'config');
  let config: string | undefined;
  if (existsSync(configFile)) {
    config = `nested-${i}-config`;
    meta.push({ name: config, blob: await writeBlob(clone, readFileSync(configFile)) });
  }
  const enclosing = await gitText(join(dir, '..'), ['rev-parse', '--absolute-git-dir']);
  const inside = relative(enclosing, gitDir);
  const emptyTree = await gitText(dir, ['mktree'], { input: '' });
  const keeper = await commitTree(dir, emptyTree, [...tips], `keeps ${repo.path} of ${message}`);
  await copyObjects(clone, dir, keeper);
  return {
    path: repo.path,
    gitFile: repo.gitFile,
    // A submodule's git folder lives in its enclosing repository's (`modules/<name>`): restore puts it back there.
    absorbed: repo.gitFile && inside !== '' && !inside.startsWith('..') && !isAbsolute(inside),
    ...(repo.head ? { head: repo.head } : {}),
    ...(repo.branch ? { branch: repo.branch } : {}),
    commit: work.commit,
    tree: work.tree,
    indexTree: work.indexTree,
    keeper,
    refs,
    symrefs,
    stash,
    ...(config ? { config } : {}),
    emptyDirs: repo.emptyDirs,
    tracked: repo.tracked.length,
    untracked: repo.untracked.length,
    ignored: repo.ignored.length,
    localCommits: repo.localCommits,
  };
}

/**
 * Copies into `into` every object reachable from `commit` of the repository
 * at `from` that `into` lacks (git's own negotiation, as a fetch does),
 * without writing a ref there: the snapshot ref, written next, holds them.
 * Protocol v2 lets a local fetch ask for a commit no ref names.
 */
export async function copyObjects(into: string, from: string, commit: string): Promise<void> {
  await git(
    into,
    [
      '-c',
      'protocol.version=2',
      '-c',
      'gc.auto=0',
      '-c',
      'maintenance.auto=false',
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      '--',
      from,
      commit,
    ],
    { timeoutMs: 30 * 60_000 },
  );
}
