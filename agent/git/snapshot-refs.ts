import type { SkippedKind, WorkspaceSnapshot } from '../../shared/domain.js';
import { git, gitText } from './git.js';
import { MANIFEST_FILE, SnapshotManifest } from './snapshot-manifest.js';

/**
 * Snapshot refs: one per snapshot, never overwritten. A workspace's (or an
 * orphan worktree's) snapshots are `refs/ff/archive/<base>-<n>`, n counting
 * up from 1; `refs/ff/archive/<base>` is one ff wrote before it kept one ref
 * per snapshot (it counts as the first). A detached HEAD's snapshot also
 * gets `refs/ff/archive-head/<same name>`.
 */

export const ARCHIVE_REF_PREFIX = 'refs/ff/archive/';
export const ARCHIVE_HEAD_REF_PREFIX = 'refs/ff/archive-head/';

export const archiveRef = (name: string) => `${ARCHIVE_REF_PREFIX}${name}`;
export const archiveHeadRef = (name: string) => `${ARCHIVE_HEAD_REF_PREFIX}${name}`;

/** The head ref that goes with a snapshot ref (same name under archive-head/). Pure. */
export const headRefOf = (ref: string) => archiveHeadRef(ref.slice(ARCHIVE_REF_PREFIX.length));

/**
 * Where `ref` stands among `base`'s snapshots: 0 for `refs/ff/archive/<base>`
 * (the format before one ref per snapshot), n for `<base>-<n>`, undefined when
 * it is not one of `base`'s. Pure.
 */
export function snapshotSeq(ref: string, base: string): number | undefined {
  const own = archiveRef(base);
  if (ref === own) return 0;
  if (!ref.startsWith(`${own}-`)) return undefined;
  const tail = ref.slice(own.length + 1);
  return /^[1-9][0-9]{0,8}$/.test(tail) ? Number(tail) : undefined;
}

/** The ref the next snapshot of `base` gets, after every one in `existing`. Pure. */
export function nextSnapshotRef(existing: readonly string[], base: string): string {
  const last = Math.max(0, ...existing.map((ref) => snapshotSeq(ref, base) ?? 0));
  return archiveRef(`${base}-${last + 1}`);
}

/** for-each-ref / rev-list patterns for every snapshot ref of `base` and their head refs. */
export function snapshotRefPatterns(base: string): string[] {
  return [archiveRef(base), `${archiveRef(base)}-*`, archiveHeadRef(base), `${archiveHeadRef(base)}-*`];
}

/** `base`'s snapshot refs, oldest first. */
export async function snapshotRefsOf(repo: string, base: string): Promise<string[]> {
  const out = await gitText(repo, [
    'for-each-ref',
    '--format=%(refname)',
    '--',
    archiveRef(base),
    `${archiveRef(base)}-*`,
  ]);
  return out
    .split('\n')
    .filter((ref) => snapshotSeq(ref, base) !== undefined)
    .sort((a, b) => (snapshotSeq(a, base) ?? 0) - (snapshotSeq(b, base) ?? 0));
}

/**
 * Writes `commit` on a new ref of `base` — never over an existing one (git
 * refuses the update when the ref exists, so two writers never share one) —
 * and returns it.
 */
export async function createSnapshotRef(
  repo: string,
  base: string,
  commit: string,
  message: string,
  /** The refs listed already (a listing started earlier); listed again if the ref it gives is taken. */
  known?: readonly string[],
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = attempt === 0 && known ? known : await snapshotRefsOf(repo, base);
    const ref = nextSnapshotRef(existing, base);
    const made = await git(repo, ['update-ref', '--create-reflog', '-m', message, ref, commit, ''], {
      allowFailure: true,
    });
    if (made.code === 0) return ref;
  }
  throw new Error(`could not write a new snapshot ref for ${base}`);
}

/** Creates `ref` at `commit`, failing when it exists. */
export async function createRef(repo: string, ref: string, commit: string, message: string): Promise<void> {
  await git(repo, ['update-ref', '--create-reflog', '-m', message, ref, commit, '']);
}

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

