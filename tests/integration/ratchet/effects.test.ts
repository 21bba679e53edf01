import { afterEach, describe, expect, it } from 'vitest';
import { GitHub } from '../../../agent/github/github.js';
import { silentLogger } from '../../../agent/logger.js';
import { classifyPullRequest } from '../../../agent/ratchet/classify.js';
import { act, type EffectsDeps } from '../../../agent/ratchet/effects.js';
import { postReplies } from '../../../agent/ratchet/post-replies.js';
import { planThreadReplies, replyMarker } from '../../../agent/ratchet/threads.js';
import { type RatchetDecision, RatchetSettings, WorkspaceRatchet } from '../../../shared/ratchet.js';
import { FakeGitHub } from '../../fakes/github/server.js';

/**
 * The ratchet's effects, each alone, against the fake GitHub (real HTTP, GitHub's schema):
 * what GitHub is asked, and what the record says after, without an agent around them.
 */

const settings = RatchetSettings.parse({});
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function world() {
  fake = await new FakeGitHub().start();
  const pr = fake.addPullRequest('octo/app', { headRefName: 'ff/1-x', headRefOid: 'c'.repeat(40) });
  pr.reviews.push({ author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '2026-11-25T09:00:00Z' });
  const threads = ['fixed', 'answered', 'declined'].map((_, i) =>
    fake!.addThread(pr.number, [{ author: 'mona', body: `Please change line ${i}.`, line: i + 1 }]),
  );
  /** A new client, as after an agent restart (no backoff carried over). */
  const connect = () => new GitHub(fake!.env(), silentLogger);
  const github = connect();
  const snapshot = async (client = github) => (await client.pullRequests([pr.id])).snapshots.get(pr.id)!;
  return { fake, pr, threads, github, connect, snapshot };
}

/** A workspace's record kept in memory; `failNext` makes the next write fail, as a full disk or a crash would. */
function memoryRecords(ratchet: WorkspaceRatchet) {
  const records = {
    ratchet,
    failNext: false,
    get: () => records.ratchet,
    update: async (_id: string, next: (r: WorkspaceRatchet) => WorkspaceRatchet) => {
      if (records.failNext) {
        records.failNext = false;
        throw new Error('disk full');
      }
      records.ratchet = next(records.ratchet);
    },
  };
  return records;
}

/** The replies the fixer's answer makes, in the outbox as a decision records them. */
async function outboxOf(w: Awaited<ReturnType<typeof world>>) {
  const [fixed, answered, declined] = w.threads.map((t) => t.id!);
  const answer = [
    `THREAD ${fixed}: fixed — renamed it`,
    `THREAD ${answered}: answered — it is needed for the bench`,
    `THREAD ${declined}: declined — out of scope`,
  ].join('\n');
  const round = {
    id: 'r1',
    sessionId: 's1',
    head: 'b'.repeat(40),
    threadIds: [fixed!, answered!, declined!],
    turnsBefore: 0,
    reviewers: [{ login: 'mona', id: 'U_mona' }],
    at: '2026-11-25T10:00:00Z',
  };
  const plan = planThreadReplies(round, answer, await w.snapshot(), settings);
  if (!plan.ready) throw new Error(plan.reason);
  return WorkspaceRatchet.parse({ outbox: plan.replies });
}

const repliesIn = (fake: FakeGitHub, threadId: string) =>
  fake.mutations.filter(
    (m) => m.name === 'addPullRequestReviewThreadReply' && m.input.pullRequestReviewThreadId === threadId,
  ).length;

