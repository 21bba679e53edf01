import { describe, expect, it } from 'vitest';
import {
  emptyNoticeMemory,
  type NoticeMemory,
  noticeFromDecision,
  noticePath,
  noticesFromBoard,
  rememberBoard,
} from '../../../extension/lib/notifications.js';
import type { Board, CardSession, WorkspaceCard } from '../../../shared/board.js';
import { WorkspaceRatchet } from '../../../shared/ratchet.js';

function card(
  overrides: Partial<WorkspaceCard['workspace']> = {},
  list: Partial<CardSession>[] = [],
): WorkspaceCard {
  const sessions = list.map(
    (s) => ({ id: 's1', kind: 'chat', title: 'chat', status: 'idle', turns: 1, ...s }) as const,
  );
  return {
    machine: 'local',
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
    sessions: {
      total: sessions.length,
      running: sessions.filter((s) => s.status === 'running').length,
      waitingForYou: sessions.filter((s) => s.status === 'waiting-permission').length,
      list: sessions,
    },
    ...(sessions[0] ? { focusSessionId: sessions[0].id } : {}),
  };
}
const board = (cards: WorkspaceCard[]): Board => ({
  project: 'o/r',
  columns: { issues: [], working: [], waiting: cards, done: [] },
});

/** Feeds boards one after another as the background does; returns each board's notices. */
function replay(boards: Board[], viewed: Set<string> = new Set(), start: NoticeMemory = emptyNoticeMemory()) {
  let memory = start;
  return boards.map((b) => {
    const notices = noticesFromBoard(b, memory, viewed);
    memory = rememberBoard(memory, b, notices);
    return notices;
  });
}

describe('notifications', () => {
  it('a session waiting for permission notifies once and opens that session', () => {
    const asking = board([card({}, [{ status: 'waiting-permission' }])]);
    const [first, second] = replay([asking, asking]);
    expect(first).toMatchObject([
      { kind: 'permission', title: 'Claude needs your permission', message: '#1 Fix it', sessionId: 's1' },
    ]);
    expect(second).toEqual([]);
    expect(noticePath(first![0]!)).toBe('/workspace.html?session=s1#w1');
  });

  it('a chat that finishes a turn while no view shows it notifies; one shown does not', () => {
    const running = board([card({}, [{ status: 'running', turns: 0 }])]);
    const idle = board([card({}, [{ status: 'idle', turns: 1 }])]);
    expect(replay([running, idle])[1]).toMatchObject([
      { kind: 'turn', id: 'turn:s1:1', workspaceId: 'w1', sessionId: 's1' },
    ]);
    expect(replay([running, idle], new Set(['s1']))[1]).toEqual([]);
  });

  it('a ratchet fixer finishing a turn is not news (the ratchet says what matters)', () => {
    const fixer = { kind: 'ratchet', title: 'CI_FAILED' } as const;
    const notices = replay([
      board([card({}, [{ ...fixer, status: 'running' }])]),
      board([card({}, [{ ...fixer, status: 'idle' }])]),
    ]);
    expect(notices.flat()).toEqual([]);
  });

  it('a crash notifies once, whatever view is open', () => {
    const [, crashed, again] = replay(
      [
        board([card({}, [{ status: 'running' }])]),
        board([card({}, [{ status: 'crashed' }])]),
        board([card({}, [{ status: 'crashed' }])]),
      ],
      new Set(['s1']),
    );
    expect(crashed).toMatchObject([
      { kind: 'crashed', title: 'A Claude session crashed', message: '#1 Fix it — chat' },
    ]);
    expect(again).toEqual([]);
  });

  it("the first board of a project is the baseline: yesterday's crash is not news, a new session's is", () => {
    const old = board([card({}, [{ status: 'crashed' }])]);
    const [first] = replay([old]);
    expect(first).toEqual([]);
    const fresh = board([card({}, [{ status: 'crashed' }, { id: 's2', status: 'crashed', turns: 0 }])]);
    expect(replay([old, fresh])[1]).toMatchObject([{ kind: 'crashed', sessionId: 's2' }]);
  });

  it('READY and MERGED PRs notify and open the workspace page', () => {
    const pr = { number: 7, url: 'https://github.com/o/r/pull/7', nodeId: 'PR_1' };
    const ready = replay([
      board([card({ pr, ratchet: { ...WorkspaceRatchet.parse({}), state: 'READY' } })]),
    ])[0]!;
    expect(ready).toMatchObject([{ kind: 'ready', title: 'PR #7 is ready to merge', workspaceId: 'w1' }]);
    expect(noticePath(ready[0]!)).toBe('/workspace.html#w1');
    const merged = replay([
      board([card({ pr, ratchet: { ...WorkspaceRatchet.parse({}), state: 'MERGED' } })]),
    ])[0];
    expect(merged).toMatchObject([{ kind: 'merged', title: 'PR #7 merged' }]);
  });

  it('nothing to say about an idle workspace; a started fixer is news', () => {
    expect(replay([board([card({}, [{}])]), board([card({}, [{}])])]).flat()).toEqual([]);
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
      workspaceId: 'w1',
    });
    expect(
      noticeFromDecision('w1', { action: 'none', reason: '', state: 'READY', at: 'now' }),
    ).toBeUndefined();
  });
});
