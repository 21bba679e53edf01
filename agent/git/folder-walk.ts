import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one walk of a folder, for what a worktree holds on disk: a workspace's
 * disk use (disk-use.ts, in the background at a share of a core) and what a
 * snapshot must keep (snapshot.ts: its empty folders and nested
 * repositories, and whether an ignored folder is over the bound).
 */

export interface FolderWalk {
  bytes: number;
  entries: number;
  /** False when the walk stopped at `stopAbove` or `maxEntries`: there is more. */
  complete: boolean;
  /** Folders with no entries (absolute paths); one that cannot be read counts as empty. */
  emptyDirs: string[];
  /** With `stopAtRepos`: folders holding a `.git` (absolute), not walked into. */
  repos: string[];
}

export interface WalkOptions {
  /** Stop once past this many bytes (a snapshot's bound on ignored files). */
  stopAbove?: number;
  /** Stop at this many entries (a node_modules of a million files). */
  maxEntries?: number;
  /** A folder holding `.git` is a nested repository: listed, not walked into (its files are its own snapshot's). */
  stopAtRepos?: boolean;
  /** The share of one core the walk may take: after each slice it pauses so the average stays under it. 1: no pauses. */
  cpuShare?: number;
  /** How long a slice of synchronous calls runs before the walk pauses (or, unpaced, lets the event loop run). */
  sliceMs?: number;
}

/**
 * Walks `path` (a file or a folder; symbolic links not followed), adding up
 * the bytes of its files. Synchronous calls in slices (a few µs a file,
 * where a promise per file cost ~45 µs), so a 30k-file worktree takes ~0.1 s
 * of CPU and never blocks the event loop longer than a slice. What is gone
 * by the time it is reached is left out; an unreadable file counts as empty.
 */
export async function walkFolder(
  path: string,
  {
    stopAbove = Number.POSITIVE_INFINITY,
    maxEntries = 500_000,
    stopAtRepos = false,
    cpuShare = 1,
    sliceMs = 8,
  }: WalkOptions = {},
): Promise<FolderWalk> {
  const result: FolderWalk = { bytes: 0, entries: 0, complete: true, emptyDirs: [], repos: [] };
  const over = () => result.bytes > stopAbove || result.entries >= maxEntries;
  const root = lstatOrUndefined(path);
  if (!root) return result;
  result.entries++;
  if (!root.isDirectory()) result.bytes += root.size;
  if (over()) return { ...result, complete: false };
  const folders = root.isDirectory() ? [path] : [];
  while (folders.length > 0) {
    const started = performance.now();
    // At least one folder a slice, however short the slice.
    do {
      const folder = folders.pop() as string;
      const children = readFolder(folder);
      if (!children) continue;
      if (stopAtRepos && children.some((child) => child.name === '.git')) {
        result.repos.push(folder);
        continue;
      }
      if (children.length === 0) result.emptyDirs.push(folder);
      for (const child of children) {
        result.entries++;
        const childPath = join(folder, child.name);
        if (child.isDirectory()) folders.push(childPath);
        else result.bytes += lstatOrUndefined(childPath)?.size ?? 0;
        if (over()) return { ...result, complete: false };
      }
    } while (folders.length > 0 && performance.now() - started < sliceMs);
    if (folders.length > 0) {
      const worked = performance.now() - started;
      await new Promise((resolve) =>
        cpuShare >= 1
          ? setImmediate(resolve)
          : setTimeout(resolve, (worked * (1 - cpuShare)) / cpuShare).unref(),
      );
    }
  }
  return result;
}

/** A folder's entries; none when it cannot be read; undefined when it is gone (or no longer a folder). */
function readFolder(folder: string): Dirent[] | undefined {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : [];
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    // gone meanwhile, or unreadable
    return undefined;
  }
}
