import { describe, expect, it } from 'vitest';
import {
  describeInventory,
  describeSkipped,
  inventoryHasWork,
  parseCountObjects,
  parseGitlinksZ,
  parseIgnoredZ,
  parseStatusZ,
  splitStageAndOthersZ,
  type WorktreeInventory,
  whyNotKept,
} from '../../../../agent/git/snapshot.js';
import {
  nextSnapshotRef,
  parseRefTimes,
  parseSnapshotMessage,
  snapshotSeq,
} from '../../../../agent/git/snapshot-refs.js';
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
    ['an untracked nested repository is listed as a folder, not a file', '?? vendor/lib/\0?? a\0', [], ['a']],
  ])('%s', (_name, text, tracked, untracked) => {
    expect(parseStatusZ(text)).toMatchObject({ tracked, untracked });
  });

  it('names the untracked nested repositories', () => {
    expect(parseStatusZ('?? vendor/lib/\0?? a\0').repos).toEqual(['vendor/lib']);
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
  emptyDirs: [],
  nested: [],
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

describe('parseGitlinksZ', () => {
  it('finds submodules and committed nested repositories among the index entries', () => {
    const text = [
      `100644 ${'a'.repeat(40)} 0\tREADME.md`,
      `160000 ${'b'.repeat(40)} 0\tsub`,
      `160000 ${'c'.repeat(40)} 0\tvendor/odd name`,
      '',
    ].join('\0');
    expect(parseGitlinksZ(text)).toEqual(['sub', 'vendor/odd name']);
  });
});

describe('splitStageAndOthersZ', () => {
  it('tells index entries from untracked paths (folders end in /)', () => {
    const text = [
      `100644 ${'a'.repeat(40)} 0\tsrc/a.ts`,
      'empty/',
      `160000 ${'b'.repeat(40)} 0\tsub`,
      'new file',
      '',
    ].join('\0');
    expect(splitStageAndOthersZ(text)).toEqual({
      stage: [`100644 ${'a'.repeat(40)} 0\tsrc/a.ts`, `160000 ${'b'.repeat(40)} 0\tsub`],
      others: ['empty/', 'new file'],
    });
  });
});

describe('parseCountObjects', () => {
  it('adds loose objects, packs and garbage, in bytes', () => {
    expect(
      parseCountObjects(
        'count: 3\nsize: 12\nin-pack: 9\npacks: 1\nsize-pack: 100\nprune-packable: 0\ngarbage: 0\nsize-garbage: 4\n',
      ),
    ).toBe(116 * 1024);
  });
});

describe('describeSkipped', () => {
  it('says which are nested repositories', () => {
    expect(
      describeSkipped([
        { path: 'node_modules/', bytes: 3 * 1024 * 1024 },
        { path: 'vendor/big/', bytes: 2 * 1024 * 1024, kind: 'nested repository' },
        { path: 'broken/', bytes: 0, kind: 'unreadable repository' },
      ]),
    ).toBe(
      'node_modules/ (3.0 MB), vendor/big/ (nested repository, 2.0 MB), broken/ (unreadable repository)',
    );
  });
});

describe('whyNotKept', () => {
  it.each([
    [[{ path: 'node_modules/', bytes: 1 }], 'over the 100 MB snapshot limit'],
    [
      [
        { path: 'big/', bytes: 1, kind: 'nested repository' as const },
        { path: 'thin/', bytes: 1, kind: 'shallow repository' as const },
      ],
      'over the 100 MB snapshot limit; a shallow clone has commits whose parents are not there (`git fetch --unshallow` in it makes it whole)',
    ],
    [
      [{ path: 'p/', bytes: 1, kind: 'partial clone' as const }],
      'a partial clone has objects that are only on its remote',
    ],
    [[{ path: 'x/', bytes: 0, kind: 'unreadable repository' as const }], 'git cannot read it'],
  ])('%j: %s', (skipped, why) => {
    expect(whyNotKept(skipped, 100)).toBe(why);
  });
});

describe('snapshot refs: one per snapshot, never overwritten', () => {
  it.each([
    ['refs/ff/archive/w1', 0],
    ['refs/ff/archive/w1-1', 1],
    ['refs/ff/archive/w1-12', 12],
    ['refs/ff/archive/w1-0', undefined],
    ['refs/ff/archive/w1-x', undefined],
    ['refs/ff/archive/w10-1', undefined],
    ['refs/ff/archive/w1-1-2', undefined],
    ['refs/ff/archive-head/w1-1', undefined],
  ])('%s is snapshot %s of w1', (ref, seq) => {
    expect(snapshotSeq(ref, 'w1')).toBe(seq);
  });

  it.each([
    [[], 'refs/ff/archive/w1-1'],
    [['refs/ff/archive/w1'], 'refs/ff/archive/w1-1'],
    [['refs/ff/archive/w1', 'refs/ff/archive/w1-1', 'refs/ff/archive/w1-7'], 'refs/ff/archive/w1-8'],
    [['refs/ff/archive/w10-3'], 'refs/ff/archive/w1-1'],
  ])('after %j the next is %s', (existing, next) => {
    expect(nextSnapshotRef(existing, 'w1')).toBe(next);
  });
});

describe('parseSnapshotMessage (snapshots ff took before manifests)', () => {
  it('reads the branch, counts and what was too big', () => {
    const message = [
      'ff archive of workspace w1 (ff/1-x)',
      '',
      'branch: ff/1-x',
      'tracked changes: 2, untracked: 1, ignored: 3',
      'skipped (too big): node_modules/ (2.0 MB)',
      '',
    ].join('\n');
    expect(parseSnapshotMessage(message)).toEqual({
      branch: 'ff/1-x',
      tracked: 2,
      untracked: 1,
      ignored: 3,
      skipped: [{ path: 'node_modules/', bytes: 2 * 1024 * 1024 }],
    });
  });

  it('reads what the user named to be deleted with the worktree', () => {
    const message = [
      'ff archive of workspace w1 (ff/1-x)',
      '',
      'branch: ff/1-x',
      'tracked changes: 0, untracked: 0, ignored: 0',
      'not kept (named by the user): node_modules/ (ignored, 312 MB)',
      'not kept (named by the user): vendor/big/ (nested repository, 1.5 GB)',
      '',
    ].join('\n');
    expect(parseSnapshotMessage(message).skipped).toEqual([
      { path: 'node_modules/', bytes: 312 * 1024 * 1024, kind: 'ignored' },
      { path: 'vendor/big/', bytes: 1.5 * 1024 ** 3, kind: 'nested repository' },
    ]);
  });

  it('a detached HEAD has no branch', () => {
    expect(
      parseSnapshotMessage(
        `x\n\ndetached at ${'a'.repeat(40)}\ntracked changes: 0, untracked: 0, ignored: 0\n`,
      ),
    ).toEqual({
      tracked: 0,
      untracked: 0,
      ignored: 0,
      skipped: [],
    });
  });
});
