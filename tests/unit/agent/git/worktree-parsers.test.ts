import { describe, expect, it } from 'vitest';
import { parseNumstat, parseWorktreeList } from '../../../../agent/git/worktree.js';
import { TailBuffer } from '../../../../agent/tail-buffer.js';

describe('parseWorktreeList', () => {
  it('reads paths, heads and branches, detached and bare entries included', () => {
    const porcelain = [
      'worktree /src/app',
      'HEAD 1111111111111111111111111111111111111111',
      'branch refs/heads/main',
      '',
      'worktree /home/u/.ff/worktrees/octo/app/ff/12-fix',
      'HEAD 2222222222222222222222222222222222222222',
      'branch refs/heads/ff/12-fix',
      '',
      'worktree /tmp/detached',
      'HEAD 3333333333333333333333333333333333333333',
      'detached',
      '',
    ].join('\n');
    expect(parseWorktreeList(porcelain)).toEqual([
      { path: '/src/app', head: '1'.repeat(40), branch: 'main' },
      { path: '/home/u/.ff/worktrees/octo/app/ff/12-fix', head: '2'.repeat(40), branch: 'ff/12-fix' },
      { path: '/tmp/detached', head: '3'.repeat(40) },
    ]);
  });
});

describe('parseNumstat', () => {
  it.each([
    ['', { files: 0, additions: 0, deletions: 0 }],
    ['3\t1\tsrc/a.ts\n10\t0\tREADME.md\n', { files: 2, additions: 13, deletions: 1 }],
    ['-\t-\timage.png\n1\t1\tb.txt', { files: 2, additions: 1, deletions: 1 }],
    ['warning: something\n2\t2\tc.txt', { files: 1, additions: 2, deletions: 2 }],
  ])('%j', (text, totals) => {
    expect(parseNumstat(text)).toEqual(totals);
  });
});

describe('TailBuffer', () => {
  it('keeps only the last lines', () => {
    const tail = new TailBuffer(3);
    for (let n = 1; n <= 10; n++) tail.push(`line ${n}\n`);
    expect(tail.toString()).toBe('line 8\nline 9\nline 10');
  });
  it('joins lines split across chunks', () => {
    const tail = new TailBuffer(2);
    tail.push('hel');
    tail.push('lo\nwor');
    tail.push('ld\n');
    expect(tail.toString()).toBe('hello\nworld');
  });
});
