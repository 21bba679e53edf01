import { describe, expect, it } from 'vitest';
import {
  alreadyReplied,
  parseThreadVerdicts,
  planThreadReplies,
  replyMarker,
  summaryOf,
} from '../../../../agent/ratchet/threads.js';
import type { ThreadRound } from '../../../../shared/ratchet.js';
import { comment, snapshot } from './snapshots.js';

const round: ThreadRound = {
  id: 'r1',
  sessionId: 's1',
  head: 'a'.repeat(40),
  threadIds: ['T1', 'T2', 'T3', 'T4'],
  turnsBefore: 0,
  reviewers: [{ login: 'mona', id: 'U_mona' }],
  at: '2026-11-25T10:00:00Z',
};
const threads = ['T1', 'T2', 'T3', 'T4'].map((id) => ({ id, comments: [comment('mona')] }));
const moved = snapshot({ headRefOid: 'b'.repeat(40), unresolvedThreads: threads });

describe('parseThreadVerdicts', () => {
  it.each([
    ['THREAD T1: fixed — renamed x to count', 'T1', 'fixed', 'renamed x to count'],
    ['THREAD T1: answered - it is sorted upstream', 'T1', 'answered', 'it is sorted upstream'],
    [
      '- THREAD PRRT_kw1: declined — the name is public API',
      'PRRT_kw1',
      'declined',
      'the name is public API',
    ],
    ['`THREAD T9`: FIXED: done', 'T9', 'fixed', 'done'],
    ['thread T1: fixed', 'T1', 'fixed', ''],
  ])('%s', (line, id, verdict, reply) => {
    expect(parseThreadVerdicts(`Summary first.\n${line}\n`).get(id)).toEqual({ verdict, reply });
  });

  it('ignores other lines and unknown verdicts; the last line for a thread wins', () => {
    const verdicts = parseThreadVerdicts(
      'THREAD T1: maybe — hmm\nI fixed THREAD T2: fixed in prose\nTHREAD T3: fixed — a\nTHREAD T3: declined — b',
    );
    expect([...verdicts.keys()]).toEqual(['T3']);
    expect(verdicts.get('T3')).toEqual({ verdict: 'declined', reply: 'b' });
  });

  it("the summary is the fixer's message without its verdict lines", () => {
    expect(summaryOf('Renamed things.\nTHREAD T1: fixed — ok\nAll tests pass.')).toBe(
      'Renamed things.\nAll tests pass.',
    );
  });
});

describe('planThreadReplies', () => {
  const text = [
    'Renamed and documented.',
    'THREAD T1: fixed — renamed x to count',
    'THREAD T2: answered — it is sorted by the caller',
    'THREAD T3: declined — the name is public API',
  ].join('\n');

  it('fixed names the new head and resolves; answered resolves; declined stays open; no line gets the summary', () => {
    const plan = planThreadReplies(round, text, moved, { resolveThreads: true });
    expect(plan.ready).toBe(true);
    if (!plan.ready) return;
    expect(plan.replies.map((r) => [r.threadId, r.verdict, r.resolve])).toEqual([
      ['T1', 'fixed', true],
      ['T2', 'answered', true],
      ['T3', 'declined', false],
      ['T4', 'none', false],
    ]);
    expect(plan.replies[0]!.body).toBe(`Fixed in bbbbbbb: renamed x to count\n\n${replyMarker('r1:T1')}`);
    expect(plan.replies[2]!.body).toContain('the name is public API');
    expect(plan.replies[3]!.body).toContain('did not say how it handled this thread');
    expect(plan.replies[3]!.body).toContain('Renamed and documented.');
    expect(plan.replies[3]!.body).not.toContain('THREAD T1');
    // The reviewers who asked for changes are asked again, once per round.
    expect(plan.replies.map((r) => r.requestReviews)).toEqual([
      { pullRequestId: 'PR_1', userIds: ['U_mona'] },
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('resolveThreads off: nothing is resolved', () => {
    const plan = planThreadReplies(round, text, moved, { resolveThreads: false });
    expect(plan.ready && plan.replies.every((r) => !r.resolve)).toBe(true);
  });

  it('a fixed thread waits until the head moved', () => {
    const still = snapshot({ unresolvedThreads: threads });
    expect(planThreadReplies(round, text, still, { resolveThreads: true })).toMatchObject({
      ready: false,
      reason: expect.stringMatching(/waiting for its push to reach GitHub/),
    });
    // With no fixed verdict nothing waits for a push.
    expect(planThreadReplies(round, 'THREAD T2: answered — yes', still, { resolveThreads: true }).ready).toBe(
      true,
    );
  });

  it('threads resolved meanwhile get no reply', () => {
    const plan = planThreadReplies(
      round,
      text,
      { ...moved, unresolvedThreads: threads.slice(1, 2) },
      {
        resolveThreads: true,
      },
    );
    expect(plan.ready && plan.replies.map((r) => r.threadId)).toEqual(['T2']);
  });

  it('a reply GitHub already holds is recognised by its marker', () => {
    const reply = { threadId: 'T1', key: 'r1:T1' };
    expect(alreadyReplied(moved, reply)).toBe(false);
    const posted = snapshot({
      unresolvedThreads: [
        { id: 'T1', comments: [comment('mona'), comment('ff-bot', `Fixed.\n\n${replyMarker('r1:T1')}`)] },
      ],
    });
    expect(alreadyReplied(posted, reply)).toBe(true);
    expect(alreadyReplied(posted, { threadId: 'T1', key: 'r2:T1' })).toBe(false);
  });
});
