/**
 * A file in ff's home that cannot be read or written: the agent says which,
 * why and what to do, in one line, and does not start (or the request fails).
 */
export class HomeAccessError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'HomeAccessError';
    this.code = code;
  }
}

export type FileAction = 'read' | 'write';

/**
 * Pure: a failed file operation → one line naming the path, the cause and a
 * fix (never a raw `EACCES: permission denied, open …`). Unknown causes keep
 * the system's message, still on one line.
 */
export function describeFsError(error: unknown, path: string, action: FileAction): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const verb = action === 'read' ? 'read' : 'write';
  switch (code) {
    case 'EACCES':
      return action === 'read'
        ? `Cannot read ${path}: permission denied. Make it readable and writable by you (chmod 600, and chown it if another user owns it).`
        : `Cannot write ${path}: permission denied. Make it and its folder writable by you, or point FF_HOME (or --home) at a folder you own.`;
    case 'EPERM':
      return `Cannot ${verb} ${path}: operation not permitted (is it immutable — see lsattr — or owned by another user?). Fix that, then try again.`;
    case 'EROFS':
      return `Cannot ${verb} ${path}: the file system is read-only. Point FF_HOME (or --home) at a writable folder.`;
    case 'EISDIR':
      return `${path} is a folder, but ff keeps a file there. Move the folder away, then try again.`;
    case 'ENOTDIR':
      return `Cannot ${verb} ${path}: a folder on its path is a file. Move that file away, or point FF_HOME (or --home) elsewhere.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `Cannot write ${path}: the disk is full (or your quota is used up). Free some space, then try again.`;
    default: {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return `Cannot ${verb} ${path}: ${message}`;
    }
  }
}

/** Wraps a file operation so any failure becomes a `HomeAccessError` with one clear line. */
export function fileAccess<T>(path: string, action: FileAction, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HomeAccessError) throw error;
    throw new HomeAccessError(describeFsError(error, path, action), (error as NodeJS.ErrnoException).code);
  }
}

/** Pure: ff's home cannot be written (the lock, the first file) → one line with the fix. */
export function describeHomeError(error: unknown, root: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cause =
    code === 'EACCES'
      ? 'permission denied'
      : code === 'EPERM'
        ? 'operation not permitted'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? 'the disk is full'
            : undefined;
  if (!cause) return describeFsError(error, root, 'write');
  return `ff's home ${root} is not writable (${cause}). Make it writable by you (chmod u+w ${root}), or point FF_HOME (or --home) at another folder.`;
}
