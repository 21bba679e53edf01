/**
 * Where a chat is scrolled — pure: the spot to note as the reader leaves (at
 * the bottom, or which message at what height), and how to bring a chat back
 * to it. Table-tested in tests/unit/extension/chat-scroll.test.ts.
 */
import type { ScrollSpot } from './transcript-cache.js';

/** A chat this close to its end (px) follows new messages. */
export const FOLLOW_WITHIN_PX = 40;

export function followsEnd(list: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return list.scrollHeight - list.scrollTop - list.clientHeight < FOLLOW_WITHIN_PX;
}

/**
 * The spot to remember: at the bottom when following, else the first
 * message not wholly above the list's top (by its seq) and how far below the
 * top it starts. Undefined when no message is in view.
 */
export function spotIn(
  following: boolean,
  listTop: number,
  rows: Iterable<{ seq: number; top: number; bottom: number }>,
): ScrollSpot | undefined {
  if (following) return { atBottom: true };
  for (const row of rows) {
    if (row.bottom <= listTop) continue;
    return { atBottom: false, seq: row.seq, offset: row.top - listTop };
  }
  return undefined;
}

/**
 * One step toward the remembered spot, as the chat renders:
 * - `wait`: its message is not loaded yet (the cache's older part, or the agent's answer, is to come);
 * - `follow`: it is gone from what is kept: follow the end instead;
 * - `reveal`: it is loaded but not rendered: render the newest `shown` items, it among them;
 * - `scroll`: it is rendered: scroll it to `offset` below the top.
 */
export type RestoreStep =
  | { kind: 'wait' }
  | { kind: 'follow' }
  | { kind: 'reveal'; shown: number }
  | { kind: 'scroll'; seq: number; offset: number };

export function restoreStep(
  spot: { seq: number; offset?: number },
  items: ReadonlyArray<{ seq: number }>,
  hidden: number,
  complete: boolean,
): RestoreStep {
  const index = items.findIndex((item) => item.seq === spot.seq);
  if (index === -1) return items.length === 0 || !complete ? { kind: 'wait' } : { kind: 'follow' };
  if (index < hidden) return { kind: 'reveal', shown: items.length - index };
  return { kind: 'scroll', seq: spot.seq, offset: spot.offset ?? 0 };
}
