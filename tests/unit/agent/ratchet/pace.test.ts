import { describe, expect, it } from 'vitest';
import {
  budgetOf,
  isDue,
  LookPace,
  nextLookOf,
  paceFor,
  paceWords,
  spendable,
  withNextLook,
} from '../../../../agent/ratchet/pace.js';
import { WorkspaceRatchet } from '../../../../shared/ratchet.js';

const MINUTE = 60_000;
const now = Date.parse('2026-11-25T10:00:00Z');
/** A budget of 5,000 points, `remaining` of them left, resetting `minutes` from now. */
const budget = (remaining: number, minutes = 60) => ({
  limit: 5000,
  remaining,
  resetAt: now + minutes * MINUTE,
});

describe('the budget a look plans with', () => {
  it.each([
    [
      'an hour still running',
      { limit: 5000, remaining: 4000, resetAt: '2026-11-25T10:30:00Z' },
      budget(4000, 30),
    ],
    [
      'an hour already over (full again)',
      { limit: 5000, remaining: 10, resetAt: '2026-11-25T09:59:00Z' },
      undefined,
    ],
    [
      'no limit said (an answer without rateLimit)',
      { remaining: 10, resetAt: '2026-11-25T10:30:00Z' },
      undefined,
    ],
    ['nothing said yet', undefined, undefined],
  ])('%s', (_name, seen, expected) => {
    expect(budgetOf(seen, now)).toEqual(expected);
  });

  it.each([
    [5000, 4000],
    [1500, 500],
    [1000, 0],
    [400, -600],
  ])('with %i of 5,000 left, the ratchet may spend %i before passing 80%', (remaining, points) => {
    expect(spendable(budget(remaining))).toBe(points);
  });
});

describe('paceFor', () => {
  it.each([
    // remaining, minutes to reset, expected points a look, → every (min) / why
    ['plenty: the schedule’s minute', 4990, 60, 10, {}],
    ['1,000 PRs steady (10 points a look) all hour', 5000, 60, 10, {}],
    ['a look a minute just fits: 60 looks of 60 points', 4600, 60, 60, {}],
    ['61 points a look: every 2 min', 4600, 60, 61, { everyMs: 2 * MINUTE, why: 'spaced' }],
    [
      '104 points a look (1,000 PRs read in full each time): every 2 min',
      5000,
      60,
      104,
      { everyMs: 2 * MINUTE, why: 'spaced' },
    ],
    ['little left, 50 min to go: every 4 min', 1200, 50, 12, { everyMs: 4 * MINUTE, why: 'spaced' }],
    [
      'a look costs more than is left: wait for the reset',
      1005,
      40,
      10,
      { nextAt: now + 40 * MINUTE, why: 'spent' },
    ],
    ['past 80% already: wait for the reset', 900, 40, 1, { nextAt: now + 40 * MINUTE, why: 'spent' }],
  ] as const)('%s', (_name, remaining, minutes, expectedPoints, pace) => {
    const got = paceFor({ budget: budget(remaining, minutes), now, expectedPoints, stepMs: MINUTE });
    const { nextAt, ...rest } = got;
    if ('everyMs' in pace) {
      expect(rest).toEqual(pace);
      expect(nextAt).toBe(now + pace.everyMs);
    } else expect(got).toEqual(pace);
  });

  it('spaced looks keep the token under 80% of its hour', () => {
    // A look every `everyMs` at the expected cost until the reset never spends more than is spendable.
    for (const [remaining, minutes, cost] of [
      [3000, 60, 37],
      [1500, 45, 17],
      [4100, 59, 300],
    ] as const) {
      const b = budget(remaining, minutes);
      const pace = paceFor({ budget: b, now, expectedPoints: cost, stepMs: MINUTE });
      const looks = pace.everyMs ? Math.ceil((b.resetAt - now) / pace.everyMs) : minutes;
      expect(looks * cost).toBeLessThanOrEqual(spendable(b));
    }
  });

  it('an unknown budget (not asked yet, or no rate limit) leaves the schedule as it is', () => {
    expect(paceFor({ budget: undefined, now, expectedPoints: 5000, stepMs: MINUTE })).toEqual({});
  });

  it('spacing is in whole steps of the schedule', () => {
    const pace = paceFor({ budget: budget(1100, 60), now, expectedPoints: 3, stepMs: 10_000 });
    // 100 points spendable, 33 looks in the hour: one every 109 s, rounded up to 110 s.
    expect(pace.everyMs).toBe(110_000);
  });
});

