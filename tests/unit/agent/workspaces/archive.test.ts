import { describe, expect, it } from 'vitest';
import type { NestedRepo, WorktreeInventory } from '../../../../agent/git/snapshot.js';
import { archiveRefusal, discardedOf } from '../../../../agent/workspaces/archive.js';
import { snapshotRecord } from '../../../../agent/workspaces/worktree-snapshot.js';

const clean: WorktreeInventory = {
  head: 'a'.repeat(40),
  branch: 'ff/1-x',
  tracked: [],
  untracked: [],
  ignored: [],
  skipped: [],
  unpushed: 0,
  detachedCommits: 0,
  emptyDirs: [],
  nested: [],
};
const nested = (fields: Partial<NestedRepo>): NestedRepo => ({
  path: 'vendor/lib',
  gitFile: false,
  objectsBytes: 1000,
  head: 'b'.repeat(40),
  branch: 'main',
  tracked: [],
  untracked: [],
  ignored: [],
  emptyDirs: [],
  localCommits: 0,
  stashes: 0,
  ...fields,
});
const workspace = { id: 'w1', branch: 'ff/1-x' };
const big = { path: 'node_modules/', bytes: 3e8, kind: 'ignored' as const };
const bigRepo = { path: 'vendor/big/', bytes: 2e8, kind: 'nested repository' as const };

describe('archiveRefusal', () => {
  it.each([
    ['nothing to lose', clean],
    ['an empty folder only (kept, nothing to ask about)', { ...clean, emptyDirs: ['logs'] }],
    ['a nested repository with nothing only it holds', { ...clean, nested: [nested({})] }],
  ])('%s: archived without --force', (_, inventory) => {
    expect(archiveRefusal(workspace, inventory, 100)).toBeUndefined();
  });

  it.each([
    ['a changed file', { ...clean, tracked: ['README.md'] }, '1 changed tracked file (README.md)'],
    ['an untracked file', { ...clean, untracked: ['new.txt'] }, '1 untracked file (new.txt)'],
    ['an ignored file', { ...clean, ignored: ['.env'] }, '1 ignored file or folder (.env)'],
    ['unpushed commits', { ...clean, unpushed: 2 }, '2 unpushed commits'],
    [
      'commits on a detached HEAD',
      { ...clean, branch: undefined, detachedCommits: 1 },
      '1 commit on a detached HEAD',
    ],
    [
      'a nested repository with a commit no remote has and a stash',
      { ...clean, nested: [nested({ localCommits: 1, stashes: 1 })] },
      '1 nested repository with work (vendor/lib: 1 commit no remote has, 1 stash)',
    ],
  ])('%s: refused, naming it', (_, inventory, named) => {
    const refusal = archiveRefusal(workspace, inventory, 100);
    expect(refusal).toContain(`Workspace ff/1-x has ${named}`);
    expect(refusal).toContain('Archive with --force');
    expect(refusal).toContain('`ff-agent workspace restore w1` brings them back.');
  });

  it.each([
    ['an ignored folder too big to keep', big, 'node_modules/ (286 MB)'],
    ['a nested repository too big to keep', bigRepo, 'vendor/big/ (nested repository, 191 MB)'],
  ])('%s: refused even with --force, naming it and the flag that names it', (_, skipped, named) => {
    for (const force of [false, true]) {
      const refusal = archiveRefusal(workspace, { ...clean, skipped: [skipped] }, 100, { force });
      expect(refusal).toContain(`${named} cannot be kept in a snapshot (over the 100 MB snapshot limit`);
      expect(refusal).toContain(`--discard ${skipped.path}`);
    }
  });

  it('named with --discard (with or without ./ and the slash), what a snapshot cannot hold goes with the worktree', () => {
    const inventory = { ...clean, skipped: [big, bigRepo] };
    expect(
      archiveRefusal(workspace, inventory, 100, { discard: ['node_modules', './vendor/big/'] }),
    ).toBeUndefined();
    expect(discardedOf(inventory, ['node_modules'])).toEqual([big]);
    // One named, one not: still refused, naming the other.
    const refusal = archiveRefusal(workspace, inventory, 100, { force: true, discard: ['node_modules/'] });
    expect(refusal).toContain('vendor/big/ (nested repository');
    expect(refusal).not.toContain('node_modules');
  });

  it('work and something too big: without --force both are named, and what --force alone would not do', () => {
    const refusal = archiveRefusal(workspace, { ...clean, untracked: ['a'], skipped: [big] }, 100);
    expect(refusal).toMatch(/has 1 untracked file \(a\)\. Archive with --force/);
    expect(refusal).toContain('Even then, node_modules/ (286 MB) cannot be kept in a snapshot');
    expect(refusal).toContain('(--discard node_modules/)');
  });

  it('a --discard naming something a snapshot would keep is a mistake, said so', () => {
    expect(archiveRefusal(workspace, { ...clean, skipped: [big] }, 100, { discard: ['src/'] })).toMatch(
      /^--discard src\/: not among what a snapshot of ff\/1-x cannot hold \(node_modules\/ \(286 MB\)\)/,
    );
  });
});

describe('snapshotRecord', () => {
  const at = new Date('2025-01-01T00:00:00.000Z');
  const written = { ref: 'refs/ff/archive/w1-1', commit: 'c'.repeat(40), nested: ['vendor/lib'] };

  it('keeps the ref, commit, HEAD, branch, counts, nested repositories and what the user discarded', () => {
    const inventory = {
      ...clean,
      tracked: ['a', 'b'],
      untracked: ['c'],
      ignored: ['.env'],
      emptyDirs: ['e'],
    };
    expect(snapshotRecord(written, inventory, [big], at)).toEqual({
      ...written,
      head: clean.head,
      branch: 'ff/1-x',
      tracked: 2,
      untracked: 1,
      ignored: 1,
      skipped: [big],
      emptyDirs: 1,
      at: '2025-01-01T00:00:00.000Z',
    });
  });

  it('a detached HEAD keeps the ref that holds its commits, and no branch', () => {
    const record = snapshotRecord(
      { ...written, headRef: 'refs/ff/archive-head/w1-1' },
      { ...clean, branch: undefined },
      [],
      at,
    );
    expect(record.headRef).toBe('refs/ff/archive-head/w1-1');
    expect(record).not.toHaveProperty('branch');
  });
});
