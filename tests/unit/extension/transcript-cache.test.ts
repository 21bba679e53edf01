import { describe, expect, it } from 'vitest';
import {
  readScrollSpot,
  readTranscriptCache,
  readTranscriptOlder,
  readTranscriptTail,
  TAIL_EVENTS,
  writeScrollSpot,
  writeTranscriptCache,
} from '../../../extension/lib/transcript-cache.js';

/** A Storage like the browser's, with a quota in characters. */
function storage(quota = Number.POSITIVE_INFINITY): Storage & { keys(): string[] } {
  const items = new Map<string, string>();
  const used = () => [...items].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    get length() {
      return items.size;
    },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => items.get(k) ?? null,
    setItem(k, v) {
      const before = items.get(k);
      items.set(k, v);
      if (used() > quota) {
        if (before === undefined) items.delete(k);
        else items.set(k, before);
        throw new DOMException('quota', 'QuotaExceededError');
      }
    },
    removeItem: (k) => void items.delete(k),
    clear: () => items.clear(),
    keys: () => [...items.keys()].filter((k) => /^ff\.transcript(-tail)?\./.test(k)).sort(),
  };
}

describe('transcript cache', () => {
  it('reads back what was written; nothing or garbage reads as empty', () => {
    const s = storage();
    writeTranscriptCache('s1', [{ seq: 1 }, { seq: 2 }], s);
    expect(readTranscriptCache('s1', s)).toEqual([{ seq: 1 }, { seq: 2 }]);
    expect(readTranscriptCache('s2', s)).toEqual([]);
    s.setItem('ff.transcript.s3', '{not json');
    expect(readTranscriptCache('s3', s)).toEqual([]);
  });

  it('a cache written in an older shape (CLI lines, before entries) is dropped, so the agent replays', () => {
    const s = storage();
    s.setItem('ff.transcript.old', JSON.stringify([{ seq: 1, kind: 'claude', line: { type: 'assistant' } }]));
    s.setItem('ff.scroll.old', JSON.stringify({ atBottom: true }));
    s.setItem('ff.transcript-index', JSON.stringify(['old']));
    expect(readTranscriptCache('old', s)).toEqual([]);
    expect(readScrollSpot('old', s)).toBeUndefined();
    writeTranscriptCache('old', [{ seq: 1 }], s);
    expect(readTranscriptCache('old', s)).toEqual([{ seq: 1 }]);
  });

  it('keeps the 20 sessions shown last', () => {
    const s = storage();
    for (let n = 0; n < 25; n++) writeTranscriptCache(`s${n}`, [{ seq: n }], s);
    writeTranscriptCache('s0', [{ seq: 0 }], s); // shown again: the newest
    expect(s.keys()).toHaveLength(20);
    expect(readTranscriptCache('s0', s)).toEqual([{ seq: 0 }]);
    expect(readTranscriptCache('s1', s)).toEqual([]);
    expect(readTranscriptCache('s24', s)).toEqual([{ seq: 24 }]);
  });

  it('over quota, the least recently shown go first; a session too big for the quota alone is not cached', () => {
    const s = storage(1_000);
    const events = (n: number) => Array.from({ length: n }, (_, seq) => ({ seq }));
    writeTranscriptCache('old', events(30), s);
    writeTranscriptCache('mid', events(30), s);
    writeTranscriptCache('new', events(30), s);
    expect(s.keys()).toEqual(['ff.transcript-tail.mid', 'ff.transcript-tail.new']);
    writeTranscriptCache('huge', events(500), s);
    expect(readTranscriptCache('huge', s)).toEqual([]);
  });
});

describe('the newest events first', () => {
  const events = (n: number) => Array.from({ length: n }, (_, seq) => ({ seq }));

  it('a long chat reads its newest events alone, then the older ones, together all of it', () => {
    const s = storage();
    writeTranscriptCache('s1', events(2_000), s);
    const tail = readTranscriptTail<{ seq: number }>('s1', s);
    expect(tail.complete).toBe(false);
    expect(tail.events).toEqual(events(2_000).slice(-TAIL_EVENTS));
    expect([...readTranscriptOlder('s1', s), ...tail.events]).toEqual(events(2_000));
    expect(readTranscriptCache('s1', s)).toEqual(events(2_000));
  });

  it('a short chat is whole in its tail; shrinking drops the older part', () => {
    const s = storage();
    writeTranscriptCache('s1', events(2_000), s);
    writeTranscriptCache('s1', events(10), s);
    expect(readTranscriptTail('s1', s)).toEqual({ events: events(10), complete: true });
    expect(readTranscriptOlder('s1', s)).toEqual([]);
  });

  it('a cache written before the split (one key) still reads whole', () => {
    const s = storage();
    writeTranscriptCache('s0', [], s); // the format mark, as any earlier write left it
    s.setItem('ff.transcript.s1', JSON.stringify(events(500)));
    expect(readTranscriptTail('s1', s)).toEqual({ events: events(500), complete: true });
  });
});

describe('scroll spot', () => {
  it('reads back what was written; garbage reads as none; it goes when its session is evicted', () => {
    const s = storage();
    writeScrollSpot('s1', { atBottom: false, seq: 42, offset: -7 }, s);
    expect(readScrollSpot('s1', s)).toEqual({ atBottom: false, seq: 42, offset: -7 });
    s.setItem('ff.scroll.s2', '{nope');
    expect(readScrollSpot('s2', s)).toBeUndefined();
    // A spot of another shape keeps only its fields of the right type.
    s.setItem('ff.scroll.s3', JSON.stringify({ atBottom: 'yes' }));
    expect(readScrollSpot('s3', s)).toBeUndefined();
    s.setItem('ff.scroll.s4', JSON.stringify({ atBottom: false, seq: 'x', offset: 3, extra: 1 }));
    expect(readScrollSpot('s4', s)).toEqual({ atBottom: false, offset: 3 });
    writeTranscriptCache('s1', [{ seq: 1 }], s);
    for (let n = 0; n < 20; n++) writeTranscriptCache(`other${n}`, [{ seq: n }], s);
    expect(readScrollSpot('s1', s)).toBeUndefined();
  });
});
