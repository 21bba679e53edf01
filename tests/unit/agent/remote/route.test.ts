import { describe, expect, it } from 'vitest';
import {
  mergeBoards,
  projectMatches,
  requestOwnerRef,
  stampMachine,
  thingsIn,
  topicOwnerRef,
} from '../../../../agent/remote/route.js';
import type { Board, WorkspaceCard } from '../../../../shared/board.js';
import { WorkspaceRatchet } from '../../../../shared/ratchet.js';

describe('requestOwnerRef: what a request names decides where it goes', () => {
  it.each([
    ['session.send', { sessionId: 's1', text: 'hi' }, { kind: 'session', id: 's1' }],
    ['permission.respond', { sessionId: 's1', requestId: 'r', allow: true }, { kind: 'session', id: 's1' }],
    ['terminal.input', { terminalId: 't1', data: 'ls' }, { kind: 'terminal', id: 't1' }],
    ['workspace.get', { workspaceId: 'w1' }, { kind: 'workspace', id: 'w1' }],
    ['session.start', { workspaceId: 'w1', prompt: 'x' }, { kind: 'workspace', id: 'w1' }],
    ['workspace.create', { project: 'octo/app' }, { kind: 'project', id: 'octo/app' }],
    ['board.get', { project: 'p1' }, { kind: 'project', id: 'p1' }],
    ['project.add', { path: '/src', machine: 'box' }, { kind: 'machine', machine: 'box' }],
    ['project.add', { path: '/src', machine: 'local' }, undefined],
    ['project.add', { path: '/src' }, undefined],
    ['workspace.list', {}, undefined],
    ['session.list', undefined, undefined],
    ['status', undefined, undefined],
  ] as const)('%s %j', (method, params, expected) => {
    expect(requestOwnerRef(method, params)).toEqual(expected);
  });

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

describe('stampMachine: what a remote calls local carries its name here', () => {
  it('restamps every level and leaves other machines and other fields alone', () => {
    const answer = {
      workspace: { id: 'w1', machine: 'local', title: 'local' },
      created: true,
      list: [{ machine: 'local' }, { machine: 'other' }],
    };
    expect(stampMachine(answer, 'box')).toEqual({
      workspace: { id: 'w1', machine: 'box', title: 'local' },
      created: true,
      list: [{ machine: 'box' }, { machine: 'other' }],
    });
    expect(answer.workspace.machine).toBe('local');
  });
});

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

describe('thingsIn: the ids an answer or event holds, by kind', () => {
  it('finds projects, workspaces, sessions (also a card’s) and terminals', () => {
    const things = thingsIn([
      { id: 'p1', owner: 'octo', repo: 'app', defaultBranch: 'main', host: 'github.com' },
      { id: 's1', workspaceId: 'w2', kind: 'chat', status: 'idle' },
      { id: 't1', workspaceId: 'w3', shell: '/bin/sh', pid: 1 },
      { kind: 'board', board: { columns: { working: [{ workspace, sessions: { list: [{ id: 's9' }] } }] } } },
      { kind: 'decision', workspaceId: 'w4' },
    ]);
    expect(things.project).toEqual(['p1']);
    expect(new Set(things.workspace)).toEqual(new Set(['w1', 'w2', 'w3', 'w4']));
    expect(new Set(things.session)).toEqual(new Set(['s1', 's9']));
    expect(things.terminal).toEqual(['t1']);
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
