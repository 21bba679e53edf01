import { describe, expect, it } from 'vitest';
import { type RestorePlan, restorePlan } from '../../../../agent/workspaces/restore.js';
import type { WorkspaceSnapshot } from '../../../../shared/domain.js';

const HEAD = 'a'.repeat(40);
const MOVED = 'b'.repeat(40);
const onBranch: WorkspaceSnapshot = {
  ref: 'refs/ff/archive/w1',
  commit: 'c'.repeat(40),
  head: HEAD,
  branch: 'ff/1-x',
  tracked: 1,
  untracked: 0,
  ignored: 0,
  skipped: [],
  at: '2025-01-01T00:00:00.000Z',
};
const detached: WorkspaceSnapshot = { ...onBranch, branch: undefined, headRef: 'refs/ff/archive-head/w1' };
const archived = (snapshot?: WorkspaceSnapshot) => ({
  id: 'w1',
  archived: { at: '2025-01-01T00:00:00.000Z', ...(snapshot ? { snapshot } : {}) },
});
const summary = (plan: RestorePlan) =>
  plan.kind === 'refused'
    ? `refused ${plan.error.code}`
    : plan.kind === 'snapshot'
      ? `snapshot on ${plan.branch ?? 'a detached HEAD'}${plan.createAt ? `, branch created at ${plan.createAt.slice(0, 1)}` : ''}`
      : plan.kind === 'branch only'
        ? `branch only ${plan.branch}`
        : plan.kind;

describe('restorePlan', () => {
  // Each case: the record, the snapshot chosen (the newest of its refs, or none left), where its branch is now.
  it.each([
    ['no snapshot ever taken (no worktree when archived)', archived(), undefined, HEAD, 'worktree'],
    ['its snapshot, the branch where it was', archived(onBranch), onBranch, HEAD, 'snapshot on ff/1-x'],
    [
      'its snapshot, the branch deleted since',
      archived(onBranch),
      onBranch,
      undefined,
      'snapshot on ff/1-x, branch created at a',
    ],
    ['its snapshot, the branch moved since', archived(onBranch), onBranch, MOVED, 'refused CONFLICT'],
    ['a detached snapshot', archived(detached), detached, undefined, 'snapshot on a detached HEAD'],
    [
      'a snapshot the record does not know (a crash before the record was written)',
      archived(),
      onBranch,
      HEAD,
      'snapshot on ff/1-x',
    ],
    [
      'every snapshot deleted by gc, its branch still there',
      archived(onBranch),
      undefined,
      MOVED,
      'branch only ff/1-x',
    ],
    [
      'every snapshot deleted by gc, its branch gone',
      archived(onBranch),
      undefined,
      undefined,
      'refused FAILED_PRECONDITION',
    ],
    [
      'a detached snapshot gc deleted',
      archived(detached),
      undefined,
      undefined,
      'refused FAILED_PRECONDITION',
    ],
  ])('%s: %s', (_, workspace, chosen, branchTip, plan) => {
    expect(summary(restorePlan(workspace, chosen, { branchTip }))).toBe(plan);
  });

  it('a moved branch is refused naming both commits and where the snapshot still is', () => {
    const plan = restorePlan(archived(onBranch), onBranch, { branchTip: MOVED });
    expect(plan.kind === 'refused' && plan.error.message).toBe(
      'Branch ff/1-x moved since workspace w1 was archived (it was at aaaaaaaaaaaa, now bbbbbbbbbbbb); the snapshot is still on refs/ff/archive/w1.',
    );
  });

  it('a deleted snapshot is refused naming gc and its retention setting', () => {
    const plan = restorePlan(archived(detached), undefined, { branchTip: undefined });
    expect(plan.kind === 'refused' && plan.error.message).toMatch(
      /refs\/ff\/archive\/w1\) is gone; .*archiveRetentionDays/,
    );
  });
});
