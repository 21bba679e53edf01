import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';

/** Pure: where `name` could be on a PATH value, in order (on Windows, with its executable suffixes). */
export function candidatesOnPath(name: string, pathValue: string, platform: NodeJS.Platform): string[] {
  const path = platform === 'win32' ? win32 : posix;
  const names = platform === 'win32' ? [`${name}.exe`, `${name}.cmd`] : [name];
  return pathValue
    .split(platform === 'win32' ? ';' : ':')
    .filter((dir) => dir !== '' && path.isAbsolute(dir))
    .flatMap((dir) => names.map((n) => path.join(dir, n)));
}

/** Whether `file` is an executable regular file (following symlinks). */
export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on a PATH value, as `command -v` would find it; undefined when none. */
export function findExecutable(
  name: string,
  pathValue = process.env.PATH ?? '',
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  return candidatesOnPath(name, pathValue, platform).find(isExecutableFile);
}
