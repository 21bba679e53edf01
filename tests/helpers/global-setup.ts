import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Integration tests run the built agent (`dist/`), as users do. `npm test`
 * builds first; a bare `vitest` rebuilds here when sources are newer, so a
 * stale build never passes for the current code.
 */
export default function setup(): void {
  const sources = Math.max(newestMtime(join(root, 'agent')), newestMtime(join(root, 'shared')));
  if (mtime(join(root, 'dist', 'agent', 'cli', 'main.js')) < sources) {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
}
