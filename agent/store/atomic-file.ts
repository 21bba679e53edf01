import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 */
export function writeFileAtomic(path: string, data: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, '', { mode });
    chmodSync(temp, mode); // the umask may have narrowed or (for 0600) we want exactly this
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
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
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
