import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes the temp files of writes that a killed process never finished
 * (each holds a copy that was never renamed into place, so nothing is lost).
 * Only the one writer of `path` may call this — the agent does, holding the
 * home's instance lock — or it could remove a write in progress.
 */
export function removeUnfinishedWrites(path: string): number {
  const prefix = `.${basename(path)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))) continue;
    rmSync(join(dirname(path), name), { force: true });
    removed++;
  }
  return removed;
}

/**
 * Writes a whole file so that a reader (or a kill -9 at any moment) sees
 * either the old content or the new, never half: write a temp file beside
 * it, then rename over. `mode` is applied to the temp file before it holds
 * any data, so a secret is never readable by others, not even briefly.
 * Durable too: the temp file is fsynced before the rename (else a power cut
 * can leave the new name pointing at an empty file) and the folder after it
 * (else the rename itself can be lost); the folder's fsync is skipped where
 * the platform cannot do it (Windows).
 */
export function writeFileAtomic(path: string, data: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      fchmodSync(fd, mode); // the umask may have narrowed or (for 0600) we want exactly this
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/** fsync of a folder, so a rename in it survives a power cut; a no-op where folders cannot be opened (Windows). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows (EISDIR/EPERM) or a file system without folder fsync (EINVAL): the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function syncFolderAsync(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // as in syncFolder
  } finally {
    await handle.close();
  }
}

/** `writeFileAtomic` without blocking the event loop; the folder must exist. */
export async function writeFileAtomicAsync(path: string, data: string, mode = 0o644): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    // The write's own error is the one to report; a temp file left behind is only clutter.
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  await syncFolderAsync(dirname(path));
}
