import { z } from 'zod';
import { SkippedKind } from '../../shared/domain.js';

/**
 * What a snapshot holds beyond its tree, in `ff-snapshot.json` of its third
 * parent (the "meta" commit): the folders git keeps no trace of (empty
 * ones) and each nested repository — where it was, its HEAD, refs, stash
 * and config, and the commits of its work (`commit`: its files as a tree,
 * parents its HEAD and index, like the snapshot itself). The meta commit's
 * parents are one "keeper" commit per nested repository, whose parents are
 * that repository's work commit, ref tips and stash entries: so everything
 * it held stays reachable from the snapshot's one ref, in the project's
 * clone, through git's own gc.
 */

export const MANIFEST_FILE = 'ff-snapshot.json';

const Oid = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);
/** A path relative to the folder it is in: no absolute path, no `..`, no `.git` part. */
const RelativePath = z
  .string()
  .min(1)
  .refine(
    (path) => !path.startsWith('/') && path.split('/').every((part) => part !== '..' && part !== '.git'),
    'not a relative path inside the worktree',
  );

export const SkippedRecord = z.object({
  path: z.string(),
  bytes: z.number().nonnegative(),
  kind: SkippedKind.optional(),
});

export const NestedManifest = z.object({
  /** Relative to the top worktree. */
  path: RelativePath,
  /** Its `.git` was a file; `absorbed`: pointing into the enclosing repository's git folder (a submodule). */
  gitFile: z.boolean(),
  absorbed: z.boolean(),
  head: Oid.optional(),
  branch: z.string().optional(),
  /** Its work: tree = its files, parents its HEAD (if any) and the commit of its index. */
  commit: Oid,
  tree: Oid,
  indexTree: Oid,
  keeper: Oid,
  refs: z.array(
    z.object({
      name: z.string().startsWith('refs/'),
      target: Oid,
      /** For an annotated tag: the meta tree entry holding the tag object's bytes. */
      raw: z.string().optional(),
    }),
  ),
  symrefs: z.array(
    z.object({ name: z.string().startsWith('refs/'), target: z.string().startsWith('refs/') }),
  ),
  /** Newest first, as `git stash list` shows them. */
  stash: z.array(z.object({ commit: Oid, message: z.string() })),
  /** The meta tree entry holding its `config` file. */
  config: z.string().optional(),
  emptyDirs: z.array(RelativePath),
  tracked: z.number().int().nonnegative(),
  untracked: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  localCommits: z.number().int().nonnegative(),
});
export type NestedManifest = z.infer<typeof NestedManifest>;

export const SnapshotManifest = z.object({
  version: z.literal(1),
  head: Oid,
  branch: z.string().optional(),
  tracked: z.number().int().nonnegative(),
  untracked: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  /** What it does not hold (over the size bound, unreadable), every one named by the user when it was taken. */
  skipped: z.array(SkippedRecord),
  emptyDirs: z.array(RelativePath),
  /** Parents before the repositories nested in them. */
  nested: z.array(NestedManifest),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;
