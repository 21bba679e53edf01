import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../agent/logger.js';
import {
  changedPreviews,
  FIRST_WALK_WAIT_MS,
  PREVIEWS_EVERY_MS,
  PREVIEWS_FRESH_MS,
  PreviewCache,
  samePreviews,
} from '../../../../agent/workspaces/preview-cache.js';
import type { Preview } from '../../../../shared/domain.js';

const preview = (port: number, pid = 10, command = 'node server.js'): Preview => ({
  port,
  url: `http://localhost:${port}/`,
  pid,
  command,
});

describe('samePreviews', () => {
  it.each([
    [[], [], true],
    [[preview(3000)], [preview(3000)], true],
    [[preview(3000)], [preview(3001)], false],
    [[preview(3000, 10)], [preview(3000, 11)], false],
    [[preview(3000)], [preview(3000, 10, 'vite')], false],
    [[preview(3000)], [preview(3000), preview(3001)], false],
  ])('%j and %j are the same: %s', (a, b, same) => {
    expect(samePreviews(a, b)).toBe(same);
  });
});

describe('changedPreviews', () => {
  it('names the followed workspaces whose previews came, went or moved; absent is none', () => {
    const before = new Map([
      ['w1', [preview(3000)]],
      ['w2', [preview(3010)]],
      ['w4', [preview(3030)]],
    ]);
    const after = new Map([
      ['w1', [preview(3000)]],
      ['w3', [preview(3020)]],
      ['w4', [preview(3031)]],
      ['other-agents', [preview(4000)]],
    ]);
    expect(changedPreviews(before, after, ['w1', 'w2', 'w3', 'w4', 'w5'])).toEqual(['w2', 'w3', 'w4']);
  });
});

/** A cache over a walk the test controls: what it finds, and how many walks ran. */
function world(followed = ['w1', 'w2']) {
  const clock = { now: 0 };
  let found = new Map<string, Preview[]>();
  let release: (() => void) | undefined;
  const stats = { walks: 0, pushed: [] as Array<[string, number[]]>, hold: false };
  const cache = new PreviewCache({
    walk: async () => {
      stats.walks++;
      if (stats.hold) await new Promise<void>((resolve) => (release = resolve));
      return found;
    },
    followed: () => followed,
    changed: (id, previews) => stats.pushed.push([id, previews.map((p) => p.port)]),
    log: silentLogger,
    now: () => clock.now,
  });
  return {
    cache,
    clock,
    stats,
    find: (next: Record<string, Preview[]>) => {
      found = new Map(Object.entries(next));
    },
    release: () => release?.(),
  };
}

describe('PreviewCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('knows nothing before the first walk, then none or what was found', async () => {
    const w = world();
    expect(w.cache.of('w1')).toBeUndefined();
    w.find({ w1: [preview(3000)] });
    await w.cache.fresh();
    expect(w.cache.of('w1')).toEqual([preview(3000)]);
    expect(w.cache.of('w2')).toEqual([]);
  });

  it('lists called again and again walk /proc at most once per freshness window', async () => {
    const w = world();
    for (let n = 0; n < 20; n++) await w.cache.fresh();
    expect(w.stats.walks).toBe(1);
    w.clock.now = PREVIEWS_FRESH_MS - 1;
    await w.cache.fresh();
    expect(w.stats.walks).toBe(1);
    w.clock.now = PREVIEWS_FRESH_MS;
    await w.cache.fresh();
    await w.cache.refresh();
    expect(w.stats.walks).toBe(2);
  });

  it('a list does not wait on a walk once one has ended; callers join the walk under way', async () => {
    const w = world();
    await w.cache.fresh();
    w.stats.hold = true;
    w.clock.now = PREVIEWS_FRESH_MS;
    await w.cache.fresh();
    const joined = [w.cache.refresh(), w.cache.refresh()];
    expect(w.stats.walks).toBe(2);
    w.release();
    await Promise.all(joined);
    expect(w.stats.walks).toBe(2);
  });

  it('the first list waits for the first walk only so long, and a slow walk pushes what it found when it ends', async () => {
    vi.useFakeTimers();
    const w = world();
    w.stats.hold = true;
    w.find({ w1: [preview(3000)] });
    const listed = w.cache.fresh();
    await vi.advanceTimersByTimeAsync(FIRST_WALK_WAIT_MS);
    await listed;
    expect(w.cache.of('w1')).toBeUndefined();
    w.release();
    await w.cache.refresh();
    expect(w.stats.pushed).toEqual([['w1', [3000]]]);
  });

  it('pushes a followed workspace whose previews changed, and only those', async () => {
    const w = world();
    await w.cache.refresh();
    expect(w.stats.pushed).toEqual([]);
    w.find({ w1: [preview(3000)], stranger: [preview(4000)] });
    await w.cache.refresh();
    await w.cache.refresh();
    w.find({});
    await w.cache.refresh();
    expect(w.stats.pushed).toEqual([
      ['w1', [3000]],
      ['w1', []],
    ]);
  });

  it('walks on its own only while something could change: idle, it walks nothing', async () => {
    vi.useFakeTimers();
    const w = world();
    let active = false;
    w.cache.start(() => active);
    await vi.advanceTimersByTimeAsync(PREVIEWS_EVERY_MS * 5);
    expect(w.stats.walks).toBe(0);

    active = true;
    w.find({ w1: [preview(3000)] });
    await vi.advanceTimersByTimeAsync(PREVIEWS_EVERY_MS);
    expect(w.stats.walks).toBe(1);
    expect(w.stats.pushed).toEqual([['w1', [3000]]]);

    // Nothing runs, but a server still listens: it may stop, so the cache keeps looking.
    active = false;
    w.find({});
    await vi.advanceTimersByTimeAsync(PREVIEWS_EVERY_MS);
    expect(w.stats.pushed).toEqual([
      ['w1', [3000]],
      ['w1', []],
    ]);
    const walks = w.stats.walks;
    await vi.advanceTimersByTimeAsync(PREVIEWS_EVERY_MS * 5);
    expect(w.stats.walks).toBe(walks);
    w.cache.stop();
  });
});
