import { describe, expect, it } from 'vitest';
import {
  ChangeSummaries,
  type KnownSummary,
  needsSummary,
  SUMMARY_FRESH_MS,
  TOUCHED_MIN_MS,
} from '../../../../agent/workspaces/change-summaries.js';
import type { ChangeSummary, Workspace } from '../../../../shared/domain.js';

const summary = (ahead: number): ChangeSummary => ({
  files: 1,
  additions: 2,
  deletions: 0,
  ahead,
  behind: 0,
  dirty: false,
  unpushed: ahead,
});

function workspace(n: number): Workspace {
  return { id: `w${n}`, status: 'ready' } as Workspace;
}

const all = (n: number) => Array.from({ length: n }, (_, i) => workspace(i));

/**
 * Summaries over workspaces whose files' signatures and git answers the test
 * sets; git runs are counted and take a few turns of the event loop.
 */
function world(workspaces: Workspace[], saved?: Record<string, KnownSummary>) {
  const clock = { now: 0 };
  const creating = { now: false };
  const files = new Map<string, string | undefined>(workspaces.map((w) => [w.id, `sig-${w.id}`]));
  const git = new Map<string, ChangeSummary | Error>(workspaces.map((w) => [w.id, summary(1)]));
  const stats = { runs: [] as string[], inFlight: 0, maxInFlight: 0 };
  const published: Array<[string, ChangeSummary | null]> = [];
  const followed = [...workspaces];
  const summaries = new ChangeSummaries({
    summarize: async (w) => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.runs.push(w.id);
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      stats.inFlight--;
      const answer = git.get(w.id)!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    signature: (w) => files.get(w.id),
    followed: () => followed,
    changed: (w, s) => published.push([w.id, s]),
    now: () => clock.now,
    yieldTo: () => creating.now,
    ...(saved ? { saved } : {}),
  });
  const checked = async () => {
    summaries.check();
    await summaries.idle();
  };
  return { summaries, clock, creating, files, git, stats, published, followed, checked };
}

describe('needsSummary', () => {
  const known = { known: true, signature: 'a', at: 0, touched: false };
  it.each([
    ['nothing known yet', undefined, 'a', 0, true],
    ['a placeholder while queued before', { ...known, known: false }, 'a', 0, true],
    ['its files unchanged', known, 'a', 60_000, false],
    ['its files unchanged, but its summary old', known, 'a', SUMMARY_FRESH_MS, true],
    ['still no worktree, for long', { ...known, signature: '' }, undefined, SUMMARY_FRESH_MS, false],
    ['its files changed', known, 'b', 0, true],
    ['its worktree gone', known, undefined, 0, true],
    ['still no worktree', { ...known, signature: '' }, undefined, 0, false],
    ['touched, soon after the last summary', { ...known, touched: true }, 'a', TOUCHED_MIN_MS - 1, false],
    ['touched, a while after it', { ...known, touched: true }, 'a', TOUCHED_MIN_MS, true],
    [
      'touched, but no worktree',
      { ...known, signature: '', touched: true },
      undefined,
      TOUCHED_MIN_MS,
      false,
    ],
  ] as const)('%s: %s', (_, entry, signature, now, expected) => {
    expect(needsSummary(entry, signature, now)).toBe(expected);
  });
});

describe('ChangeSummaries', () => {
  it('summarizes 200 workspaces once, two at a time; checks with their files unchanged run no git at all', async () => {
    const { summaries, stats, clock, checked } = world(all(200));
    expect(summaries.get('w7')).toBeNull();
    await checked();
    expect(stats.runs).toHaveLength(200);
    expect(stats.maxInFlight).toBe(2);
    for (let n = 0; n < 10; n++) {
      clock.now += 2_000;
      await checked();
    }
    expect(stats.runs).toHaveLength(200);
    expect(summaries.get('w7')).toEqual(summary(1));
  });

  it('a workspace whose files changed is summarized again, and only it; only a different summary is handed on', async () => {
    const { summaries, stats, files, git, published, checked } = world(all(5));
    await checked();
    expect(published.map(([id]) => id).sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    files.set('w2', 'sig-w2-index-rewritten');
    await checked();
    expect(stats.runs.slice(5)).toEqual(['w2']);
    expect(published).toHaveLength(5); // the same summary: nothing to tell
    files.set('w3', 'sig-w3-committed');
    git.set('w3', summary(2));
    await checked();
    expect(stats.runs.slice(6)).toEqual(['w3']);
    expect(published.at(-1)).toEqual(['w3', summary(2)]);
    expect(summaries.get('w3')).toEqual(summary(2));
  });

  it('after a restart, what was saved stands while its files are unchanged', async () => {
    const first = world(all(3));
    await first.checked();
    const saved = first.summaries.saved();
    const again = world(all(3), saved);
    again.files.set('w1', 'sig-w1-moved-on');
    expect(again.summaries.get('w0')).toEqual(summary(1));
    await again.checked();
    expect(again.stats.runs).toEqual(['w1']);
    expect(again.published).toEqual([]);
  });

  it('a summary half an hour old is made again with its files unchanged (an edit no stat shows)', async () => {
    const first = world(all(3));
    await first.checked();
    first.clock.now += SUMMARY_FRESH_MS - 2_000;
    await first.checked();
    expect(first.stats.runs).toHaveLength(3);
    first.git.set('w2', summary(3));
    first.clock.now += 2_000;
    await first.checked();
    expect(first.stats.runs).toHaveLength(6);
    expect(first.published.at(-1)).toEqual(['w2', summary(3)]);
  });

  it('while a workspace is being made no summary starts; the first check after it starts them', async () => {
    const { summaries, stats, creating, clock, checked } = world(all(3));
    creating.now = true;
    summaries.check();
    clock.now += 2_000;
    summaries.check();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stats.runs).toEqual([]);
    creating.now = false;
    await checked();
    expect(stats.runs.sort()).toEqual(['w0', 'w1', 'w2']);
  });

  it('work ff saw in a workspace summarizes it again a while later, even with the same files', async () => {
    const { summaries, stats, clock, checked } = world(all(3));
    await checked();
    summaries.touched('w1');
    clock.now += 1_000;
    await checked();
    expect(stats.runs).toHaveLength(3);
    clock.now += TOUCHED_MIN_MS;
    await checked();
    expect(stats.runs.slice(3)).toEqual(['w1']);
    clock.now += TOUCHED_MIN_MS;
    await checked();
    expect(stats.runs).toHaveLength(4); // once per touch
  });

  it('no worktree, or one git cannot read: null, and the others are summarized all the same', async () => {
    const { summaries, stats, files, git, checked } = world(all(4));
    files.set('w0', undefined);
    git.set('w1', new Error('not a git repository'));
    await checked();
    expect(stats.runs.sort()).toEqual(['w1', 'w2', 'w3']);
    expect([0, 1, 2, 3].map((n) => summaries.get(`w${n}`))).toEqual([null, null, summary(1), summary(1)]);
  });

  it('a workspace no longer followed (archived) is forgotten, also when it was queued', async () => {
    const { summaries, followed, published, checked } = world(all(4));
    summaries.check();
    followed.splice(3, 1);
    await checked();
    expect(summaries.get('w3')).toBeNull();
    expect(Object.keys(summaries.saved()).sort()).toEqual(['w0', 'w1', 'w2']);
    expect(published.map(([id]) => id)).not.toContain('w3');
  });
});
