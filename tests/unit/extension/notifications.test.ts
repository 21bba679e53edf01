import { describe, expect, it } from 'vitest';
import { noticeFromDecision, noticesFromBoard } from '../../../extension/lib/notifications.js';
import type { Board, WorkspaceCard } from '../../../shared/board.js';
import { WorkspaceRatchet } from '../../../shared/ratchet.js';

function card(
  overrides: Partial<WorkspaceCard['workspace']> = {},
  sessions = { total: 1, running: 0, waitingForYou: 0 },
): WorkspaceCard {
  return {
    workspace: {
      id: 'w1',
      projectId: 'p',
      branch: 'ff/1-x',
      baseBranch: 'main',
      path: '/w',
      status: 'ready',
      warnings: [],
      ratchet: WorkspaceRatchet.parse({}),
      issue: { number: 1, title: 'Fix it', url: 'https://github.com/o/r/issues/1' },
      createdAt: '',
      updatedAt: 't1',
      ...overrides,
    },
    sessions,
    focusSessionId: 's1',
  };
}
const board = (cards: WorkspaceCard[]): Board => ({
  project: 'o/r',
  columns: { issues: [], working: [], waiting: cards, done: [] },
});

describe('notifications', () => {
  it('a session waiting for permission notifies once', () => {
    const seen = new Set<string>();
    const first = noticesFromBoard(board([card({}, { total: 1, running: 0, waitingForYou: 1 })]), seen);
    expect(first).toMatchObject([
      { kind: 'permission', title: 'Claude needs your permission', message: '#1 Fix it' },
    ]);
    for (const n of first) seen.add(n.id);
    expect(noticesFromBoard(board([card({}, { total: 1, running: 0, waitingForYou: 1 })]), seen)).toEqual([]);
  });

  it('READY and MERGED PRs notify with the PR link', () => {
    const pr = { number: 7, url: 'https://github.com/o/r/pull/7', nodeId: 'PR_1' };
    const ready = noticesFromBoard(
      board([card({ pr, ratchet: { ...WorkspaceRatchet.parse({}), state: 'READY' } })]),
      new Set(),
    );
    expect(ready).toMatchObject([{ kind: 'ready', title: 'PR #7 is ready to merge', url: pr.url }]);
    const merged = noticesFromBoard(
      board([card({ pr, ratchet: { ...WorkspaceRatchet.parse({}), state: 'MERGED' } })]),
      new Set(),
    );
    expect(merged).toMatchObject([{ kind: 'merged', title: 'PR #7 merged' }]);
  });

  it('nothing to say about an idle workspace; a started fixer is news', () => {
    expect(noticesFromBoard(board([card()]), new Set())).toEqual([]);
    expect(
      noticeFromDecision('w1', {
        action: 'start-fixer',
        reason: 'CI failing: test — starting a fixer',
        state: 'CI_FAILED',
        at: 'now',
        fingerprint: 'f',
      }),
    ).toMatchObject({
      kind: 'fixer',
      message: 'CI failing: test — starting a fixer',
    });
    expect(
      noticeFromDecision('w1', { action: 'none', reason: '', state: 'READY', at: 'now' }),
    ).toBeUndefined();
  });
});
