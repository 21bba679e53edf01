import { describe, expect, it } from 'vitest';
import type { WorktreeInventory } from '../../../../agent/git/snapshot.js';
import { archiveRefusal } from '../../../../agent/workspaces/archive.js';
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
};
const workspace = { id: 'w1', branch: 'ff/1-x' };

describe('archiveRefusal', () => {
  it.each([
    ['nothing to lose', clean],
    [
      'only an ignored folder too big to keep',
      { ...clean, skipped: [{ path: 'node_modules/', bytes: 3e8 }] },
    ],
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
  ])('%s: refused, naming it', (_, inventory, named) => {
    const refusal = archiveRefusal(workspace, inventory, 100);
    expect(refusal).toContain(`Workspace ff/1-x has ${named}`);
    expect(refusal).toContain('Archive with --force');
    expect(refusal).toContain('`ff-agent workspace restore w1` brings them back.');
  });

  it('a refusal says what even a snapshot would not keep, and the limit', () => {
    const refusal = archiveRefusal(
      workspace,
      { ...clean, untracked: ['a'], skipped: [{ path: 'dist/', bytes: 200 * 1024 * 1024 }] },
      100,
    );
    expect(refusal).toMatch(/\(dist\/ \(200(\.0)? MB\) would not be kept: over the 100 MB snapshot limit\)/);
  });
});

describe('snapshotRecord', () => {
  const at = new Date('2025-01-01T00:00:00.000Z');
  const written = { ref: 'refs/ff/archive/w1', commit: 'c'.repeat(40) };

  it('keeps the ref, commit, HEAD, branch and counts of what it holds', () => {
    const inventory = { ...clean, tracked: ['a', 'b'], untracked: ['c'], ignored: ['.env'] };
    expect(snapshotRecord(written, inventory, at)).toEqual({
      ...written,
      head: clean.head,
      branch: 'ff/1-x',
      tracked: 2,
      untracked: 1,
      ignored: 1,
      skipped: [],
      at: '2025-01-01T00:00:00.000Z',
    });
  });

  it('a detached HEAD keeps the ref that holds its commits, and no branch', () => {
    const record = snapshotRecord(
      { ...written, headRef: 'refs/ff/archive-head/w1' },
      { ...clean, branch: undefined },
      at,
    );
    expect(record.headRef).toBe('refs/ff/archive-head/w1');
    expect(record).not.toHaveProperty('branch');
  });
});
