import { describe, expect, it } from 'vitest';
import { classifyPullRequest, latestAttempts } from '../../../../agent/ratchet/classify.js';
import { type PrSnapshot, RATCHET_STATES, type RatchetState } from '../../../../shared/ratchet.js';
import { check, comment, snapshot } from './snapshots.js';

const opts = { viewerLogin: 'ff-bot', allowedReviewers: [] as string[] };

describe('classifyPullRequest', () => {
  it.each<[string, Partial<PrSnapshot>, RatchetState]>([
    ['merged wins over failing CI', { state: 'MERGED', checks: [check('test', 'FAILURE')] }, 'MERGED'],
    ['closed wins over conflicts', { state: 'CLOSED', mergeable: 'CONFLICTING' }, 'CLOSED'],
    [
      'a pending check → CI_RUNNING',
      { checks: [check('test', null), check('lint', 'FAILURE')] },
      'CI_RUNNING',
    ],
    [
      'a failing check → CI_FAILED',
      { checks: [check('test', 'FAILURE'), check('lint', 'SUCCESS')] },
      'CI_FAILED',
    ],
    ...(['FAILURE', 'TIMED_OUT', 'CANCELLED', 'ERROR', 'ACTION_REQUIRED', 'STARTUP_FAILURE'].map((c) => [
      `conclusion ${c} is a failure`,
      { checks: [check('test', c)] },
      'CI_FAILED',
    ]) as Array<[string, Partial<PrSnapshot>, RatchetState]>),
    [
      'NEUTRAL and SKIPPED are not failures',
      { checks: [check('a', 'NEUTRAL'), check('b', 'SKIPPED')] },
      'READY',
    ],
    [
      'CI failure outranks a conflict',
      { checks: [check('test', 'FAILURE')], mergeable: 'CONFLICTING' },
      'CI_FAILED',
    ],
    ['conflicting → MERGE_CONFLICT', { mergeable: 'CONFLICTING' }, 'MERGE_CONFLICT'],
    [
      'merge state DIRTY → MERGE_CONFLICT',
      { mergeStateStatus: 'DIRTY', mergeable: 'UNKNOWN' },
      'MERGE_CONFLICT',
    ],
    [
      'a conflict outranks review feedback',
      {
        mergeable: 'CONFLICTING',
        reviews: [{ author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '1' }],
      },
      'MERGE_CONFLICT',
    ],
    [
      'changes requested → REVIEW_PENDING',
      { reviews: [{ author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '1' }] },
      'REVIEW_PENDING',
    ],
    [
      'an unresolved thread → REVIEW_PENDING',
      { unresolvedThreads: [{ comments: [comment('mona')] }] },
      'REVIEW_PENDING',
    ],
    [
      'a later approval replaces changes requested',
      {
        reviews: [
          { author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '1' },
          { author: 'mona', state: 'APPROVED', submittedAt: '2' },
        ],
      },
      'READY',
    ],
    [
      'a later comment does not replace changes requested',
      {
        reviews: [
          { author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '1' },
          { author: 'mona', state: 'COMMENTED', submittedAt: '2' },
        ],
      },
      'REVIEW_PENDING',
    ],
    [
      "the token user's own review is ignored",
      { reviews: [{ author: 'ff-bot', state: 'CHANGES_REQUESTED', submittedAt: '1' }] },
      'READY',
    ],
    [
      "the token user's own thread is ignored",
      { unresolvedThreads: [{ comments: [comment('FF-Bot')] }] },
      'READY',
    ],
    [
      'a thread we answered last waits on the reviewer, not on us',
      { unresolvedThreads: [{ id: 'T1', comments: [comment('mona'), comment('ff-bot', 'done')] }] },
      'READY',
    ],
    [
      'a reviewer answering our reply puts the thread back on us',
      {
        unresolvedThreads: [
          { id: 'T1', comments: [comment('mona'), comment('ff-bot', 'done'), comment('mona', 'not quite')] },
        ],
      },
      'REVIEW_PENDING',
    ],
    ['mergeStateStatus BEHIND → BEHIND', { mergeStateStatus: 'BEHIND' }, 'BEHIND'],
    [
      'review feedback outranks being behind',
      { mergeStateStatus: 'BEHIND', unresolvedThreads: [{ comments: [comment('mona')] }] },
      'REVIEW_PENDING',
    ],
    [
      'running CI outranks being behind',
      { mergeStateStatus: 'BEHIND', checks: [check('test', null)] },
      'CI_RUNNING',
    ],
    ['no checks at all → READY', { checks: [] }, 'READY'],
    ['all green → READY', {}, 'READY'],
  ])('%s', (_name, overrides, state) => {
    expect(classifyPullRequest(snapshot(overrides), opts).state).toBe(state);
  });

  it('only the latest attempt of each check counts', () => {
    const retried = [
      check('test', 'FAILURE', { runId: 1, startedAt: '2026-11-25T10:00:00Z' }),
      check('test', 'SUCCESS', { runId: 2, startedAt: '2026-11-25T10:10:00Z' }),
    ];
    expect(classifyPullRequest(snapshot({ checks: retried }), opts).state).toBe('READY');
    const rerunFailing = [
      check('test', 'SUCCESS', { runId: 1, startedAt: '2026-11-25T10:00:00Z' }),
      check('test', 'FAILURE', { runId: 2, startedAt: '2026-11-25T10:10:00Z' }),
    ];
    expect(classifyPullRequest(snapshot({ checks: rerunFailing }), opts).state).toBe('CI_FAILED');
    // Same start time: the higher run id is the later attempt.
    expect(
      latestAttempts([check('t', 'FAILURE', { runId: 5 }), check('t', 'SUCCESS', { runId: 4 })])[0]?.runId,
    ).toBe(5);
  });

  it('allowed reviewers: others are ignored; an empty list allows everyone but the token user', () => {
    const s = snapshot({
      reviews: [{ author: 'stranger', state: 'CHANGES_REQUESTED', submittedAt: '1' }],
      unresolvedThreads: [{ comments: [comment('drive-by')] }],
    });
    expect(classifyPullRequest(s, { viewerLogin: 'ff-bot', allowedReviewers: ['mona'] }).state).toBe('READY');
    expect(classifyPullRequest(s, { viewerLogin: 'ff-bot', allowedReviewers: ['Stranger'] }).state).toBe(
      'REVIEW_PENDING',
    );
    expect(
      classifyPullRequest(s, { viewerLogin: 'ff-bot', allowedReviewers: [] }).changesRequestedBy,
    ).toEqual(['stranger']);
  });

  it('says why, naming the failing checks', () => {
    const c = classifyPullRequest(
      snapshot({
        checks: [check('test (ubuntu)', 'FAILURE'), check('lint', 'FAILURE'), check('build', 'SUCCESS')],
      }),
      opts,
    );
    expect(c.reason).toBe('CI failing: test (ubuntu), lint');
    expect(c.checks).toEqual({ total: 3, passed: 1, failed: 2, pending: 0 });
    expect(c.failingChecks.map((f) => f.name)).toEqual(['test (ubuntu)', 'lint']);
  });

  it.each<[string, Partial<PrSnapshot>, string]>([
    ['merged', { state: 'MERGED' }, 'Merged.'],
    ['closed', { state: 'CLOSED' }, 'Closed without merging.'],
    ['conflict', { mergeable: 'CONFLICTING' }, 'Merge conflict with main'],
    [
      'behind',
      { mergeStateStatus: 'BEHIND' },
      'Behind base: main moved on; the branch must be brought up to date',
    ],
    ['ready', {}, 'Ready: 1 check passed'],
    [
      'ready with two checks',
      { checks: [check('build', 'SUCCESS'), check('test', 'SUCCESS')] },
      'Ready: 2 checks passed',
    ],
  ])('the reason of a %s PR starts with the label its chip shows', (_name, overrides, reason) => {
    const c = classifyPullRequest(snapshot(overrides), opts);
    expect(c.reason).toBe(reason);
    expect(c.reason.startsWith(RATCHET_STATES[c.state].label)).toBe(true);
  });
});
