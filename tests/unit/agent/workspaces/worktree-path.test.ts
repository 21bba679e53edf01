import { describe, expect, it } from 'vitest';
import { isInside, worktreePathFor } from '../../../../agent/workspaces/worktree-path.js';

describe('worktreePathFor', () => {
  it.each([
    ['ff/12-fix', '/home/me/.ff/worktrees/octo/app/ff/12-fix'],
    ['topic', '/home/me/.ff/worktrees/octo/app/topic'],
    ['a/b/c', '/home/me/.ff/worktrees/octo/app/a/b/c'],
  ])('branch %s lives at %s', (branch, path) => {
    expect(worktreePathFor('/home/me/.ff/worktrees/octo/app', branch)).toBe(path);
  });

  it.each([['..'], ['../other'], ['a/../../b'], ['.'], ['']])(
    'branch %j would leave the root: refused',
    (branch) => {
      expect(() => worktreePathFor('/home/me/.ff/worktrees/octo/app', branch)).toThrow(
        /would leave the worktree root/,
      );
    },
  );
});

describe('isInside', () => {
  it.each([
    ['/root', '/root', true],
    ['/root', '/root/a', true],
    ['/root', '/root/a/../b', true],
    ['/root/', '/root/a', true],
    ['/root', '/rootless', false],
    ['/root', '/', false],
    ['/root', '/root/../other', false],
    ['/root', '/other/root', false],
  ])('%s holds %s: %s', (root, path, inside) => {
    expect(isInside(root, path)).toBe(inside);
  });
});
