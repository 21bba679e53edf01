import type { SessionStatus } from '../../shared/domain.js';
import { isRecord } from './session-event.js';

/** What happens to a session's process, as the session logic sees it. */
export type SessionSignal =
  | { type: 'spawned' }
  | { type: 'turn-started' }
  | { type: 'turn-ended'; queued: number }
  /** The turn's result was an error before the model answered (turn-failure.ts). */
  | { type: 'turn-failed' }
  | { type: 'permission-requested' }
  | { type: 'permission-answered'; stillPending: number }
  | {
      type: 'exited';
      code: number | null;
      signal: string | null;
      stopRequested: boolean;
      agentStopping: boolean;
    };

/**
 * The session state machine, pure:
 *
 *   spawned → idle (ready for input; `starting` is the record before the process exists)
 *   turn-started → running; turn-ended → idle, or running when a queued message goes next;
 *   turn-failed → failed, and its process is stopped (a login or key takes effect in a new one):
 *   it stays failed when it exits, until the next message resumes it
 *   permission-requested → waiting-permission; answered → running (or still waiting for others)
 *   exit after a stop we asked for, or code 0 → exited; the agent stopping → interrupted (resumable);
 *   any other exit (non-zero code, a signal) → crashed
 */
export function nextSessionStatus(current: SessionStatus, signal: SessionSignal): SessionStatus {
  switch (signal.type) {
    case 'spawned':
      return 'idle';
    case 'turn-started':
      return current === 'waiting-permission' ? current : 'running';
    case 'turn-ended':
      return signal.queued > 0 ? 'running' : 'idle';
    case 'turn-failed':
      return 'failed';
    case 'permission-requested':
      return 'waiting-permission';
    case 'permission-answered':
      return signal.stillPending > 0 ? 'waiting-permission' : 'running';
    case 'exited':
      if (current === 'failed') return current;
      if (signal.agentStopping) return 'interrupted';
      if (signal.stopRequested) return 'exited';
      if (signal.code === 0 && !signal.signal) return 'exited';
      return 'crashed';
  }
}

/** Statuses in which a claude process is (supposed to be) alive. */
export const LIVE_STATUSES: readonly SessionStatus[] = ['starting', 'running', 'idle', 'waiting-permission'];

/**
 * Messages the user sent that Claude never got — pure: queued behind a
 * turn (`queued`), with no `delivered` after. A process that died (a crash,
 * the agent killed) takes its in-memory queue along; the transcript still
 * has them, so the next process gets them first, in order. The events are
 * a transcript's data as read from disk: anything not shaped like a user or
 * delivered event is passed over.
 */
export function undeliveredMessages(events: Iterable<unknown>): Array<{ messageId: string; text: string }> {
  const waiting = new Map<string, string>();
  for (const event of events) {
    if (!isRecord(event) || typeof event.messageId !== 'string' || !event.messageId) continue;
    if (event.kind === 'user' && event.queued === true)
      waiting.set(event.messageId, typeof event.text === 'string' ? event.text : '');
    if (event.kind === 'delivered') waiting.delete(event.messageId);
  }
  return [...waiting].map(([messageId, text]) => ({ messageId, text }));
}
