import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../../shared/domain.js';
import { SessionStatus as SessionStatuses } from '../../../shared/domain.js';
import {
  addCounts,
  countSessions,
  permissionsWaiting,
  SESSION_ACTIVITY,
  summarizeSessions,
} from '../../../shared/session-counts.js';

const sessions = (...statuses: SessionStatus[]) => statuses.map((status, i) => ({ status, turns: i + 1 }));

describe('SESSION_ACTIVITY', () => {
  it.each<[SessionStatus, string]>([
    ['starting', 'running'],
    ['running', 'running'],
    ['waiting-permission', 'waiting-for-you'],
    ['idle', 'idle'],
    ['interrupted', 'stopped'],
    ['crashed', 'stopped'],
    ['exited', 'stopped'],
  ])('a %s session is %s', (status, activity) => {
    expect(SESSION_ACTIVITY[status]).toBe(activity);
  });

  it('places every status the protocol knows', () => {
    expect(Object.keys(SESSION_ACTIVITY).sort()).toEqual([...SessionStatuses.options].sort());
  });
});

describe('countSessions', () => {
  it.each<[string, SessionStatus[], { total: number; running: number; waitingForYou: number }]>([
    ['no session', [], { total: 0, running: 0, waitingForYou: 0 }],
    ['a starting session runs', ['starting'], { total: 1, running: 1, waitingForYou: 0 }],
    ['a session in a turn runs', ['running'], { total: 1, running: 1, waitingForYou: 0 }],
    [
      'a session asking for a permission waits for you and does not count as running',
      ['waiting-permission'],
      { total: 1, running: 0, waitingForYou: 1 },
    ],
    [
      'idle and stopped sessions count only in the total',
      ['idle', 'interrupted', 'crashed', 'exited'],
      {
        total: 4,
        running: 0,
        waitingForYou: 0,
      },
    ],
    [
      'a mix counts each session once',
      ['running', 'waiting-permission', 'starting', 'idle', 'waiting-permission'],
      { total: 5, running: 2, waitingForYou: 2 },
    ],
  ])('%s', (_name, statuses, expected) => {
    expect(countSessions(sessions(...statuses))).toMatchObject(expected);
  });

  it('adds up the turns every session finished', () => {
    expect(countSessions(sessions('idle', 'running', 'exited')).turns).toBe(6);
  });

  it('summarizes a workspace with what its sessions cost', () => {
    expect(
      summarizeSessions([
        { status: 'idle', turns: 2, costUsd: 0.5 },
        { status: 'waiting-permission', turns: 1, costUsd: 0.25 },
      ]),
    ).toEqual({ total: 2, running: 0, waitingForYou: 1, turns: 3, costUsd: 0.75 });
  });

  it('adds several workspaces together', () => {
    expect(
      addCounts([countSessions(sessions('waiting-permission', 'running')), countSessions(sessions('idle'))]),
    ).toEqual({ total: 3, running: 1, waitingForYou: 1, turns: 4 });
  });

  it('counts the permission requests waiting, several in one session included', () => {
    expect(
      permissionsWaiting([
        { pendingPermissions: [1, 2] },
        { pendingPermissions: [] },
        { pendingPermissions: [3] },
      ]),
    ).toBe(3);
  });
});
