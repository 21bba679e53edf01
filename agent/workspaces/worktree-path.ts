import { relative, resolve, sep } from 'node:path';
import { AgentError } from '../../shared/protocol.js';

/** Under the project's worktree root, always: a branch name cannot climb out of it. */
export function worktreePathFor(worktreeRoot: string, branch: string): string {
  const root = resolve(worktreeRoot);
  const path = resolve(root, ...branch.split('/'));
  if (!isInside(root, path) || path === root) {
    throw new AgentError('INVALID_PARAMS', `Branch ${JSON.stringify(branch)} would leave the worktree root.`);
  }
  return path;
}

/** `path` is `root` itself or somewhere under it (not up through `..`, nor on another drive). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return (
    rel === '' ||
    (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel))
  );
}
