import { describe, expect, it } from 'vitest';
import {
  applyBoard,
  groupByMachineAndRepo,
  groupWorkspaces,
  hasNews,
  keepUnreachable,
  markSeen,
  scrollToShow,
} from '../../../extension/lib/workspace-list.js';
import type { Board, WorkspaceCard } from '../../../shared/board.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import type { RemoteView } from '../../../shared/protocol.js';
import { workspaceView as view } from '../../helpers/workspace-view.js';

function card(w: WorkspaceView, list: WorkspaceCard['sessions']['list']): WorkspaceCard {
  const { project: _, sessions: __, changes: ___, previews: ____, machine, ...workspace } = w;
  return {
    machine,
    workspace,
    sessions: {
      total: list.length,
      running: list.filter((s) => s.status === 'running' || s.status === 'starting').length,
      waitingForYou: list.filter((s) => s.status === 'waiting-permission').length,
      list,
    },
  };
}
const board = (project: string, waiting: WorkspaceCard[], working: WorkspaceCard[] = []): Board => ({
  project,
  columns: { issues: [], working, waiting, done: [] },
});

describe('applyBoard', () => {
  it("copies each card's state into its workspace: running, needs you, turns", () => {
    const a = view();
    const b = view();
    const { list, reload } = applyBoard(
      [a, b],
      board(
        'octo/app',
        [card(a, [{ id: 's1', kind: 'chat', title: 'chat', status: 'waiting-permission', turns: 2 }])],
        [card(b, [{ id: 's2', kind: 'chat', title: 'chat', status: 'running', turns: 4 }])],
      ),
    );
    expect(reload).toBe(false);
    // A session asking for a permission waits for you: it is not counted as running (shared/session-counts.ts).
    expect(list.map((w) => w.sessions)).toMatchObject([
      { total: 1, running: 0, waitingForYou: 1, turns: 2 },
      { total: 1, running: 1, waitingForYou: 0, turns: 4 },
    ]);
    expect(list[0]!.project).toBe('octo/app');
  });

  it("a card's previews replace its workspace's: one that came shows, one that went is gone", () => {
    const preview = { port: 3001, url: 'http://localhost:3001/', pid: 7, command: 'vite' };
    const listening = view({ previews: [] });
    const stopped = view({ previews: [preview] });
    const unknown = view();
    const { list } = applyBoard(
      [listening, stopped, unknown],
      board('octo/app', [
        { ...card(listening, []), previews: [preview] },
        card(stopped, []),
        card(unknown, []),
      ]),
    );
    expect(list.map((w) => w.previews)).toEqual([[preview], [], undefined]);
  });

  it('asks for a reload when a card is new, or a workspace with sessions left the board (archived)', () => {
    const a = view();
    const fresh = view();
    expect(applyBoard([a], board('octo/app', [card(a, []), card(fresh, [])])).reload).toBe(true);
    expect(applyBoard([a], board('octo/app', [])).reload).toBe(true);
    // Not for another repo's board, nor for one never used (it is on no board).
    expect(applyBoard([a], board('octo/other', [])).reload).toBe(false);
    const unused = view({ sessions: { total: 0, running: 0, waitingForYou: 0, turns: 0, costUsd: 0 } });
    expect(applyBoard([unused], board('octo/app', [])).reload).toBe(false);
  });
});

describe('groupWorkspaces', () => {
  const app1 = view({ updatedAt: '2026-11-25T10:00:01Z' });
  const app2 = view({ updatedAt: '2026-11-25T10:00:05Z', branch: 'ff/fix-login' });
  const lib = view({ project: 'octo/lib', updatedAt: '2026-11-25T10:00:09Z' });
  const gone = view({ status: 'archived' });
  const ids = (groups: ReturnType<typeof groupWorkspaces>) =>
    groups.map((g) => `${g.project}: ${g.workspaces.map((w) => w.id).join(',')}`);

  it("groups by repo, the current tab's first, newest first within; archived ones hidden", () => {
    expect(ids(groupWorkspaces([app1, app2, lib, gone], {}))).toEqual([
      `octo/lib: ${lib.id}`,
      `octo/app: ${app2.id},${app1.id}`,
    ]);
    expect(ids(groupWorkspaces([app1, app2, lib], { currentRepo: 'octo/app' }))[0]).toBe(
      `octo/app: ${app2.id},${app1.id}`,
    );
  });

  it.each([
    [`#${app2.issue!.number}`, [app2.id]],
    [`${app1.issue!.number}`, [app1.id]],
    ['login', [app2.id]],
    ['LIB', [lib.id]],
    ['task octo/app', [app2.id, app1.id]],
    ['nothing-like-it', []],
    [`#${app1.issue!.number}0`, []],
  ])('filter %j', (filter, expected) => {
    expect(
      groupWorkspaces([app1, app2, lib], { filter }).flatMap((g) => g.workspaces.map((w) => w.id)),
    ).toEqual(expected);
  });
});

