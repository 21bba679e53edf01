import { describe, expect, it } from 'vitest';
import { workspaceChip } from '../../../extension/lib/workspace-chip.js';
import { WorkspaceRatchet } from '../../../shared/ratchet.js';
import { workspaceView } from '../../helpers/workspace-view.js';

const sessions = (running: number, waitingForYou: number, total = running + waitingForYou) => ({
  total,
  running,
  waitingForYou,
  turns: 1,
  costUsd: 0,
});

describe('workspaceChip: the state a workspace shows in the popup, the Start button and its page', () => {
  it.each([
    ['merged', { ratchet: WorkspaceRatchet.parse({ state: 'MERGED' }) }, 'Done', 'done'],
    [
      'setting up',
      { status: 'provisioning' as const, step: 'running setup' as const },
      'Setting up: running setup',
      'working',
    ],
    [
      'setting up, its first session already asking (session during setup)',
      { status: 'provisioning' as const, step: 'running setup' as const, sessions: sessions(0, 1) },
      'Needs you',
      'waiting',
    ],
    ['setup failed', { status: 'failed' as const }, 'Setup failed', 'bad'],
    ['worktree gone', { status: 'missing' as const }, 'Worktree missing', 'bad'],
    ['archived', { status: 'archived' as const }, 'Archived', ''],
    ['a session asks', { sessions: sessions(1, 1) }, 'Needs you', 'waiting'],
    ['a session works', { sessions: sessions(1, 0) }, 'Working', 'working'],
    ['sessions idle', {}, 'Waiting', 'waiting'],
    ['no session yet', { sessions: sessions(0, 0) }, 'Ready', 'good'],
  ])('%s', (_, overrides, label, tone) => {
    expect(workspaceChip(workspaceView(overrides))).toEqual({ label, tone });
  });
});
