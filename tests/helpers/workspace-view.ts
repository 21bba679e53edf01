import type { WorkspaceView } from '../../shared/domain.js';
import { WorkspaceRatchet } from '../../shared/ratchet.js';

let n = 0;
/** A ready workspace with one idle session, as the agent lists it; each call a new id, branch and issue. */
export function workspaceView(overrides: Partial<WorkspaceView> = {}): WorkspaceView {
  n++;
  return {
    id: `w${n}`,
    machine: 'local',
    projectId: 'p1',
    project: 'octo/app',
    branch: `ff/${n}-task`,
    baseBranch: 'main',
    path: `/wt/${n}`,
    status: 'ready',
    warnings: [],
    ratchet: WorkspaceRatchet.parse({}),
    issue: { number: n, title: `task ${n}`, url: `https://github.com/octo/app/issues/${n}` },
    sessions: { total: 1, running: 0, waitingForYou: 0, turns: 1, costUsd: 0 },
    changes: null,
    createdAt: '2026-11-25T10:00:00Z',
    updatedAt: `2026-11-25T10:00:${String(n).padStart(2, '0')}Z`,
    ...overrides,
  };
}
