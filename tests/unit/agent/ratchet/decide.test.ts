import { describe, expect, it } from 'vitest';
import { classifyPullRequest } from '../../../../agent/ratchet/classify.js';
import {
  type DecisionInput,
  decideRatchetAction,
  fingerprintOf,
  waitingSentence,
} from '../../../../agent/ratchet/decide.js';
import {
  type PrSnapshot,
  RatchetDecision,
  RatchetSettings,
  WorkspaceRatchet,
} from '../../../../shared/ratchet.js';
import { check, comment, snapshot } from './snapshots.js';

const settings = RatchetSettings.parse({});
const fresh = WorkspaceRatchet.parse({});

function decide(overrides: Partial<PrSnapshot>, extra: Partial<DecisionInput> = {}) {
  const s = snapshot(overrides);
  const classification = classifyPullRequest(s, { viewerLogin: 'ff-bot', allowedReviewers: [] });
  return decideRatchetAction({
    ratchet: fresh,
    classification,
    snapshot: s,
    settings,
    fixer: 'none',
    ...extra,
  });
}

const failing = { checks: [check('test', 'FAILURE', { runId: 11 })] };
const conflict = { mergeable: 'CONFLICTING' };
const flaky = { checks: [check('test', 'FAILURE', { runId: 11, workflowRunId: 501 })] };
const behind = { mergeStateStatus: 'BEHIND' };
const owed = {
  key: 'r1:T1',
  threadId: 'T1',
  verdict: 'fixed' as const,
  body: 'Fixed in abc1234.',
  resolve: true,
  posted: true,
  resolved: false,
};
const review = {
  reviews: [{ author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '2026-11-25T10:00:00Z' }],
};

