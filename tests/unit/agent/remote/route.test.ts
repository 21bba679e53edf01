import { describe, expect, it } from 'vitest';
import {
  mergeBoards,
  projectMatches,
  stampBoard,
  stampMachine,
  stampView,
  topicOwnerRef,
} from '../../../../agent/remote/route.js';
import type { Board, WorkspaceCard } from '../../../../shared/board.js';
import { WorkspaceRatchet } from '../../../../shared/ratchet.js';

const workspace = {
  id: 'w1',
  projectId: 'p1',
  branch: 'ff/1-x',
  baseBranch: 'main',
  path: '/wt',
  status: 'ready' as const,
  warnings: [],
  ratchet: WorkspaceRatchet.parse({}),
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
};

describe('topicOwnerRef: what a topic names decides where it is followed', () => {
  it.each([
    ['session:s1', { kind: 'session', id: 's1' }],
    ['workspace:w1', { kind: 'workspace', id: 'w1' }],
    ['terminal:t1', { kind: 'terminal', id: 't1' }],
    ['board', undefined],
    ['remotes', undefined],
  ] as const)('topic %s', (topic, expected) => {
    expect(topicOwnerRef(topic)).toEqual(expected);
  });
});

describe('stamping: what a remote calls local carries its name here', () => {
  it('a view of its own is stamped; a view of a machine behind it keeps that name; the original is untouched', () => {
    const mine = { id: 'w1', machine: 'local', title: 'local' };
    expect(stampView(mine, 'box')).toEqual({ id: 'w1', machine: 'box', title: 'local' });
    expect(mine.machine).toBe('local');
    expect(stampView({ id: 'w2', machine: 'far' }, 'box').machine).toBe('far');
    expect(stampMachine('local', 'box')).toBe('box');
  });

  it("a board's cards in every column carry the remote's name", () => {
    const cardOf = (id: string): WorkspaceCard => ({
      machine: 'local',
      workspace: { ...workspace, id },
      sessions: { total: 0, running: 0, waitingForYou: 0, list: [] },
    });
    const stamped = stampBoard(
      {
        project: 'octo/app',
        columns: { issues: [], working: [cardOf('a')], waiting: [cardOf('b')], done: [cardOf('c')] },
      },
      'box',
    );
    const { working, waiting, done } = stamped.columns;
    expect([...working, ...waiting, ...done].map((c) => c.machine)).toEqual(['box', 'box', 'box']);
  });
});

describe('projectMatches', () => {
  const project = { id: 'abc123', host: 'github.com', owner: 'Octo', repo: 'App' };
  it.each([
    ['abc123', true],
    ['octo/app', true],
    ['github.com/octo/app', true],
    ['ghe.example.com/octo/app', false],
    ['octo/other', false],
  ])('%s → %s', (ref, expected) => {
    expect(projectMatches(project, ref)).toBe(expected);
  });
});

describe('mergeBoards: one repo cloned on two machines is one board', () => {
  const card = (id: string, machine: string, issue: number, updatedAt: string): WorkspaceCard => ({
    machine,
    workspace: { ...workspace, id, updatedAt, issue: { number: issue, title: 't', url: 'https://x' } },
    sessions: { total: 1, running: 1, waitingForYou: 0, list: [] },
  });
  const issue = (number: number) => ({
    number,
    title: `#${number}`,
    url: 'https://x',
    labels: [],
    updatedAt: '',
  });
  const board = (cards: WorkspaceCard[], issues: number[]): Board => ({
    project: 'octo/app',
    columns: { issues: issues.map(issue), working: cards, waiting: [], done: [] },
  });

  it("holds every machine's cards newest first, and each assigned issue once unless a workspace anywhere took it", () => {
    const merged = mergeBoards([
      board([card('w1', 'local', 1, '2026-12-01T01:00:00Z')], [2, 3, 4]),
      board([card('w2', 'box', 2, '2026-12-01T02:00:00Z')], [1, 3, 4]),
    ]);
    expect(merged.columns.working.map((c) => [c.workspace.id, c.machine])).toEqual([
      ['w2', 'box'],
      ['w1', 'local'],
    ]);
    expect(merged.columns.issues.map((i) => i.number)).toEqual([3, 4]);
  });
});