describe('posting thread replies', () => {
  it('each thread answered once; fixed and answered resolved, declined left open; the reviewer asked again; the outbox emptied', async () => {
    const w = await world();
    const records = memoryRecords(await outboxOf(w));
    await postReplies(w.github, records, 'w1', await w.snapshot());
    for (const thread of w.threads) expect(repliesIn(w.fake, thread.id!)).toBe(1);
    expect(w.threads.map((t) => t.isResolved)).toEqual([true, true, false]);
    expect(w.threads[0]!.comments.at(-1)!.body).toMatch(/^Fixed in ccccccc: renamed it/);
    expect(w.pr.requestedReviewers).toEqual(['mona']);
    expect(records.ratchet.outbox).toEqual([]);
    expect(records.ratchet.replied).toEqual(w.threads.map((t) => `r1:${t.id}`));
    expect(records.ratchet.threadsHandled).toBe(3);
  });

  it('a reply GitHub took but ff never recorded (a crash between the two) is found by its marker, not posted again', async () => {
    const w = await world();
    const records = memoryRecords(await outboxOf(w));
    records.failNext = true;
    await expect(postReplies(w.github, records, 'w1', await w.snapshot())).rejects.toThrow('disk full');
    const first = w.threads[0]!;
    expect(repliesIn(w.fake, first.id!)).toBe(1);
    expect(records.ratchet.outbox.every((reply) => !reply.posted)).toBe(true);

    const restarted = w.connect();
    await postReplies(restarted, records, 'w1', await w.snapshot(restarted));
    for (const thread of w.threads) expect(repliesIn(w.fake, thread.id!)).toBe(1);
    const marker = replyMarker(`r1:${first.id}`);
    expect(first.comments.filter((c) => c.body.includes(marker))).toHaveLength(1);
    expect(w.threads.map((t) => t.isResolved)).toEqual([true, true, false]);
    expect(records.ratchet.outbox).toEqual([]);
  });

  it('a GitHub failure stops the round where it is; the next look posts only what is left', async () => {
    const w = await world();
    const records = memoryRecords(await outboxOf(w));
    const seen = await w.snapshot();
    // The first reply and its resolve go through; the second reply fails.
    w.fake.failures.push({ status: 200 }, { status: 200 }, { status: 502 });
    await expect(postReplies(w.github, records, 'w1', seen)).rejects.toThrow(/having trouble/);
    expect(records.ratchet.outbox.map((r) => [r.posted, r.resolved])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);

    const restarted = w.connect();
    await postReplies(restarted, records, 'w1', await w.snapshot(restarted));
    for (const thread of w.threads) expect(repliesIn(w.fake, thread.id!)).toBe(1);
    expect(records.ratchet.outbox).toEqual([]);
    expect(records.ratchet.threadsHandled).toBe(3);
  });

  it('a thread someone resolved meanwhile gets no reply, and counts as handled', async () => {
    const w = await world();
    const records = memoryRecords(await outboxOf(w));
    w.threads[1]!.isResolved = true;
    await postReplies(w.github, records, 'w1', await w.snapshot());
    expect(repliesIn(w.fake, w.threads[1]!.id!)).toBe(0);
    expect(w.fake.mutations.filter((m) => m.name === 'resolveReviewThread')).toHaveLength(1);
    expect(records.ratchet.outbox).toEqual([]);
    expect(records.ratchet.threadsHandled).toBe(3);
  });
});

describe('acting on a decision', () => {
  const decision = (
    action: RatchetDecision['action'],
    extra: Partial<RatchetDecision> = {},
  ): RatchetDecision => ({
    action,
    reason: '',
    state: 'READY',
    at: '2026-11-25T10:00:00Z',
    ...extra,
  });
  const deps = (records = memoryRecords(WorkspaceRatchet.parse({}))): EffectsDeps => ({
    projects: { get: () => ({ owner: 'octo', repo: 'app' }) },
    records,
    fixers: {
      start: () => Promise.reject(new Error('no fixer in this test')),
      tell: () => Promise.reject(new Error('no fixer in this test')),
    },
  });
  const brief = async (w: Awaited<ReturnType<typeof world>>) => {
    const snapshot = await w.snapshot();
    return {
      workspace: { id: 'w1', projectId: 'p1' },
      snapshot,
      classification: classifyPullRequest(snapshot, { viewerLogin: 'ff-bot', allowedReviewers: [] }),
    };
  };

  it('a re-run asks GitHub once per failed workflow run', async () => {
    const w = await world();
    w.fake.setCheck(w.pr.number, 'test', 'FAILURE', undefined, 501);
    w.fake.setCheck(w.pr.number, 'lint', 'FAILURE', undefined, 502);
    await act(deps(), w.github, decision('rerun-checks', { runIds: [501, 502] }), await brief(w), settings);
    expect(w.fake.rest).toEqual([
      'POST /repos/octo/app/actions/runs/501/rerun-failed-jobs',
      'POST /repos/octo/app/actions/runs/502/rerun-failed-jobs',
    ]);
  });

  it.each([
    ['a merge', 'merge' as const, 'enablePullRequestAutoMerge'],
    ['a branch update', 'update-branch' as const, 'updatePullRequestBranch'],
  ])(
    '%s is pinned to the head the look saw: a PR that moved since is left alone',
    async (_name, action, mutation) => {
      const w = await world();
      const seen = await brief(w);
      w.pr.headRefOid = 'd'.repeat(40); // a push after the look
      await expect(act(deps(), w.github, decision(action), seen, settings)).rejects.toThrow(
        /Head branch was modified/,
      );
      expect(w.fake.mutations.filter((m) => m.name === mutation).map((m) => m.input.expectedHeadOid)).toEqual(
        ['c'.repeat(40)],
      );
      expect(w.pr.state).toBe('OPEN');
      expect(w.pr.autoMerge).toBeNull();
    },
  );

  it('pause and none call nothing', async () => {
    const w = await world();
    const seen = await brief(w);
    const before = w.fake.requests.length;
    expect(await act(deps(), w.github, decision('pause'), seen, settings)).toEqual({});
    expect(await act(deps(), w.github, decision('none'), seen, settings)).toEqual({});
    expect(w.fake.requests.length).toBe(before);
    expect(w.fake.rest).toEqual([]);
  });
});
