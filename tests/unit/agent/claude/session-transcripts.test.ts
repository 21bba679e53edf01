import { afterEach, describe, expect, it } from 'vitest';
import { SessionTranscripts } from '../../../../agent/claude/session-transcripts.js';
import { EventHub } from '../../../../agent/events/event-hub.js';
import { tempDir } from '../../../helpers/temp.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function transcripts(): SessionTranscripts {
  const dir = tempDir();
  const t = new SessionTranscripts({
    dir: dir.path,
    hub: new EventHub(),
    known: () => true,
    live: () => true,
  });
  cleanups.push(() => {
    t.closeAll();
    dir.cleanup();
  });
  return t;
}

describe('SessionTranscripts', () => {
  it('a page of events is the newest that fit in about 4 MB, however long the transcript', () => {
    const t = transcripts();
    for (let n = 1; n <= 3000; n++)
      t.append('s1', { kind: 'status', status: 'idle', detail: `${n} ${'x'.repeat(3000)}` });
    const page = t.page('s1', 0, 5000);
    expect(page.lastSeq).toBe(3000);
    expect(page.events.at(-1)?.seq).toBe(3000);
    // ~3 KB each: about 1,300 fit in 4 MB, contiguous up to the newest.
    expect(page.events.length).toBeGreaterThan(1200);
    expect(page.events.length).toBeLessThan(1500);
    expect(page.firstSeq).toBe(3001 - page.events.length);
    expect(page.events.map((e) => e.seq)).toEqual(page.events.map((_, i) => page.firstSeq + i));
    expect(t.page('s1', 2990, 5000).events.map((e) => e.seq)).toEqual([
      2991, 2992, 2993, 2994, 2995, 2996, 2997, 2998, 2999, 3000,
    ]);
    expect(t.page('s1', 0, 3).events.map((e) => e.seq)).toEqual([2998, 2999, 3000]);
  });

  it('undelivered messages are those queued and never delivered, looked for after a seq', () => {
    const t = transcripts();
    t.append('s1', { kind: 'user', messageId: 'a', text: 'early, never delivered', queued: true });
    const mark = t.append('s1', { kind: 'status', status: 'idle' });
    t.append('s1', { kind: 'user', messageId: 'b', text: 'delivered', queued: true });
    for (let n = 0; n < 2000; n++)
      t.append('s1', { kind: 'status', status: 'running', detail: 'y'.repeat(4000) });
    t.append('s1', { kind: 'delivered', messageId: 'b' });
    t.append('s1', { kind: 'user', messageId: 'c', text: 'waiting', queued: true });
    expect(t.undelivered('s1', mark)).toEqual([{ messageId: 'c', text: 'waiting' }]);
    expect(t.undelivered('s1').map((m) => m.messageId)).toEqual(['a', 'c']);
  });
});
