import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TranscriptLog } from '../../../../agent/store/transcript-log.js';
import { tempDir } from '../../../helpers/temp.js';

const dirs: Array<() => void> = [];
function logPath(): string {
  const dir = tempDir();
  dirs.push(dir.cleanup);
  return join(dir.path, 'transcripts', 's1.jsonl');
}
afterEach(() => {
  for (const cleanup of dirs.splice(0)) cleanup();
});

describe('TranscriptLog', () => {
  it('appends one JSON line per entry with seq 1, 2, 3', () => {
    const path = logPath();
    const log = TranscriptLog.open(path);
    expect(log.append({ text: 'a' }).seq).toBe(1);
    expect(log.append({ text: 'b' }).seq).toBe(2);
    log.close();
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.data.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('reads exactly the entries after a seq, across index points and chunk boundaries', () => {
    const log = TranscriptLog.open(logPath());
    const big = 'x'.repeat(3000); // lines straddle the 64 KB read chunks
    for (let n = 1; n <= 1000; n++) log.append({ n, big });
    for (const since of [0, 1, 127, 128, 129, 500, 998, 999, 1000, 1200]) {
      const got = log.readFrom(since).map((e) => e.seq);
      const want = Array.from({ length: Math.max(0, 1000 - since) }, (_, i) => since + 1 + i);
      expect(got, `since ${since}`).toEqual(want);
    }
    expect(log.readFrom(10, 3).map((e) => e.seq)).toEqual([11, 12, 13]);
  });

  it('an entry many read chunks long comes back whole, and so do its neighbours, also after a reopen', () => {
    const path = logPath();
    const log = TranscriptLog.open(path);
    const huge = 'é'.repeat(700_000); // 1.4 MB of UTF-8: about 21 chunks, a character split at their edges
    log.append('before');
    log.append({ huge });
    log.append('after');
    log.close();
    const again = TranscriptLog.open(path);
    expect(again.lastSeq).toBe(3);
    expect(again.readFrom(0).map((e) => (typeof e.data === 'string' ? e.data : 'huge'))).toEqual([
      'before',
      'huge',
      'after',
    ]);
    expect(again.readFrom(1, 1)[0]?.data).toEqual({ huge });
    expect(again.readFrom(2).map((e) => e.data)).toEqual(['after']);
  });

  it('reopening continues the sequence and keeps every entry', () => {
    const path = logPath();
    const first = TranscriptLog.open(path);
    for (let n = 0; n < 300; n++) first.append(n);
    first.close();
    const again = TranscriptLog.open(path);
    expect(again.lastSeq).toBe(300);
    expect(again.append('next').seq).toBe(301);
    expect(again.readFrom(295).map((e) => e.data)).toEqual([295, 296, 297, 298, 299, 'next']);
  });

  it('a reopened log finds any seq by searching the file, also among long lines and lines it cannot read', () => {
    const path = logPath();
    const first = TranscriptLog.open(path);
    for (let n = 1; n <= 3000; n++) first.append({ n, pad: 'p'.repeat(n % 97 === 0 ? 200_000 : 40) });
    first.close();
    // A line that is not an entry (hand-edited) sits among them; it is passed over, not fatal.
    appendFileSync(path, 'not json\n');
    const log = TranscriptLog.open(path);
    log.append({ n: 3001 });
    for (const since of [0, 1, 96, 97, 1500, 2900, 2999, 3000, 3001]) {
      const got = log.readFrom(since, 3).map((e) => e.seq);
      const want = [since + 1, since + 2, since + 3].filter((seq) => seq <= 3001);
      expect(got, `since ${since}`).toEqual(want);
    }
  });

  it('pages by bytes: each page holds at least one entry and the next page starts where it stopped', () => {
    const log = TranscriptLog.open(logPath());
    for (let n = 1; n <= 500; n++) log.append({ n, pad: 'x'.repeat(1000) });
    const seen: number[] = [];
    let pages = 0;
    for (let since = 0; since < log.lastSeq; pages++) {
      const page = log.readFrom(since, { bytes: 10_000 });
      expect(page.length).toBeGreaterThan(0);
      expect(page.length).toBeLessThanOrEqual(10);
      seen.push(...page.map((e) => e.seq));
      since = page[page.length - 1]!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(pages).toBeGreaterThanOrEqual(50);
    expect(log.readFrom(0, { bytes: 1 }).map((e) => e.seq)).toEqual([1]);
  });

  it('a log whose last complete line cannot be read takes its seq from the line before', () => {
    const path = logPath();
    const log = TranscriptLog.open(path);
    log.append('a');
    log.append('b');
    log.close();
    appendFileSync(path, '{"garbage": true}\n');
    const again = TranscriptLog.open(path);
    expect(again.lastSeq).toBe(2);
    expect(again.append('c').seq).toBe(3);
    expect(again.readFrom(1).map((e) => e.data)).toEqual(['b', 'c']);
  });

  it('a torn last line (kill -9 mid-write) is cut off on reopen and the file parses', () => {
    const path = logPath();
    const log = TranscriptLog.open(path);
    log.append('kept');
    log.close();
    appendFileSync(path, '{"seq":2,"ts":"2026-01-01T00:00:00.000Z","data":"tor');
    const reopened = TranscriptLog.open(path);
    expect(reopened.lastSeq).toBe(1);
    expect(reopened.append('after').seq).toBe(2);
    reopened.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).data)).toEqual(['kept', 'after']);
  });

  it('unicode and newlines inside data stay on one line', () => {
    const path = logPath();
    const log = TranscriptLog.open(path);
    log.append({ text: 'line1\nline2 — 🚀 \u2028' });
    expect(readFileSync(path, 'utf8').split('\n').length).toBe(2);
    expect(log.readFrom(0)[0]?.data).toEqual({ text: 'line1\nline2 — 🚀 \u2028' });
  });

  it('is created private to the user', () => {
    const path = logPath();
    TranscriptLog.open(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
