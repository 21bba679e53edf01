import { describe, expect, it } from 'vitest';
import {
  applyBudgetStop,
  applyDecision,
  applyFixerStarted,
  applyOutboxSettled,
  applyReplyPosted,
  applyReplyResolved,
  applyReviewsRequested,
  applySpend,
  applyUserPause,
  type DecisionContext,
  decisionRecord,
  type FixerSeen,
  newRoundId,
} from '../../../../agent/ratchet/apply.js';
import { classifyPullRequest } from '../../../../agent/ratchet/classify.js';
import { type DecisionInput, decideRatchetAction } from '../../../../agent/ratchet/decide.js';
import type { ReplyPlan } from '../../../../agent/ratchet/threads.js';
import {
  type PrSnapshot,
  type RatchetDecision,
  RatchetSettings,
  type ThreadReply,
  WorkspaceRatchet,
} from '../../../../shared/ratchet.js';
import { check, comment, snapshot } from './snapshots.js';

const settings = RatchetSettings.parse({});
const fresh = WorkspaceRatchet.parse({});
const NOW = '2026-11-25T10:00:00.000Z';
const HEAD = 'a'.repeat(40);

interface Case {
  /** The PR as GitHub shows it. */
  pr?: Partial<PrSnapshot>;
  /** The record before. */
  ratchet?: Partial<WorkspaceRatchet>;
  fixer?: FixerSeen;
  replies?: ReplyPlan;
  spent?: { pr: number; day: number };
  now?: string;
  settings?: Partial<RatchetSettings>;
}

/** Classifies and decides (as a tick does), then applies: the decision and the record after. */
function applied(c: Case = {}): {
  decision: RatchetDecision;
  before: WorkspaceRatchet;
  after: WorkspaceRatchet;
} {
  const s = snapshot(c.pr);
  const set = { ...settings, ...c.settings };
  const before = WorkspaceRatchet.parse({ ...fresh, ...c.ratchet });
  const classification = classifyPullRequest(s, { viewerLogin: 'ff-bot', allowedReviewers: [] });
  const fixer = c.fixer ?? { state: 'none' };
  const now = c.now ?? NOW;
  const input: DecisionInput = {
    ratchet: before,
    classification,
    snapshot: s,
    settings: set,
    fixer: fixer.state,
    spent: c.spent ?? { pr: 0, day: 0 },
    now,
    ...(c.replies?.ready ? { replies: c.replies.replies.length } : {}),
  };
  const decided = decideRatchetAction(input);
  const decision = decisionRecord(decided, classification, s, now);
  const context: DecisionContext = {
    decided,
    classification,
    snapshot: s,
    settings: set,
    spentUsd: c.spent?.pr ?? 0,
    fixer,
    ...(c.replies ? { replies: c.replies } : {}),
    roundId: 'round1',
    nextTickAt: '2026-11-25T10:01:00.000Z',
  };
  return { decision, before, after: applyDecision(before, decision, context) };
}

const failing = { checks: [check('test', 'FAILURE', { runId: 11 })] };
const flaky = {
  checks: [
    check('test', 'FAILURE', { runId: 11, workflowRunId: 501 }),
    check('lint', 'FAILURE', { runId: 12, workflowRunId: 502 }),
  ],
};
const reviewed = {
  reviews: [
    { author: 'mona', authorId: 'U_mona', state: 'CHANGES_REQUESTED', submittedAt: '2026-11-25T09:00:00Z' },
  ],
  unresolvedThreads: [{ id: 'T1', path: 'src/a.ts', line: 3, comments: [comment('mona')] }],
};
const reply = (key: string, extra: Partial<ThreadReply> = {}): ThreadReply => ({
  key,
  threadId: key.split(':')[1] ?? key,
  verdict: 'fixed',
  body: 'Fixed.',
  resolve: true,
  posted: false,
  resolved: false,
  ...extra,
});

