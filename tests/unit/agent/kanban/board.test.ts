import { describe, expect, it } from 'vitest';
import { deriveBoard } from '../../../../agent/kanban/board.js';
import type { AssignedIssue, BoardSession } from '../../../../shared/board.js';
import type { Session, Workspace } from '../../../../shared/domain.js';
import { WorkspaceRatchet } from '../../../../shared/ratchet.js';

let n = 0;
function workspace(overrides: Partial<Workspace> = {}): Workspace {
  n++;
  return {
    id: `w${n}`,
    projectId: 'p',
    branch: `ff/${n}`,
    baseBranch: 'main',
    path: `/wt/${n}`,
    status: 'ready',
    warnings: [],
    ratchet: WorkspaceRatchet.parse({}),
    createdAt: `2026-11-25T10:00:0${n % 10}Z`,
    updatedAt: `2026-11-25T10:00:0${n % 10}Z`,
    ...overrides,
  };
}
function session(workspaceId: string, status: Session['status']): BoardSession {
  n++;
  return {
    id: `s${n}`,
    workspaceId,
    status,
    kind: 'chat',
    title: 'chat',
    turns: 1,
    createdAt: `2026-11-25T10:00:${10 + (n % 40)}Z`,
  };
}
const issue = (number: number): AssignedIssue => ({
  number,
  title: `issue ${number}`,
  url: `u${number}`,
  labels: [],
  updatedAt: '',
});
const ids = (cards: Array<{ workspace: Workspace }>) => cards.map((c) => c.workspace.id);

describe('deriveBoard', () => {
  it.each<[string, Partial<Workspace>, Array<Session['status']>, 'working' | 'waiting' | 'done' | 'hidden']>([
    ['provisioning', { status: 'provisioning' }, [], 'working'],
    ['failed', { status: 'failed' }, [], 'working'],
    ['missing', { status: 'missing' }, ['idle'], 'working'],
    ['a running session', {}, ['running'], 'working'],
    ['a starting session', {}, ['starting'], 'working'],
    ['running beats idle', {}, ['idle', 'running'], 'working'],
    ['idle with a session', {}, ['idle'], 'waiting'],
    ['waiting for a permission', {}, ['waiting-permission'], 'waiting'],
    ['interrupted', {}, ['interrupted'], 'waiting'],
    ['crashed', {}, ['crashed'], 'waiting'],
    ['exited', {}, ['exited'], 'waiting'],
    ['ready without sessions is hidden', {}, [], 'hidden'],
    ['archived is hidden', { status: 'archived' }, ['idle'], 'hidden'],
    ['merged is done', { ratchet: { ...WorkspaceRatchet.parse({}), state: 'MERGED' } }, ['idle'], 'done'],
    [
      'merged is done even while a session runs',
      { ratchet: { ...WorkspaceRatchet.parse({}), state: 'MERGED' } },
      ['running'],
      'done',
    ],
  ])('%s → %s', (_name, overrides, statuses, column) => {
    const w = workspace(overrides);
    const board = deriveBoard({
      project: 'o/r',
      workspaces: [w],
      sessions: statuses.map((s) => session(w.id, s)),
      assignedIssues: [],
    });
    const where =
      (['working', 'waiting', 'done'] as const).find((c) => ids(board[c]).includes(w.id)) ?? 'hidden';
    expect(where).toBe(column);
  });

  it('assigned issues already linked to a workspace are not repeated; archived ones free the issue', () => {
    const linked = workspace({ issue: { number: 1, title: 't', url: 'u' } });
    const archived = workspace({ status: 'archived', issue: { number: 2, title: 't', url: 'u' } });
    const board = deriveBoard({
      project: 'o/r',
      workspaces: [linked, archived],
      sessions: [session(linked.id, 'idle')],
      assignedIssues: [issue(1), issue(2), issue(3)],
    });
    expect(board.issues.map((i) => i.number)).toEqual([2, 3]);
  });

  it('cards say what needs you and which session to open', () => {
    const w = workspace();
    const older = session(w.id, 'idle');
    const asking = session(w.id, 'waiting-permission');
    const board = deriveBoard({
      project: 'o/r',
      workspaces: [w],
      sessions: [older, asking],
      assignedIssues: [],
    });
    expect(board.waiting[0]).toMatchObject({
      sessions: {
        total: 2,
        running: 0,
        waitingForYou: 1,
        list: [
          { id: asking.id, status: 'waiting-permission' },
          { id: older.id, status: 'idle' },
        ],
      },
      focusSessionId: asking.id,
    });
  });

  it("a card carries its ready workspace's previews, and none when there are none", () => {
    const listening = workspace();
    const quiet = workspace();
    const making = workspace({ status: 'provisioning' });
    const preview = { port: 3001, url: 'http://localhost:3001/', pid: 7, command: 'vite' };
    const board = deriveBoard({
      project: 'o/r',
      workspaces: [listening, quiet, making],
      sessions: [session(listening.id, 'idle'), session(quiet.id, 'idle'), session(making.id, 'idle')],
      assignedIssues: [],
      previews: (id) => (id === quiet.id ? [] : [preview]),
    });
    const cards = [...board.working, ...board.waiting];
    expect(cards.find((c) => c.workspace.id === listening.id)?.previews).toEqual([preview]);
    expect(cards.find((c) => c.workspace.id === quiet.id)).not.toHaveProperty('previews');
    expect(cards.find((c) => c.workspace.id === making.id)).not.toHaveProperty('previews');
  });
});