describe('new replies', () => {
  it('a workspace seen first counts as read; a later turn is news until it is selected', () => {
    const w = view();
    let seen = markSeen([w], {});
    expect(hasNews(w, seen)).toBe(false);
    const replied = { ...w, sessions: { ...w.sessions, turns: 2 } };
    expect(hasNews(replied, seen)).toBe(true);
    expect(hasNews(replied, seen, w.id)).toBe(false); // on screen
    seen = markSeen([replied], seen, w.id);
    expect(hasNews(replied, seen)).toBe(false);
  });
});

describe('remote machines in the list', () => {
  const on = (machine: string, overrides: Partial<WorkspaceView> = {}) =>
    ({ ...view(overrides), machine }) as WorkspaceView;

  it('groups by machine (this computer first, remotes by name), then by repo within', () => {
    const a = on('local', { project: 'octo/app' });
    const b = on('zeta', { project: 'octo/app' });
    const c = on('devbox', { project: 'octo/lib' });
    const d = on('devbox', { project: 'octo/app' });
    const e = view({ project: 'octo/lib' }); // untagged: from an agent without remotes, so this computer
    const machines = groupByMachineAndRepo([a, b, c, d, e], { currentRepo: 'octo/app' });
    expect(
      machines.map((m) => [m.machine, m.groups.map((g) => [g.project, g.workspaces.map((w) => w.id)])]),
    ).toEqual([
      [
        'local',
        [
          ['octo/app', [a.id]],
          ['octo/lib', [e.id]],
        ],
      ],
      [
        'devbox',
        [
          ['octo/app', [d.id]],
          ['octo/lib', [c.id]],
        ],
      ],
      ['zeta', [['octo/app', [b.id]]]],
    ]);
  });

  it('a filter that leaves a machine nothing drops its group', () => {
    const a = on('local', { issue: { number: 501, title: 'alpha', url: 'u' } });
    const b = on('devbox', { issue: { number: 502, title: 'beta', url: 'u' } });
    expect(groupByMachineAndRepo([a, b], { filter: 'beta' }).map((m) => m.machine)).toEqual(['devbox']);
  });

  it("a remote's board push reloads nothing for the same repo's workspaces on this computer", () => {
    const here = on('local', { sessions: { total: 1, running: 0, waitingForYou: 0, turns: 1, costUsd: 0 } });
    const there = on('devbox');
    const push = board('octo/app', [
      card(there, [{ id: 's9', kind: 'chat', title: 'chat', status: 'idle', turns: 1 }]),
    ]);
    expect(applyBoard([here, there], push, 'devbox').reload).toBe(false);
    // Without knowing the machine (an agent without remotes), a missing card still means archived.
    expect(applyBoard([here, there], push).reload).toBe(true);
  });
});

describe('keepUnreachable', () => {
  const on = (machine: string) => ({ ...view(), machine }) as WorkspaceView;
  const remote = (name: string, state: RemoteView['state']): RemoteView => ({
    name,
    destination: `me@${name}`,
    options: [],
    state,
    since: '2026-12-01T03:00:00Z',
  });

  it("keeps an unreachable remote's last known workspaces when the fresh list leaves them out", () => {
    const here = on('local');
    const there = on('devbox');
    const fresh = [{ ...here, branch: 'renamed' }];
    const list = keepUnreachable([here, there], fresh, [remote('devbox', 'unreachable')]);
    expect(list.map((w) => [w.id, w.branch])).toEqual([
      [here.id, 'renamed'],
      [there.id, there.branch],
    ]);
  });

  it('drops them once the remote is connected (the list is the truth), or removed', () => {
    const there = on('devbox');
    expect(keepUnreachable([there], [], [remote('devbox', 'connected')])).toEqual([]);
    expect(keepUnreachable([there], [], [])).toEqual([]);
  });

  it("takes the fresh list's word for a remote it answered for, reachable or not", () => {
    const old = on('devbox');
    const current = on('devbox');
    expect(keepUnreachable([old], [current], [remote('devbox', 'connecting')]).map((w) => w.id)).toEqual([
      current.id,
    ]);
  });
});

describe('scrollToShow: the selected row in the scrolled list', () => {
  const list = { top: 100, bottom: 320 };
  it.each([
    ['wholly in view', { top: 150, bottom: 200 }, 0],
    ['cut at the bottom (machine headers pushed it down)', { top: 290, bottom: 340 }, 20],
    ['below the list', { top: 400, bottom: 450 }, 130],
    ['above the list', { top: 40, bottom: 90 }, -60],
    ['taller than the list: its top', { top: 120, bottom: 400 }, 20],
  ])('%s', (_, row, delta) => {
    expect(scrollToShow(list, row)).toBe(delta);
  });
});
