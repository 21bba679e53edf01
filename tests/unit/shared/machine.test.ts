import { describe, expect, it } from 'vitest';
import { WorkspaceCard } from '../../../shared/board.js';
import { Machine, ProjectView, RemoteName, SessionView, WorkspaceView } from '../../../shared/domain.js';
import { BoardEvent, eventData, methods, RemotesEvent, Topic, topicKind } from '../../../shared/protocol.js';
import { WorkspaceRatchet } from '../../../shared/ratchet.js';

const at = '2026-12-01T00:00:00.000Z';
const project = {
  id: 'p1',
  path: '/src/app',
  host: 'github.com',
  owner: 'octo',
  repo: 'app',
  defaultBranch: 'main',
  worktreeRoot: '/wt',
  createdAt: at,
};
const workspace = {
  id: 'w1',
  projectId: 'p1',
  branch: 'ff/1-x',
  baseBranch: 'main',
  path: '/wt/ff/1-x',
  status: 'ready',
  warnings: [],
  ratchet: WorkspaceRatchet.parse({}),
  createdAt: at,
  updatedAt: at,
};
const session = {
  id: 's1',
  workspaceId: 'w1',
  kind: 'chat',
  title: 'chat',
  status: 'idle',
  permissionMode: 'bypassPermissions',
  costUsd: 0,
  turns: 1,
  createdAt: at,
  pendingPermissions: [],
  queued: 0,
  lastSeq: 3,
};
const workspaceView = {
  ...workspace,
  project: 'octo/app',
  sessions: { total: 1, running: 0, waitingForYou: 0, turns: 1, costUsd: 0 },
  changes: null,
};
const card = {
  workspace,
  sessions: { total: 1, running: 0, waitingForYou: 0, list: [] },
};
const board = { project: 'octo/app', columns: { issues: [], working: [card], waiting: [], done: [] } };
const remote = {
  name: 'devbox',
  destination: 'me@devbox',
  options: [],
  state: 'unreachable',
  since: at,
  lastSeenAt: at,
};

describe('machine: every project, workspace, session and card says which machine owns it', () => {
  it.each([
    ['a project', ProjectView, project],
    ['a workspace', WorkspaceView, workspaceView],
    ['a session', SessionView, session],
    ['a board card', WorkspaceCard, card],
    ['a board event', BoardEvent, { kind: 'board', project: 'octo/app', host: 'github.com', board }],
  ] as const)('%s without one is local (stored records omit it)', (_, schema, value) => {
    expect(schema.parse(value).machine).toBe('local');
  });

  it.each([
    ['a project', ProjectView, project],
    ['a workspace', WorkspaceView, workspaceView],
    ['a session', SessionView, session],
    ['a board card', WorkspaceCard, card],
  ] as const)("%s on a remote keeps the remote's name", (_, schema, value) => {
    expect(schema.parse({ ...value, machine: 'devbox' }).machine).toBe('devbox');
  });

  it.each(['Devbox', 'dev box', '-dev', '', 'a'.repeat(33)])('%j is no machine', (name) => {
    expect(Machine.safeParse(name).success).toBe(false);
    expect(WorkspaceView.safeParse({ ...workspaceView, machine: name }).success).toBe(false);
  });

  it('a remote cannot be named local: that name means this machine', () => {
    expect(Machine.safeParse('local').success).toBe(true);
    expect(RemoteName.safeParse('local').success).toBe(false);
    expect(methods['remote.add'].params.safeParse({ name: 'local', destination: 'me@box' }).success).toBe(
      false,
    );
  });

  it('project.add takes the machine the clone is on (`project add --host`)', () => {
    expect(methods['project.add'].params.parse({ path: '/src/app', machine: 'devbox' })).toEqual({
      path: '/src/app',
      machine: 'devbox',
    });
    expect(methods['project.add'].params.safeParse({ path: '/src/app', machine: 'Dev Box' }).success).toBe(
      false,
    );
  });

  it('lists and gets answer with the machine filled in', () => {
    expect(methods['project.list'].result.parse([project])[0]!.machine).toBe('local');
    expect(methods['workspace.get'].result.parse({ ...workspaceView, machine: 'devbox' }).machine).toBe(
      'devbox',
    );
    expect(methods['session.list'].result.parse([session])[0]!.machine).toBe('local');
  });
});

describe('the remotes topic', () => {
  it('is a topic of its own kind', () => {
    expect(Topic.safeParse('remotes').success).toBe(true);
    expect(topicKind('remotes')).toBe('remotes');
    expect(Topic.safeParse('remotes:devbox').success).toBe(false);
  });

  it('carries every remote with its state and since when', () => {
    const data = { remotes: [remote] };
    expect(eventData('remotes', { topic: 'remotes', data })).toEqual(data);
    expect(RemotesEvent.safeParse({ remotes: [{ ...remote, state: 'asleep' }] }).success).toBe(false);
    expect(eventData('remotes', { topic: 'remotes', data: [remote] })).toBeUndefined();
  });
});
