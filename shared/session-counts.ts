/**
 * What a workspace's sessions are doing, counted one way for every surface:
 * the board's cards (agent/kanban), the workspace view (`workspace.list`), the
 * popup's list and Fleet button, and the fleet page. Pure and free of zod (the
 * popup's first paint imports it). Table-tested in
 * tests/unit/shared/session-counts.test.ts.
 */
import type { Session, SessionStatus } from './domain.js';

/**
 * What a session's status means to the person watching, each name one thing:
 * - `running`: Claude is at work (starting, or in a turn);
 * - `waiting-for-you`: a tool call waits for your answer to its permission request;
 *   (or a failed turn waits for its cause to be fixed);
 * - `idle`: its turn ended, it waits for your next message;
 * - `stopped`: interrupted, crashed or exited (resumable, or over).
 */
export type SessionActivity = 'running' | 'waiting-for-you' | 'idle' | 'stopped';

/** Every status's activity: a new status does not compile until it is placed here. */
export const SESSION_ACTIVITY: Readonly<Record<SessionStatus, SessionActivity>> = {
  starting: 'running',
  running: 'running',
  'waiting-permission': 'waiting-for-you',
  // A failed turn (not logged in, say) waits for the user to fix its cause and send again.
  failed: 'waiting-for-you',
  idle: 'idle',
  interrupted: 'stopped',
  crashed: 'stopped',
  exited: 'stopped',
};

export interface SessionCounts {
  /** Every session, whatever it is doing. */
  total: number;
  /** Sessions Claude is at work in (`running`): not those waiting for you. */
  running: number;
  /** Sessions waiting for your answer to a permission request (`waiting-for-you`). */
  waitingForYou: number;
  /** Turns finished, all sessions together: grows with every reply (the popup's "new" marker). */
  turns: number;
}

export const NO_SESSIONS: SessionCounts = { total: 0, running: 0, waitingForYou: 0, turns: 0 };

export function countSessions(sessions: Iterable<Pick<Session, 'status' | 'turns'>>): SessionCounts {
  const counts = { ...NO_SESSIONS };
  for (const session of sessions) {
    counts.total++;
    counts.turns += session.turns;
    const activity = SESSION_ACTIVITY[session.status];
    if (activity === 'running') counts.running++;
    else if (activity === 'waiting-for-you') counts.waitingForYou++;
  }
  return counts;
}

/** A workspace's sessions as `workspace.list` describes them: the counts, plus what they cost. */
export function summarizeSessions(
  sessions: ReadonlyArray<Pick<Session, 'status' | 'turns' | 'costUsd'>>,
): SessionCounts & { costUsd: number } {
  return { ...countSessions(sessions), costUsd: sessions.reduce((sum, s) => sum + s.costUsd, 0) };
}

/** Several workspaces' counts together (the popup's Fleet button: how many sessions wait for you). */
export function addCounts(counts: Iterable<SessionCounts>): SessionCounts {
  const sum = { ...NO_SESSIONS };
  for (const c of counts) {
    sum.total += c.total;
    sum.running += c.running;
    sum.waitingForYou += c.waitingForYou;
    sum.turns += c.turns;
  }
  return sum;
}

/** Permission requests waiting across sessions (a session can hold several): the fleet's inbox and the toolbar badge. */
export function permissionsWaiting(sessions: Iterable<{ pendingPermissions: readonly unknown[] }>): number {
  let n = 0;
  for (const session of sessions) n += session.pendingPermissions.length;
  return n;
}
