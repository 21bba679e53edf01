import { describe, expect, it } from 'vitest';
import {
  changedBoards,
  changedRecords,
  knownBoards,
  recordOf,
} from '../../../../agent/remote/known-boards.js';
import { type KnownLists, NO_LISTS } from '../../../../agent/remote/remote-lists.js';
import { projectView, sessionView, workspaceView } from './views.js';

/** A remote's last known lists: octo/app with a workspace whose chat is idle, octo/far with none. */
const box: KnownLists = {
  ...NO_LISTS,
  projects: [
    projectView({ id: 'p1', machine: 'box' }),
    projectView({ id: 'p2', repo: 'far', machine: 'box', host: 'ghe.example' }),
  ],
  workspaces: [workspaceView({ id: 'w1', projectId: 'p1', machine: 'box' })],
  sessions: [sessionView({ id: 's1', workspaceId: 'w1', machine: 'box' })],
};
const boxLists = (overrides: Partial<KnownLists> = {}): KnownLists => ({ ...box, ...overrides });

describe("a remote's boards from its last known lists", () => {
  it('one board per project, on the `board` topic of its host and machine, cards on the remote', () => {
    const boards = knownBoards(boxLists());
    expect(boards.map((e) => [e.project, e.host, e.machine])).toEqual([
      ['octo/app', 'github.com', 'box'],
      ['octo/far', 'ghe.example', 'box'],
    ]);
    expect(
      boards[0]?.board.columns.waiting.map((c) => [c.workspace.id, c.machine, c.sessions.total]),
    ).toEqual([['w1', 'box', 1]]);
    expect(boards[1]?.board.columns).toEqual({ issues: [], working: [], waiting: [], done: [] });
  });

  it("a card's record is the workspace without what only the list view adds", () => {
    const view = workspaceView({ id: 'w1', machine: 'box', changes: null, disk: undefined });
    expect(Object.keys(recordOf(view)).sort()).not.toEqual(
      expect.arrayContaining(['machine', 'project', 'sessions', 'changes']),
    );
    expect(recordOf(view)).toMatchObject({ id: 'w1', branch: view.branch, status: 'ready' });
  });

  it('a late answer publishes the boards it changed, and only those', () => {
    const before = knownBoards(boxLists());
    const running = boxLists({
      sessions: [sessionView({ id: 's1', workspaceId: 'w1', machine: 'box', status: 'running' })],
    });
    const changed = changedBoards(before, knownBoards(running));
    expect(changed.map((e) => e.project)).toEqual(['octo/app']);
    expect(changed[0]?.board.columns.working.map((c) => c.workspace.id)).toEqual(['w1']);
    expect(changedBoards(before, knownBoards(boxLists()))).toEqual([]);
  });

  it('a project first seen in a late answer has its board published', () => {
    const before = knownBoards(boxLists({ projects: box.projects.slice(0, 1) }));
    expect(changedBoards(before, knownBoards(boxLists())).map((e) => e.project)).toEqual(['octo/far']);
  });

  it('the workspace records a late answer changed or added, and not the ones it left as they were', () => {
    const w1 = workspaceView({ id: 'w1', machine: 'box' });
    const w2 = workspaceView({ id: 'w2', machine: 'box' });
    const w3 = workspaceView({ id: 'w3', machine: 'box' });
    // A view-only change (its sessions' count) is no record change: the board carries that.
    const after = [
      { ...w1, status: 'missing' as const },
      { ...w2, sessions: { ...w2.sessions, total: 5 } },
      w3,
    ];
    expect(changedRecords([w1, w2], after).map((r) => [r.id, r.status])).toEqual([
      ['w1', 'missing'],
      ['w3', 'ready'],
    ]);
  });
});