/** The manifest of a snapshot commit (its third parent's `ff-snapshot.json`), or undefined for one ff wrote before manifests. */
export async function readManifest(repo: string, commit: string): Promise<SnapshotManifest | undefined> {
  const meta = await git(repo, ['rev-parse', '--verify', '--quiet', `${commit}^3`], { allowFailure: true });
  if (meta.code !== 0) return undefined;
  const text = await gitText(repo, ['cat-file', 'blob', `${meta.stdout.trim()}:${MANIFEST_FILE}`]);
  return SnapshotManifest.parse(JSON.parse(text));
}

/**
 * What a snapshot ref holds, read from git alone (its manifest, or for one
 * ff wrote before manifests, its commit message): so any snapshot ref can
 * be listed and restored, recorded on a workspace or not.
 */
export async function readSnapshot(repo: string, ref: string): Promise<WorkspaceSnapshot> {
  const [commit, parents, unix, ...body] = (
    await gitText(repo, ['log', '-1', '--no-walk', '--format=%H%n%P%n%ct%n%B', ref, '--'])
  ).split('\n');
  const head = parents?.split(' ')[0] ?? '';
  const at = new Date(Number(unix) * 1000).toISOString();
  const headRef = headRefOf(ref);
  const detached =
    (await git(repo, ['show-ref', '--verify', '--quiet', headRef], { allowFailure: true })).code === 0;
  const manifest = await readManifest(repo, commit ?? ref);
  if (manifest) {
    return {
      ref,
      commit: commit ?? '',
      head: manifest.head,
      ...(manifest.branch ? { branch: manifest.branch } : {}),
      ...(detached ? { headRef } : {}),
      tracked: manifest.tracked,
      untracked: manifest.untracked,
      ignored: manifest.ignored,
      skipped: manifest.skipped,
      nested: manifest.nested.map((n) => n.path),
      emptyDirs: manifest.emptyDirs.length,
      at,
    };
  }
  return {
    ref,
    commit: commit ?? '',
    head,
    ...parseSnapshotMessage(body.join('\n')),
    ...(detached ? { headRef } : {}),
    at,
  };
}

/**
 * What the message of a snapshot ff wrote before manifests says: its branch
 * (none for a detached HEAD), counts, and what it skipped ("skipped (too big):
 * node_modules/ (312 MB)"). Pure.
 */
export function parseSnapshotMessage(
  message: string,
): Pick<WorkspaceSnapshot, 'branch' | 'tracked' | 'untracked' | 'ignored' | 'skipped'> {
  const branch = /^branch: (.+)$/m.exec(message)?.[1];
  const counts = /^tracked changes: (\d+), untracked: (\d+), ignored: (\d+)$/m.exec(message);
  const bytes = (value: string, unit: string) =>
    Math.round(Number(value) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(unit));
  // "skipped (too big): x (2.0 MB)" before ff asked to name them; "not kept (named by the user): x (ignored, 2.0 MB)" since.
  const skipped: WorkspaceSnapshot['skipped'] = [
    ...[...message.matchAll(/^skipped \(too big\): (.+) \(([\d.]+) (B|KB|MB|GB|TB)\)$/gm)].map(
      ([, path = '', value = '0', unit = 'B']) => ({ path, bytes: bytes(value, unit) }),
    ),
    ...[
      ...message.matchAll(
        /^not kept \(named by the user\): (.+) \((ignored|nested repository|unreadable repository|shallow repository|partial clone), ([\d.]+) (B|KB|MB|GB|TB)\)$/gm,
      ),
    ].map(([, path = '', kind, value = '0', unit = 'B']) => ({
      path,
      bytes: bytes(value, unit),
      kind: kind as SkippedKind,
    })),
  ];
  return {
    ...(branch ? { branch } : {}),
    tracked: Number(counts?.[1] ?? 0),
    untracked: Number(counts?.[2] ?? 0),
    ignored: Number(counts?.[3] ?? 0),
    skipped,
  };
}
