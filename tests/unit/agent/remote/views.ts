import type { Board, WorkspaceCard } from '../../../../shared/board.js';
import type { ProjectView, SessionView, WorkspaceView } from '../../../../shared/domain.js';
import type { TerminalInfo } from '../../../../shared/protocol.js';
import { workspaceView } from '../../../helpers/workspace-view.js';

/** A project view as a remote's agent answers it: its own things are `local`. */
export function projectView(overrides: Partial<ProjectView> = {}): ProjectView {
  return {
    id: 'p1',
    machine: 'local',
    path: '/src/app',
    host: 'github.com',
    owner: 'octo',
    repo: 'app',
    defaultBranch: 'main',
    worktreeRoot: '/wt',
    createdAt: '2026-11-25T10:00:00Z',
    ...overrides,
  };
}

export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1',
    machine: 'local',
    workspaceId: 'w1',
    kind: 'chat',
    title: 'chat',
    status: 'idle',
    permissionMode: 'bypassPermissions',
    costUsd: 0,
    turns: 1,
    createdAt: '2026-11-25T10:00:00Z',
    pendingPermissions: [],
    queued: 0,
    lastSeq: 3,
    ...overrides,
  };
}

export { workspaceView };

export function terminalInfo(overrides: Partial<TerminalInfo> = {}): TerminalInfo {
  return {
    id: 't1',
    workspaceId: 'w1',
    shell: '/bin/sh',
    cols: 80,
    rows: 24,
    pid: 1,
    createdAt: '2026-11-25T10:00:00Z',
    ...overrides,
  };
}

/** A board card of a workspace with these sessions. */
export function card(workspace: WorkspaceView, sessionIds: string[] = [], machine = 'local'): WorkspaceCard {
  const { machine: _, project: __, sessions: ___, changes: ____, disk: _____, ...record } = workspace;
  return {
    machine,
    workspace: record,
    sessions: {
      total: sessionIds.length,
      running: 0,
      waitingForYou: 0,
      list: sessionIds.map((id) => ({ id, kind: 'chat', title: 'chat', status: 'idle', turns: 1 })),
    },
  };
}

export function board(working: WorkspaceCard[], issues: number[] = [], project = 'octo/app'): Board {
  return {
    project,
    columns: {
      issues: issues.map((number) => ({
        number,
        title: `#${number}`,
        url: 'https://x',
        labels: [],
        updatedAt: '',
      })),
      working,
      waiting: [],
      done: [],
    },
  };
}