describe('decideRatchetAction', () => {
  it.each([
    ['CI failing, no fixer → start one', failing, {}, 'start-fixer'],
    ['conflict, no fixer → start one', conflict, {}, 'start-fixer'],
    ['review feedback, no fixer → start one', review, {}, 'start-fixer'],
    ['CI running → wait', { checks: [check('test', null)] }, {}, 'none'],
    ['merged → nothing', { state: 'MERGED' as const }, {}, 'none'],
    ['closed → nothing', { state: 'CLOSED' as const }, {}, 'none'],
    ['ready, auto-merge off → nothing', {}, {}, 'none'],
    ['ready, auto-merge on → merge', {}, { settings: { ...settings, autoMerge: true } }, 'merge'],
    [
      'ready, auto-merge already enabled on GitHub → nothing',
      { autoMergeEnabled: true },
      { settings: { ...settings, autoMerge: true } },
      'none',
    ],
    [
      'ready, merge already requested for this head → nothing',
      {},
      {
        settings: { ...settings, autoMerge: true },
        ratchet: { ...fresh, mergeRequestedFor: 'a'.repeat(40) },
      },
      'none',
    ],
    ['paused → nothing', failing, { ratchet: { ...fresh, paused: true } }, 'none'],
    ['ratchet off → nothing', failing, { settings: { ...settings, enabled: false } }, 'none'],
    ['CI fixes off → nothing', failing, { settings: { ...settings, fixCi: false } }, 'none'],
    ['conflict fixes off → nothing', conflict, { settings: { ...settings, fixConflicts: false } }, 'none'],
    ['review fixes off → nothing', review, { settings: { ...settings, fixReviews: false } }, 'none'],
    [
      'fixer busy with the same kind → nothing',
      failing,
      { fixer: 'busy' as const, ratchet: { ...fresh, fixerState: 'CI_FAILED' as const, attempts: 1 } },
      'none',
    ],
    [
      'fixer busy on a review, CI now fails → tell it',
      failing,
      { fixer: 'busy' as const, ratchet: { ...fresh, fixerState: 'REVIEW_PENDING' as const, attempts: 1 } },
      'tell-fixer',
    ],
    [
      'fixer busy on CI, review arrives → nothing (lower priority)',
      review,
      { fixer: 'busy' as const, ratchet: { ...fresh, fixerState: 'CI_FAILED' as const, attempts: 1 } },
      'none',
    ],
    [
      'fixer idle, new failure → tell it (one fixer per workspace)',
      failing,
      { fixer: 'idle' as const, ratchet: { ...fresh, attempts: 1 } },
      'tell-fixer',
    ],
    ['attempts used up → pause', failing, { ratchet: { ...fresh, attempts: 3 } }, 'pause'],
    ['a failing Actions job never re-run → re-run it', flaky, {}, 'rerun-checks'],
    [
      'the same Actions run failing again after its re-run → fixer',
      flaky,
      { ratchet: { ...fresh, rerunRuns: [501] } },
      'start-fixer',
    ],
    [
      're-runs off → fixer at once',
      flaky,
      { settings: { ...settings, rerunFlakyChecks: false } },
      'start-fixer',
    ],
    ['a check that is no Actions job cannot be re-run → fixer', failing, {}, 'start-fixer'],
    ['behind its base → update the branch', behind, {}, 'update-branch'],
    [
      'behind, update already asked for this head → wait',
      behind,
      { ratchet: { ...fresh, updateRequestedFor: 'a'.repeat(40) } },
      'none',
    ],
    [
      'behind, branch updates off → nothing',
      behind,
      { settings: { ...settings, updateBranch: false } },
      'none',
    ],
    ['replies decided → reply in the threads', {}, { replies: 2 }, 'reply-threads'],
    [
      'replies decided outrank running CI',
      { checks: [check('test', null)] },
      { replies: 1 },
      'reply-threads',
    ],
    [
      'replies owed from before a restart → reply',
      {},
      { ratchet: { ...fresh, outbox: [owed] } },
      'reply-threads',
    ],
    [
      'replies owed, but paused → nothing',
      {},
      { ratchet: { ...fresh, outbox: [owed], paused: true } },
      'none',
    ],
    ['merged → nothing, even with replies owed', { state: 'MERGED' as const }, { replies: 1 }, 'none'],
    [
      "the fixer's push has not reached GitHub → wait",
      review,
      { repliesWait: 'waiting for the push' },
      'none',
    ],
    ["a fork's PR, CI failing → no fixer (it would push)", failing, { noPush: 'a fork' }, 'none'],
    ["a fork's PR, behind → no branch update", behind, { noPush: 'a fork' }, 'none'],
    ["a fork's PR, flaky check → still re-run (no push)", flaky, { noPush: 'a fork' }, 'rerun-checks'],
    ['PR budget spent → pause', failing, { spent: { pr: 5, day: 5 } }, 'pause'],
    ['day budget spent → pause', failing, { spent: { pr: 0, day: 50 } }, 'pause'],
    ['under budget → fixer', failing, { spent: { pr: 4.99, day: 49.99 } }, 'start-fixer'],
    [
      'budget spent, but CI running → just wait',
      { checks: [check('test', null)] },
      { spent: { pr: 9, day: 99 } },
      'none',
    ],
  ])('%s', (_name, overrides, extra, action) => {
    expect(decide(overrides, extra as Partial<DecisionInput>).action).toBe(action);
  });

  it('the same failure is never dispatched twice; a new run of the check is a new failure', () => {
    const first = decide(failing);
    expect(first.action).toBe('start-fixer');
    const again = decide(failing, { ratchet: { ...fresh, attempts: 1, dispatched: [first.fingerprint!] } });
    expect(again.action).toBe('none');
    expect(again.reason).toMatch(/already handed to the fixer/);
    const rerun = decide(
      { checks: [check('test', 'FAILURE', { runId: 12 })] },
      { ratchet: { ...fresh, attempts: 1, dispatched: [first.fingerprint!] } },
    );
    expect(rerun.action).toBe('start-fixer');
  });

  it('fingerprints: failing checks with run ids, conflict with head, review verdicts with latest activity', () => {
    const fp = (o: Partial<PrSnapshot>) => {
      const s = snapshot(o);
      return fingerprintOf(s, classifyPullRequest(s, { allowedReviewers: [] }));
    };
    expect(fp(failing)).toBe('pr7|CI_FAILED|test@11');
    expect(fp({ checks: [check('b', 'FAILURE', { runId: 2 }), check('a', 'FAILURE', { runId: 1 })] })).toBe(
      'pr7|CI_FAILED|a@1|b@2',
    );
    expect(fp(conflict)).toBe(`pr7|MERGE_CONFLICT|conflict@${'a'.repeat(40)}`);
    expect(fp(review)).toBe('pr7|REVIEW_PENDING|changes:mona|activity@2026-11-25T10:00:00Z');
    expect(fp({ unresolvedThreads: [{ comments: [comment('x', 'b', '2026-11-25T11:00:00Z')] }] })).toBe(
      'pr7|REVIEW_PENDING|changes:|activity@2026-11-25T11:00:00Z',
    );
  });

  it('says which attempt it is', () => {
    expect(decide(failing, { ratchet: { ...fresh, attempts: 1 }, fixer: 'idle' }).reason).toBe(
      'CI failing: test — told the fixer (attempt 2 of 3).',
    );
    expect(decide(failing, { ratchet: { ...fresh, attempts: 3 } }).reason).toMatch(
      /3 fix attempts used; paused/,
    );
  });

  it('a re-run names the workflow runs, each once', () => {
    const d = decide({
      checks: [
        check('test', 'FAILURE', { runId: 11, workflowRunId: 501 }),
        check('lint', 'FAILURE', { runId: 12, workflowRunId: 501 }),
        check('e2e', 'FAILURE', { runId: 13, workflowRunId: 502 }),
      ],
    });
    expect(d).toMatchObject({ action: 'rerun-checks', runIds: [501, 502] });
    expect(d.reason).toBe(
      'CI failing: test, lint, e2e — re-running the failed jobs once in case they are flaky.',
    );
  });

  it('a budget pause names the budget and what was spent', () => {
    const pr = decide(failing, { spent: { pr: 5.25, day: 6 } });
    expect(pr.pausedReason).toBe(
      'budget of $5.00 per PR spent ($5.25) — raise maxCostUsdPerPr or resume to go on',
    );
    const day = decide(failing, { spent: { pr: 1, day: 50 } });
    expect(day.pausedReason).toMatch(/^budget of \$50\.00 per day spent by all fixers \(\$50\.00\)/);
  });

  const tight = { ...settings, maxCostUsdPerDay: 10 };
  it.each([
    ['nothing held: the estimate is reserved', { pr: 0, day: 0 }, 2, 'start-fixer', 2],
    ['more expected than the PR has left: what it has left', { pr: 4, day: 4 }, 3, 'start-fixer', 1],
    [
      'running fixers hold the rest of the day: it waits',
      { pr: 0, day: 9, dayHeld: 5 },
      2,
      'none',
      undefined,
    ],
    [
      'running fixers hold some, enough is left: it starts',
      { pr: 0, day: 6, dayHeld: 5 },
      2,
      'start-fixer',
      2,
    ],
    [
      'nothing held, less left than expected: paused until midnight',
      { pr: 0, day: 9, dayHeld: 0 },
      2,
      'pause',
      undefined,
    ],
    [
      'the day spent by finished turns: paused until midnight',
      { pr: 0, day: 10.5, dayHeld: 0.5 },
      2,
      'pause',
      undefined,
    ],
  ])('budget reserved before a turn: %s', (_name, spent, estimateUsd, action, reserveUsd) => {
    const d = decide(failing, { settings: tight, spent, estimateUsd });
    expect(d.action).toBe(action);
    expect(d.reserveUsd).toBe(reserveUsd);
  });

  it('a day with less left than a fix is expected to cost pauses until midnight, saying so', () => {
    const d = decide(failing, {
      settings: tight,
      spent: { pr: 0, day: 9.6 },
      estimateUsd: 4.8,
      now: '2026-11-25T10:00:00.000Z',
    });
    expect(d.pausedReason).toBe(
      'budget of $10.00 per day nearly spent by all fixers ($9.60; a fix is expected to cost about $4.80) — raise maxCostUsdPerDay or wait for tomorrow (UTC)',
    );
    expect(d.pausedUntil).toBe('2026-11-26T00:00:00.000Z');
  });

  it('waiting for budget says who holds it and what a fix is expected to cost', () => {
    const d = decide(failing, { settings: tight, spent: { pr: 0, day: 10, dayHeld: 10 }, estimateUsd: 5 });
    expect(d).toEqual({
      action: 'none',
      reason:
        "CI failing: test — waiting for budget: running fixers hold $10.00 of today's $10.00, and a fix is expected to cost about $5.00.",
    });
  });

  const dayPaused = {
    ...fresh,
    paused: true,
    pausedReason: 'budget of $50.00 per day spent by all fixers ($50.10)',
    pausedUntil: '2026-11-26T00:00:00.000Z',
  };
  const prPaused = { ...fresh, paused: true, pausedReason: 'budget of $5.00 per PR spent ($5.10)' };
  it.each([
    ['day budget pause, same day → still paused', dayPaused, '2026-11-25T23:59:59.000Z', 'none'],
    ['day budget pause, next day → goes on by itself', dayPaused, '2026-11-26T00:00:00.000Z', 'start-fixer'],
    [
      'day budget pause, days later → goes on by itself',
      dayPaused,
      '2026-12-03T08:00:00.000Z',
      'start-fixer',
    ],
    ['PR budget pause, next day → stays paused', prPaused, '2026-11-26T00:00:01.000Z', 'none'],
    ['PR budget pause, a month later → stays paused', prPaused, '2026-12-25T00:00:00.000Z', 'none'],
    [
      'paused by you, next day → stays paused',
      { ...fresh, paused: true },
      '2026-11-27T00:00:00.000Z',
      'none',
    ],
  ])('%s', (_name, ratchet, now, action) => {
    expect(decide(failing, { ratchet, now, spent: { pr: 0, day: 0 } }).action).toBe(action);
  });

  it('the day budget pause ends at the next midnight UTC; the PR budget pause has no end', () => {
    const day = decide(failing, { spent: { pr: 1, day: 50 }, now: '2026-11-25T22:15:00.000Z' });
    expect(day).toMatchObject({ action: 'pause', pausedUntil: '2026-11-26T00:00:00.000Z' });
    const pr = decide(failing, { spent: { pr: 5, day: 5 }, now: '2026-11-25T22:15:00.000Z' });
    expect(pr.action).toBe('pause');
    expect(pr.pausedUntil).toBeUndefined();
  });

  it('decisions logged before the rename read as tell-fixer', () => {
    expect(
      RatchetDecision.parse({
        action: 'notify-fixer',
        reason: 'r',
        state: 'CI_FAILED',
        at: '2026-11-25T10:00:00Z',
      }).action,
    ).toBe('tell-fixer');
  });
});

