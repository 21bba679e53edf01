import { describe, expect, it } from 'vitest';
import { orphanSnapshotName, orphansAmong } from '../../../../agent/workspaces/orphans.js';

describe('orphansAmong', () => {
  const root = '/home/me/.ff/worktrees/octo/app';
  it.each([
    ['the clone itself is not an orphan', ['/src/app'], [], []],
    ['a worktree a workspace knows is not an orphan', [`${root}/ff/1`], [`${root}/ff/1`], []],
    ['one no workspace knows is', [`${root}/ff/1`, `${root}/ff/2`], [`${root}/ff/1`], [`${root}/ff/2`]],
    ['paths are compared resolved', [`${root}/ff/../ff/2`], [`${root}/ff/2/`], []],
    ['a worktree outside the root is not ff’s', ['/elsewhere/ff/3'], [], []],
  ])('%s', (_, registered, known, orphans) => {
    expect(orphansAmong(root, registered, known)).toEqual(orphans);
  });
});

describe('orphanSnapshotName', () => {
  it('is stable per path and differs between paths', () => {
    expect(orphanSnapshotName('/wt/a')).toBe(orphanSnapshotName('/wt/a'));
    expect(orphanSnapshotName('/wt/a')).not.toBe(orphanSnapshotName('/wt/b'));
    expect(orphanSnapshotName('/wt/a')).toMatch(/^orphan-[0-9a-f]{12}$/);
  });
});
