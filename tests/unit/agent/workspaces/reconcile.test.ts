import { describe, expect, it } from 'vitest';
import { journalOutcome } from '../../../../agent/workspaces/archive.js';
import { changeAfterRestart } from '../../../../agent/workspaces/reconcile.js';
import type { Workspace } from '../../../../shared/domain.js';
import { WorkspaceRatchet } from '../../../../shared/ratchet.js';

const NOW = '2025-01-02T00:00:00.000Z';
const record = (fields: Partial<Workspace>): Workspace => ({
  id: 'w1',
  projectId: 'p1',
  branch: 'ff/1-x',
  baseBranch: 'main',
  path: '/wt/ff/1-x',
  status: 'ready',
  warnings: [],
  ratchet: WorkspaceRatchet.parse({}),
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...fields,
});

describe('changeAfterRestart', () => {
  it.each([
    ['ready and on disk', record({ status: 'ready' }), true],
    ['failed', record({ status: 'failed' }), false],
    ['archived, its worktree gone', record({ status: 'archived' }), false],
    ['missing and still gone', record({ status: 'missing' }), false],
  ])('%s: unchanged', (_, workspace, onDisk) => {
    expect(changeAfterRestart(workspace, onDisk, NOW)).toBeUndefined();
  });

  it.each([
    ['running setup', 'running setup', 'running setup'],
    ['fetching', 'fetching', 'fetching'],
    [undefined, 'creating worktree', 'provisioning'],
  ] as const)(
    'stopped while provisioning (step %s): failed at that step, retryable',
    (step, failedStep, words) => {
      const change = changeAfterRestart(record({ status: 'provisioning', step }), false, NOW);
      expect(change).toEqual({
        status: 'failed',
        failure: {
          step: failedStep,
          message: `ff-agent stopped while this workspace was ${words}. Retry to finish it.`,
          at: NOW,
        },
        step: undefined,
        updatedAt: NOW,
      });
    },
  );

  it('a ready worktree gone from disk is missing, with a warning saying how to get it back', () => {
    const change = changeAfterRestart(record({ status: 'ready', warnings: ['older'] }), false, NOW);
    expect(change?.status).toBe('missing');
    expect(change?.warnings).toEqual([
      'older',
      'The worktree /wt/ff/1-x is gone from disk. Retry to recreate it on branch ff/1-x, or archive the workspace.',
    ]);
    expect(change?.updatedAt).toBe(NOW);
  });

  it('a ready worktree gone from disk that has a snapshot says to archive and restore it', () => {
    const change = changeAfterRestart(record({ status: 'ready' }), false, NOW, 'refs/ff/archive/w1-2');
    expect(change?.status).toBe('missing');
    expect(change?.warnings?.at(-1)).toBe(
      'The worktree /wt/ff/1-x is gone from disk. Its newest snapshot is refs/ff/archive/w1-2: archive the workspace, then `ff-agent workspace restore w1` brings it back; or retry to recreate it on branch ff/1-x.',
    );
  });

  it('the warnings keep the newest ten', () => {
    const warnings = Array.from({ length: 10 }, (_, i) => `w${i}`);
    const change = changeAfterRestart(record({ status: 'ready', warnings }), false, NOW);
    expect(change?.warnings).toHaveLength(10);
    expect(change?.warnings?.[0]).toBe('w1');
  });

  it('a missing worktree that came back is ready again', () => {
    expect(changeAfterRestart(record({ status: 'missing' }), true, NOW)).toEqual({
      status: 'ready',
      updatedAt: NOW,
    });
  });
});

describe('journalOutcome (an archive the agent stopped in the middle of)', () => {
  it.each([
    ['killed before the worktree moved: still whole where it was', true, false, false, true, 'keep worktree'],
    ['killed after the worktree moved aside, before it was deleted', false, true, false, true, 'finish'],
    ['killed while the moved worktree was being deleted (part left)', false, true, false, true, 'finish'],
    ['killed after it was deleted, before the record said so', false, false, false, true, 'finish'],
    ['killed while deleting in place (no rename possible)', true, false, true, true, 'finish'],
    ['its snapshot deleted by hand, the worktree moved aside', false, true, false, false, 'move back'],
    ['its snapshot deleted by hand, the worktree where it was', true, false, false, false, 'keep worktree'],
  ])('%s: %s', (_, pathExists, trashExists, inPlace, snapshotKept, outcome) => {
    expect(journalOutcome({ pathExists, trashExists, inPlace, snapshotKept })).toBe(outcome);
  });
});