describe('waitingSentence', () => {
  it.each([
    [
      { action: 'none' as const, reason: 'Waiting for CI.' },
      undefined,
      'Waiting for CI; next look at 10:42 UTC.',
    ],
    [
      { action: 'rerun-checks' as const, reason: '' },
      undefined,
      'Waiting for the re-run of the failed jobs; next look at 10:42 UTC.',
    ],
    [
      { action: 'start-fixer' as const, reason: '' },
      undefined,
      'Waiting for the fixer to push a fix; next look at 10:42 UTC.',
    ],
    [
      { action: 'pause' as const, reason: '' },
      'budget of $5.00 per PR spent ($5.10)',
      'Paused (budget of $5.00 per PR spent ($5.10)): waiting for you to resume; next look at 10:42 UTC.',
    ],
    [
      { action: 'none' as const, reason: 'Merged — nothing left to do.' },
      undefined,
      'Merged — nothing left to do',
    ],
  ])('%o', (decision, paused, sentence) => {
    expect(waitingSentence(decision, paused, '2026-11-25T10:42:00.000Z')).toBe(sentence);
  });

  it('a pause with an end says when it goes on by itself', () => {
    expect(
      waitingSentence(
        { action: 'pause', reason: '' },
        'budget of $50.00 per day spent by all fixers ($50.10)',
        '2026-11-25T10:42:00.000Z',
        '2026-11-26T00:00:00.000Z',
      ),
    ).toBe(
      'Paused (budget of $50.00 per day spent by all fixers ($50.10)) until 2026-11-26 00:00 UTC, when it goes on by itself; next look at 10:42 UTC.',
    );
  });

  it("when GitHub's budget spaces the looks, it says so after the time", () => {
    expect(
      waitingSentence(
        { action: 'none', reason: 'Waiting for CI.' },
        undefined,
        '2026-11-25T10:45:00.000Z',
        undefined,
        'checking every 3 min: GitHub budget',
      ),
    ).toBe('Waiting for CI; next look at 10:45 UTC (checking every 3 min: GitHub budget).');
  });

  it('without a schedule it says the next tick', () => {
    expect(waitingSentence({ action: 'merge', reason: '' }, undefined, undefined)).toBe(
      'Waiting for GitHub to merge; next look at the next tick.',
    );
  });
});
