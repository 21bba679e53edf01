import { describe, expect, it } from 'vitest';
import { packedRefsList, parseGitFile } from '../../../../agent/git/git-files.js';

describe('parseGitFile', () => {
  it.each([
    ['an absolute gitdir', 'gitdir: /src/app/.git/worktrees/12-fix\n', '/src/app/.git/worktrees/12-fix'],
    ['a relative one, from the worktree', 'gitdir: ../app/.git/worktrees/x\n', '/src/app/.git/worktrees/x'],
    ['trailing spaces trimmed', 'gitdir: /g/w   \n', '/g/w'],
    ['no gitdir line', 'ref: refs/heads/main\n', undefined],
    ['empty', '', undefined],
  ])('%s', (_, text, expected) => {
    expect(parseGitFile(text, '/src/wt')).toBe(expected);
  });
});

describe('packedRefsList', () => {
  const text = [
    '# pack-refs with: peeled fully-peeled sorted ',
    `${'1'.repeat(40)} refs/heads/ff/12-fix`,
    `${'2'.repeat(40)} refs/remotes/origin/main`,
    `${'3'.repeat(40)} refs/tags/v1`,
    `^${'4'.repeat(40)}`,
    '',
  ].join('\n');

  it.each([
    ['a listed branch', 'refs/heads/ff/12-fix', true],
    ['a remote ref', 'refs/remotes/origin/main', true],
    ['a prefix of a listed name is not it', 'refs/heads/ff/12', false],
    ['a longer name than a listed one is not it', 'refs/heads/ff/12-fix-2', false],
    ['one not there', 'refs/heads/main', false],
  ])('%s', (_, ref, expected) => {
    expect(packedRefsList(text, ref)).toBe(expected);
  });
});
