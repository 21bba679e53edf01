import { describe, expect, it } from 'vitest';
import { packedRefsList, parseGitFile, statText, summaryInputs } from '../../../../agent/git/git-files.js';

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

describe('summaryInputs', () => {
  it('names the worktree, its own HEAD, index and HEAD log, and its branch and base refs, loose and packed', () => {
    const dirs = { gitDir: '/src/app/.git/worktrees/12-fix', commonDir: '/src/app/.git' };
    expect(summaryInputs(dirs, '/wt/ff/12-fix', 'ff/12-fix', 'main')).toEqual([
      '/wt/ff/12-fix',
      '/src/app/.git/worktrees/12-fix/HEAD',
      '/src/app/.git/worktrees/12-fix/index',
      '/src/app/.git/worktrees/12-fix/logs/HEAD',
      '/src/app/.git/packed-refs',
      '/src/app/.git/refs/heads/ff/12-fix',
      '/src/app/.git/refs/remotes/origin/ff/12-fix',
      '/src/app/.git/refs/heads/main',
      '/src/app/.git/refs/remotes/origin/main',
    ]);
  });
});

describe('statText', () => {
  it('differs when the time, the size or the file (a rename over it) differs, and is "-" for none', () => {
    const base = { mtimeMs: 1000.5, size: 10, ino: 7 };
    const texts = [
      base,
      { ...base, mtimeMs: 1000.6 },
      { ...base, size: 11 },
      { ...base, ino: 8 },
      undefined,
    ].map(statText);
    expect(new Set(texts).size).toBe(5);
    expect(statText(undefined)).toBe('-');
    expect(statText({ ...base })).toBe(texts[0]);
  });
});
