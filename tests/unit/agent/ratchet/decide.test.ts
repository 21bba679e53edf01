import { describe, expect, it } from 'vitest';
import { classifyPullRequest } from '../../../../agent/ratchet/classify.js';
import { type DecisionInput, decideRatchetAction, fingerprintOf } from '../../../../agent/ratchet/decide.js';
import { type PrSnapshot, RatchetSettings, WorkspaceRatchet } from '../../../../shared/ratchet.js';
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
      'fixer busy on a review, CI now fails → notify',
      failing,
      { fixer: 'busy' as const, ratchet: { ...fresh, fixerState: 'REVIEW_PENDING' as const, attempts: 1 } },
      'notify-fixer',
    ],
    [
      'fixer busy on CI, review arrives → nothing (lower priority)',
      review,
      { fixer: 'busy' as const, ratchet: { ...fresh, fixerState: 'CI_FAILED' as const, attempts: 1 } },
      'none',
    ],
    [
      'fixer idle, new failure → notify it (one fixer per workspace)',
      failing,
      { fixer: 'idle' as const, ratchet: { ...fresh, attempts: 1 } },
      'notify-fixer',
    ],
    ['attempts used up → pause', failing, { ratchet: { ...fresh, attempts: 3 } }, 'pause'],
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
});
