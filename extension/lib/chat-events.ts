/**
 * A chat's event list — pure: what it keeps (the newest MAX_CACHED events),
 * how new and older events join it, where following the session resumes,
 * and which events change the session's own view (status, permission).
 * Table-tested in tests/unit/extension/chat-events.test.ts.
 */
import type { SessionEntry } from './session-feed.js';

/** Events a chat keeps (and caches): older ones are dropped, and asked of the agent again only by a fresh chat. */
export const MAX_CACHED = 2000;

/** The list with a batch of new events after it, the oldest dropped past MAX_CACHED. */
export function withNewEvents(
  events: readonly SessionEntry[],
  batch: readonly SessionEntry[],
): SessionEntry[] {
  return [...events, ...batch].slice(-MAX_CACHED);
}

/** The list with the cached events older than its first one before it (those it has already are not doubled). */
export function withOlderEvents(
  events: readonly SessionEntry[],
  older: readonly SessionEntry[],
): SessionEntry[] {
  const first = events[0]?.seq ?? Number.POSITIVE_INFINITY;
  const before = older.filter((event) => event.seq < first);
  return before.length > 0 ? [...before, ...events].slice(-MAX_CACHED) : [...events];
}

/** How to follow the session: after the newest event there is (a cache), else the newest MAX_CACHED in one answer. */
export function followFrom(events: readonly SessionEntry[]): { sinceSeq?: number; limit: number } {
  const last = events.at(-1);
  return last ? { sinceSeq: last.seq, limit: MAX_CACHED } : { limit: MAX_CACHED };
}

/** Whether a batch changes what `session.get` says (its status, a permission asked or answered). */
export function changesSessionView(batch: readonly SessionEntry[]): boolean {
  return batch.some(
    (event) => event.kind === 'status' || event.kind === 'permission' || event.kind === 'permission-answer',
  );
}

/** A stored draft is a string; anything else in its place is no draft. */
export const draftFrom = (stored: unknown): string => (typeof stored === 'string' ? stored : '');

export const draftKey = (sessionId: string) => `ff.draft.${sessionId}`;