describe('what a pace says', () => {
  it.each([
    [{}, undefined],
    [
      { nextAt: now + 3 * MINUTE, everyMs: 3 * MINUTE, why: 'spaced' as const },
      'checking every 3 min: GitHub budget',
    ],
    [{ nextAt: now + 30_000, everyMs: 30_000, why: 'spaced' as const }, 'checking every 30 s: GitHub budget'],
    [
      { nextAt: Date.parse('2026-11-25T10:42:10Z'), why: 'spent' as const },
      'GitHub rate limit: waiting for its reset',
    ],
  ])('%j → %s', (pace, words) => {
    expect(paceWords(pace)).toBe(words);
  });

  it('a PR under a spaced pace is told when, and why not sooner', () => {
    expect(nextLookOf({ nextAt: now + 3 * MINUTE, everyMs: 3 * MINUTE, why: 'spaced' })).toEqual({
      at: '2026-11-25T10:03:00.000Z',
      pace: 'checking every 3 min: GitHub budget',
    });
    expect(nextLookOf({})).toEqual({});
  });
});

describe('isDue', () => {
  it.each([
    [{}, now, true],
    [{ nextAt: now + 3 * MINUTE }, now + MINUTE, false],
    [{ nextAt: now + 3 * MINUTE }, now + 3 * MINUTE, true],
    // A tick starts at the minute, the look it follows a little after the minute before it.
    [{ nextAt: now + 3 * MINUTE + 800 }, now + 3 * MINUTE + 5, true],
  ])('%j at %i → %s', (pace, at, due) => {
    expect(isDue(pace, at, MINUTE)).toBe(due);
  });
});

describe('LookPace', () => {
  const seen = (remaining: number) => ({
    limit: 5000,
    remaining,
    resetAt: new Date(now + 60 * MINUTE).toISOString(),
  });

  it('reading 1,000 PRs for the first time does not slow the looks after it', () => {
    const pace = new LookPace();
    // The first look read every PR in full (1,040 points), 10 of them the part that repeats.
    expect(pace.looked('github.com', 10, seen(3950), now, MINUTE)).toEqual({});
    expect(pace.due('github.com', now + MINUTE, MINUTE)).toBe(true);
  });

  it('expensive looks space the next ones, and cheap ones bring the schedule back', () => {
    const pace = new LookPace();
    expect(pace.looked('github.com', 400, seen(3000), now, MINUTE).why).toBe('spaced');
    expect(pace.due('github.com', now + MINUTE, MINUTE)).toBe(false);
    const after = [2600, 2590, 2580, 2570, 2560].map((left) =>
      pace.looked('github.com', 10, seen(left), now, MINUTE),
    );
    expect(after.map((p) => p.everyMs)).toEqual([9 * MINUTE, 5 * MINUTE, 3 * MINUTE, 2 * MINUTE, undefined]);
  });

  it('each host has its own', () => {
    const pace = new LookPace();
    pace.spent('ghe.example.com', now + 10 * MINUTE);
    expect(pace.due('ghe.example.com', now + MINUTE, MINUTE)).toBe(false);
    expect(pace.due('github.com', now + MINUTE, MINUTE)).toBe(true);
    expect(pace.due('ghe.example.com', now + 10 * MINUTE, MINUTE)).toBe(true);
  });
});

describe('withNextLook', () => {
  const decided = WorkspaceRatchet.parse({
    lastDecision: {
      action: 'none',
      reason: 'Waiting for CI.',
      state: 'CI_RUNNING',
      headRefOid: 'a',
      at: '2026-11-25T10:00:00Z',
    },
    waiting: 'Waiting for CI; next look at 10:01 UTC.',
  });

  it('a PR whose host GitHub holds until a reset says when it looks again, and why not sooner', () => {
    expect(
      withNextLook(decided, {
        at: '2026-11-25T10:42:00.000Z',
        pace: 'GitHub rate limit: waiting for its reset',
      }).waiting,
    ).toBe('Waiting for CI; next look at 10:42 UTC (GitHub rate limit: waiting for its reset).');
  });

  it('a paused PR still says it waits for you', () => {
    const paused = {
      ...decided,
      lastDecision: { ...decided.lastDecision!, action: 'pause' as const },
      paused: true,
      pausedReason: '3 fix attempts used',
    };
    expect(
      withNextLook(paused, {
        at: '2026-11-25T10:42:00.000Z',
        pace: 'GitHub rate limit: waiting for its reset',
      }).waiting,
    ).toBe(
      'Paused (3 fix attempts used): waiting for you to resume; next look at 10:42 UTC (GitHub rate limit: waiting for its reset).',
    );
  });

  it('a PR never decided, or no time to say, is left as it was', () => {
    const fresh = WorkspaceRatchet.parse({});
    expect(withNextLook(fresh, { at: '2026-11-25T10:42:00.000Z' })).toBe(fresh);
    expect(withNextLook(decided, {})).toBe(decided);
  });
});
