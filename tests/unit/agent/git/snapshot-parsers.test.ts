import { describe, expect, it } from 'vitest';
import {
  describeInventory,
  inventoryHasWork,
  parseIgnoredZ,
  parseRefTimes,
  parseStatusZ,
  type WorktreeInventory,
} from '../../../../agent/git/snapshot.js';
import { diskUseText, formatBytes } from '../../../../shared/bytes.js';

describe('parseStatusZ', () => {
  it.each([
    ['nothing', '', [], []],
    ['staged, unstaged and deleted', ' M a.ts\0M  b.ts\0 D c.ts\0', ['a.ts', 'b.ts', 'c.ts'], []],
    [
      'untracked, with spaces and newlines in names',
      '?? new file.txt\0?? odd\nname\0',
      [],
      ['new file.txt', 'odd\nname'],
    ],
    ['a rename consumes its old path', 'R  new.ts\0old.ts\0?? x\0', ['new.ts'], ['x']],
    ['a conflict counts as tracked', 'UU merge.ts\0', ['merge.ts'], []],
  ])('%s', (_name, text, tracked, untracked) => {
    expect(parseStatusZ(text)).toEqual({ tracked, untracked });
  });
});

describe('parseIgnoredZ', () => {
  it('keeps a wholly ignored folder once and drops the files git also lists inside it', () => {
    const text = [
      '.env',
      'logs/',
      'logs/a.log',
      'newdir/y.log',
      'node_modules/',
      'src/',
      'src/x.log',
      '',
    ].join('\0');
    expect(parseIgnoredZ(text)).toEqual(['.env', 'logs/', 'newdir/y.log', 'node_modules/', 'src/']);
  });
});

const empty: WorktreeInventory = {
  head: 'a'.repeat(40),
  branch: 'ff/1',
  tracked: [],
  untracked: [],
  ignored: [],
  skipped: [],
  unpushed: 0,
  detachedCommits: 0,
};

describe('describeInventory', () => {
  it.each([
    ['nothing', {}, ''],
    ['one ignored file', { ignored: ['.env'] }, '1 ignored file or folder (.env)'],
    [
      'everything, the long list cut',
      {
        tracked: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
        untracked: ['n'],
        unpushed: 2,
      },
      '7 changed tracked files (a, b, c, d, e and 2 more), 1 untracked file (n) and 2 unpushed commits',
    ],
    [
      'detached commits',
      { branch: undefined, detachedCommits: 1 },
      '1 commit on a detached HEAD that no branch holds',
    ],
  ])('%s', (_name, patch, text) => {
    expect(describeInventory({ ...empty, ...patch })).toBe(text);
  });

  it('a folder left out for its size alone is no reason to refuse (it would not be kept anyway)', () => {
    expect(inventoryHasWork({ ...empty, skipped: [{ path: 'node_modules/', bytes: 5e8 }] })).toBe(false);
    expect(inventoryHasWork({ ...empty, ignored: ['.env'] })).toBe(true);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [2 * 1024 * 1024, '2.0 MB'],
    [312 * 1024 * 1024, '312 MB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('diskUseText', () => {
  it('sums worktree and objects only it holds, says "at least" for a walk that stopped, and details both', () => {
    expect(
      diskUseText({ worktreeBytes: 3 * 1024 * 1024, onlyHereBytes: 1024 * 1024, complete: true }),
    ).toEqual({
      text: '4.0 MB',
      title: 'Disk: 3.0 MB worktree, 1.0 MB in git objects only it holds',
    });
    expect(diskUseText({ worktreeBytes: 2048, onlyHereBytes: 0, complete: false }).text).toBe('≥ 2.0 KB');
  });
});

describe('parseRefTimes', () => {
  it.each([
    ['', []],
    [
      'refs/ff/archive/w1\t1700000000\nrefs/ff/archive/orphan-abc\t1700000100\n',
      [
        { ref: 'refs/ff/archive/w1', at: 1_700_000_000_000 },
        { ref: 'refs/ff/archive/orphan-abc', at: 1_700_000_100_000 },
      ],
    ],
  ])('%j → %j', (text, refs) => {
    expect(parseRefTimes(text)).toEqual(refs);
  });
});
