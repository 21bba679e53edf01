import { describe, expect, it } from 'vitest';
import {
  changesSessionView,
  draftFrom,
  followFrom,
  MAX_CACHED,
  withNewEvents,
  withOlderEvents,
} from '../../../extension/lib/chat-events.js';
import type { SessionEntry } from '../../../extension/lib/session-feed.js';

const at = '2026-01-01T00:00:00.000Z';
const user = (seq: number): SessionEntry => ({
  kind: 'user',
  ts: at,
  messageId: `m${seq}`,
  text: `hi ${seq}`,
  queued: false,
  seq,
});
const seqs = (events: readonly SessionEntry[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => user(from + i));

describe('a chat keeps the newest events', () => {
  it('appends a batch after what it has', () => {
    expect(seqs(withNewEvents(range(1, 3), range(4, 5)))).toEqual([1, 2, 3, 4, 5]);
  });

  it(`drops the oldest past ${MAX_CACHED}`, () => {
    const kept = withNewEvents(range(1, MAX_CACHED), range(MAX_CACHED + 1, MAX_CACHED + 10));
    expect(kept).toHaveLength(MAX_CACHED);
    expect(kept[0]?.seq).toBe(11);
  });

  it('puts the older cached events before its first, without doubling those it has', () => {
    expect(seqs(withOlderEvents(range(5, 7), range(1, 6)))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seqs(withOlderEvents(range(5, 7), []))).toEqual([5, 6, 7]);
    expect(seqs(withOlderEvents([], range(1, 2)))).toEqual([1, 2]);
  });
});

describe('followFrom', () => {
  it.each([
    ['a cached chat follows after its newest event', range(1, 3), { sinceSeq: 3, limit: MAX_CACHED }],
    ['a chat with nothing cached asks for the newest events', [], { limit: MAX_CACHED }],
  ])('%s', (_name, events, expected) => {
    expect(followFrom(events)).toEqual(expected);
  });
});

describe('changesSessionView', () => {
  it.each<[string, SessionEntry, boolean]>([
    ['a status', { kind: 'status', ts: at, status: 'idle', seq: 1 }, true],
    [
      'an answered permission',
      { kind: 'permission-answer', ts: at, requestId: 'r1', allow: true, seq: 1 },
      true,
    ],
    ["the user's message", user(1), false],
    [
      "Claude's text",
      { kind: 'claude', ts: at, entries: [{ type: 'assistant-text', text: 'hi' }], seq: 1 },
      false,
    ],
  ])('%s → %s', (_name, event, changes) => {
    expect(changesSessionView([user(0), event])).toBe(changes);
  });
});

describe('draftFrom', () => {
  it.each([
    ['a stored string', 'half a thought', 'half a thought'],
    ['nothing stored', undefined, ''],
    ['something else in its place', { text: 'x' }, ''],
  ])('%s', (_name, stored, draft) => {
    expect(draftFrom(stored)).toBe(draft);
  });
});