describe('applyDecision', () => {
  it.each<[string, Case, Partial<WorkspaceRatchet>, Array<keyof WorkspaceRatchet>]>([
    [
      'a fixer started: its fingerprint kept, one attempt used, the state it works on, the dispatch pending',
      { pr: failing },
      {
        dispatched: ['pr7|CI_FAILED|test@11'],
        attempts: 1,
        fixerState: 'CI_FAILED',
        pendingDispatch: { fingerprint: 'pr7|CI_FAILED|test@11', at: NOW },
      },
      ['threadRound'],
    ],
    [
      'a fixer told: one more attempt, nothing pending',
      {
        pr: failing,
        ratchet: { attempts: 1, fixerSessionId: 's1' },
        fixer: { state: 'idle', session: { id: 's1', turns: 2 } },
      },
      { dispatched: ['pr7|CI_FAILED|test@11'], attempts: 2, fixerState: 'CI_FAILED' },
      ['pendingDispatch'],
    ],
    [
      'failed jobs re-run: each run remembered (never re-run again) and counted',
      { pr: flaky, ratchet: { rerunRuns: [400], reruns: 1 } },
      { rerunRuns: [400, 501, 502], reruns: 3, attempts: 0 },
      [],
    ],
    [
      'a branch update asked for: pinned to the head seen',
      { pr: { mergeStateStatus: 'BEHIND' } },
      { updateRequestedFor: HEAD },
      ['mergeRequestedFor'],
    ],
    [
      'a merge asked for: pinned to the head seen',
      { settings: { autoMerge: true } },
      { mergeRequestedFor: HEAD, state: 'READY' },
      ['updateRequestedFor'],
    ],
    [
      'attempts used up: paused until the user resumes, saying why',
      { pr: failing, ratchet: { attempts: 3 } },
      { paused: true, pausedReason: '3 fix attempts used', attempts: 3 },
      ['pausedUntil'],
    ],
    [
      "the day's budget spent: paused until midnight UTC",
      { pr: failing, spent: { pr: 1, day: 50 } },
      { paused: true, pausedUntil: '2026-11-26T00:00:00.000Z', spentUsd: 1 },
      [],
    ],
    [
      "the day's budget pause past its end: lifted by itself, and the fixer starts",
      {
        pr: failing,
        now: '2026-11-26T00:00:01.000Z',
        ratchet: { paused: true, pausedReason: 'budget', pausedUntil: '2026-11-26T00:00:00.000Z' },
      },
      { paused: false, attempts: 1 },
      ['pausedReason', 'pausedUntil'],
    ],
    [
      "a pause by the user stays, whatever the day's budget",
      { pr: failing, ratchet: { paused: true, pausedReason: 'paused by you' } },
      { paused: true, pausedReason: 'paused by you', attempts: 0 },
      ['pendingDispatch'],
    ],
  ])('%s', (_name, c, expected, absent) => {
    const { after } = applied(c);
    expect(after).toMatchObject(expected);
    for (const key of absent) expect(after).not.toHaveProperty(key);
  });

  it('records what the PR looks like now, what it costs, and what the ratchet waits for', () => {
    const { after, decision } = applied({ pr: failing, spent: { pr: 1.5, day: 2 } });
    expect(after).toMatchObject({
      state: 'CI_FAILED',
      reason: 'CI failing: test',
      checks: { total: 1, failed: 1, passed: 0, pending: 0 },
      lastCheckedAt: NOW,
      lastDecision: decision,
      spentUsd: 1.5,
      budgetUsd: 5,
      waiting: 'Waiting for the fixer to push a fix; next look at 10:01 UTC.',
    });
  });

  it('names the failing checks with their links, for the PR panel; none once they pass', () => {
    const red = applied({ pr: failing });
    expect(red.after.failingChecks).toEqual([{ name: 'test', url: expect.any(String) }]);
    expect(red.after.failingChecks?.[0]?.url).toMatch(/^https:\/\//);
    const green = applied({ pr: { checks: [check('test', 'SUCCESS')] }, ratchet: red.after });
    expect(green.after.failingChecks).toEqual([]);
  });

  it('leaves the record it was given as it was', () => {
    const { before, after } = applied({ pr: failing, ratchet: { dispatched: ['old'] } });
    expect(before).toEqual(WorkspaceRatchet.parse({ ...fresh, dispatched: ['old'] }));
    expect(after.dispatched).toEqual(['old', 'pr7|CI_FAILED|test@11']);
  });

  it('a "none" that says nothing new keeps the decision shown; one that says something new replaces it', () => {
    const waiting = applied({ pr: { checks: [check('test', null)] } });
    const later = '2026-11-25T10:01:00.000Z';
    const same = applied({ pr: { checks: [check('test', null)] }, ratchet: waiting.after, now: later });
    expect(same.after.lastDecision).toEqual(waiting.after.lastDecision);
    expect(same.after.lastDecision?.at).toBe(NOW);
    expect(same.after.lastCheckedAt).toBe(later);
    const other = applied({ ratchet: waiting.after });
    expect(other.after.lastDecision).toMatchObject({
      action: 'none',
      reason: 'Ready to merge (auto-merge is off).',
    });
  });

  it('keeps the newest 50 fingerprints', () => {
    const old = Array.from({ length: 50 }, (_, i) => `fp${i}`);
    const { after } = applied({ pr: failing, ratchet: { dispatched: old } });
    expect(after.dispatched).toHaveLength(50);
    expect(after.dispatched[0]).toBe('fp1');
    expect(after.dispatched.at(-1)).toBe('pr7|CI_FAILED|test@11');
  });

  it('review threads handed to a new fixer: a round waiting for its first turn, with the reviewers to ask again', () => {
    const { after } = applied({ pr: reviewed });
    expect(after.threadRound).toEqual({
      id: 'round1',
      head: HEAD,
      threadIds: ['T1'],
      turnsBefore: 0,
      reviewers: [{ login: 'mona', id: 'U_mona' }],
      at: NOW,
    });
  });

  it.each<[string, FixerSeen, number]>([
    ['an idle fixer answers in its next turn', { state: 'idle', session: { id: 's1', turns: 2 } }, 2],
    [
      'a busy fixer answers in the turn after the one it is in',
      { state: 'busy', session: { id: 's1', turns: 2 } },
      3,
    ],
  ])('review threads told to the fixer: %s', (_name, fixer, turnsBefore) => {
    const { after } = applied({ pr: reviewed, ratchet: { attempts: 1, fixerSessionId: 's1' }, fixer });
    expect(after.lastDecision?.action).toBe('tell-fixer');
    expect(after.threadRound).toMatchObject({
      id: 'round1',
      sessionId: 's1',
      threadIds: ['T1'],
      turnsBefore,
    });
  });

  it('threads are no round when the fixer is told of another state', () => {
    const { after } = applied({
      pr: { ...reviewed, mergeable: 'CONFLICTING' },
      ratchet: { attempts: 1, fixerSessionId: 's1', fixerState: 'REVIEW_PENDING' },
      fixer: { state: 'busy', session: { id: 's1', turns: 2 } },
    });
    expect(after.lastDecision?.action).toBe('tell-fixer');
    expect(after.fixerState).toBe('MERGE_CONFLICT');
    expect(after).not.toHaveProperty('threadRound');
  });

  it('planned replies join the outbox once (none already posted or queued) and close the round', () => {
    const round = {
      id: 'r1',
      sessionId: 's1',
      head: HEAD,
      threadIds: ['T1', 'T2', 'T3'],
      turnsBefore: 0,
      reviewers: [],
      at: NOW,
    };
    const { after } = applied({
      ratchet: { threadRound: round, replied: ['r1:T1'], outbox: [reply('r1:T2')] },
      replies: { ready: true, replies: [reply('r1:T1'), reply('r1:T2', { body: 'again' }), reply('r1:T3')] },
    });
    expect(after.lastDecision?.action).toBe('reply-threads');
    expect(after.outbox.map((x) => [x.key, x.body])).toEqual([
      ['r1:T2', 'Fixed.'],
      ['r1:T3', 'Fixed.'],
    ]);
    expect(after).not.toHaveProperty('threadRound');
  });

  it('replies that must wait leave the round open', () => {
    const round = {
      id: 'r1',
      sessionId: 's1',
      head: HEAD,
      threadIds: ['T1'],
      turnsBefore: 0,
      reviewers: [],
      at: NOW,
    };
    const { after } = applied({
      ratchet: { threadRound: round },
      replies: { ready: false, reason: 'waiting for the push' },
    });
    expect(after.threadRound).toEqual(round);
    expect(after.outbox).toEqual([]);
  });
});

describe('the record after acting', () => {
  const decision: RatchetDecision = { action: 'start-fixer', reason: 'r', state: 'REVIEW_PENDING', at: NOW };

  it('a fixer started becomes the workspace fixer, confirms the dispatch and owns the waiting round', () => {
    const before = WorkspaceRatchet.parse({
      ...fresh,
      pendingDispatch: { fingerprint: 'f', at: NOW },
      threadRound: { id: 'r1', head: HEAD, threadIds: ['T1'], turnsBefore: 0, at: NOW },
    });
    const after = applyFixerStarted(before, { ...decision, sessionId: 's9' });
    expect(after).toMatchObject({
      fixerSessionId: 's9',
      lastDecision: { sessionId: 's9' },
      threadRound: { sessionId: 's9' },
    });
    expect(after).not.toHaveProperty('pendingDispatch');
    expect(before.threadRound).not.toHaveProperty('sessionId');
  });

  it('a round already owned by a session keeps it', () => {
    const before = WorkspaceRatchet.parse({
      ...fresh,
      threadRound: { id: 'r1', sessionId: 's1', head: HEAD, threadIds: ['T1'], turnsBefore: 0, at: NOW },
    });
    expect(applyFixerStarted(before, { ...decision, sessionId: 's9' }).threadRound?.sessionId).toBe('s1');
  });
});

describe('applyUserPause', () => {
  it.each<
    [string, Partial<WorkspaceRatchet>, boolean, Partial<WorkspaceRatchet>, Array<keyof WorkspaceRatchet>]
  >([
    [
      'pausing: paused by you, until you resume (a budget end dropped)',
      { pausedUntil: '2026-11-26T00:00:00.000Z', attempts: 2 },
      true,
      {
        paused: true,
        pausedReason: 'paused by you',
        attempts: 2,
        waiting: 'Paused by you: waiting for you to resume.',
      },
      ['pausedUntil'],
    ],
    [
      'resuming after the attempt cap: fresh attempts',
      { paused: true, pausedReason: '3 fix attempts used', attempts: 3 },
      false,
      { paused: false, attempts: 0, waiting: 'Resumed: waiting for the next tick to look again.' },
      ['pausedReason', 'pausedUntil'],
    ],
  ])('%s', (_name, before, paused, expected, absent) => {
    const after = applyUserPause(WorkspaceRatchet.parse({ ...fresh, ...before }), paused);
    expect(after).toMatchObject(expected);
    for (const key of absent) expect(after).not.toHaveProperty(key);
  });
});

describe('the outbox', () => {
  const withOutbox = (...outbox: ThreadReply[]) => WorkspaceRatchet.parse({ ...fresh, outbox });
  const asked = { pullRequestId: 'PR_1', userIds: ['U_mona'] };

  it.each<[string, (r: WorkspaceRatchet) => WorkspaceRatchet, Partial<ThreadReply>]>([
    [
      'a reply GitHub took is posted',
      (r) => applyReplyPosted(r, 'r1:T1', true),
      { posted: true, resolved: false },
    ],
    [
      'a reply whose thread was resolved meanwhile is done: nothing to post or resolve',
      (r) => applyReplyPosted(r, 'r1:T1', false),
      { posted: true, resolved: true },
    ],
    [
      'a resolved thread is resolved',
      (r) => applyReplyResolved(r, 'r1:T1'),
      { resolved: true, posted: false },
    ],
  ])('%s', (_name, change, expected) => {
    const after = change(withOutbox(reply('r1:T1'), reply('r1:T2')));
    expect(after.outbox[0]).toMatchObject(expected);
    expect(after.outbox[1]).toEqual(reply('r1:T2'));
  });

  it('reviewers asked again: the reply no longer carries the request', () => {
    const after = applyReviewsRequested(withOutbox(reply('r1:T1', { requestReviews: asked })), 'r1:T1');
    expect(after.outbox[0]).not.toHaveProperty('requestReviews');
  });

  it('settling: only replies fully done leave, remembered and counted', () => {
    const after = applyOutboxSettled(
      WorkspaceRatchet.parse({
        ...fresh,
        replied: ['r0:T0'],
        threadsHandled: 1,
        outbox: [
          reply('r1:T1', { posted: true, resolved: true }),
          reply('r1:T2', { posted: true, resolve: false }),
          reply('r1:T3', { posted: true }),
          reply('r1:T4', { posted: true, resolved: true, requestReviews: asked }),
          reply('r1:T5'),
        ],
      }),
    );
    expect(after.outbox.map((x) => x.key)).toEqual(['r1:T3', 'r1:T4', 'r1:T5']);
    expect(after.replied).toEqual(['r0:T0', 'r1:T1', 'r1:T2']);
    expect(after.threadsHandled).toBe(3);
  });

  it('remembers the newest 200 replies', () => {
    const after = applyOutboxSettled(
      WorkspaceRatchet.parse({
        ...fresh,
        replied: Array.from({ length: 200 }, (_, i) => `old:${i}`),
        outbox: [reply('r1:T1', { posted: true, resolved: true })],
      }),
    );
    expect(after.replied).toHaveLength(200);
    expect(after.replied.at(-1)).toBe('r1:T1');
    expect(after.replied[0]).toBe('old:1');
  });
});

describe('spend and budget stops', () => {
  it('spent so far is shown as it grows; an unchanged figure leaves the record as it was', () => {
    const before = WorkspaceRatchet.parse({ ...fresh, spentUsd: 1, budgetUsd: 5 });
    expect(applySpend(before, 1, 5)).toBe(before);
    expect(applySpend(before, 2.5, 5)).toEqual({ ...before, spentUsd: 2.5 });
  });

  const stop: RatchetDecision = {
    action: 'pause',
    state: 'CI_FAILED',
    reason: "The fixer's turn was stopped: budget of $5.00 per PR spent ($5.60); paused.",
    at: NOW,
  };
  it.each([
    [
      'the PR budget: paused until you resume',
      { why: 'budget of $5.00 per PR spent ($5.60)' },
      undefined,
      /^Paused \(budget of \$5\.00 per PR spent \(\$5\.60\)\): waiting for you to resume/,
    ],
    [
      'the day budget: paused until midnight UTC',
      { why: 'budget of $10.00 per day spent by all fixers ($10.40)', until: '2026-11-26T00:00:00.000Z' },
      '2026-11-26T00:00:00.000Z',
      /until 2026-11-26 00:00 UTC, when it goes on by itself/,
    ],
  ])('a turn stopped past %s', (_what, pause, until, waiting) => {
    const after = applyBudgetStop(
      WorkspaceRatchet.parse({ ...fresh, pausedUntil: 'stale' }),
      stop,
      pause,
      5.6,
    );
    expect(after).toMatchObject({ paused: true, pausedReason: pause.why, lastDecision: stop, spentUsd: 5.6 });
    expect(after.pausedUntil).toBe(until);
    expect(after.waiting).toMatch(waiting);
  });
});

describe('newRoundId', () => {
  it('differs between rounds decided at the same moment', () => {
    expect(newRoundId(NOW, () => 0.123456)).not.toBe(newRoundId(NOW, () => 0.654321));
    expect(newRoundId(NOW, () => 0.5)).toMatch(/^[0-9a-z]+$/);
  });
});
