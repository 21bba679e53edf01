import { describe, expect, it } from 'vitest';
import { fullReadPoints } from '../../../agent/github/queries.js';
import type { RatchetEvent } from '../../../shared/protocol.js';
import type { TickResult } from '../../../shared/ratchet.js';
import { runCli } from '../../helpers/agent-process.js';
import { manyTrackedPrs, ratchetWorlds } from '../../helpers/ratchet-world.js';
import { waitFor } from '../../helpers/temp.js';
import { countStateWrites } from '../../helpers/tracked-workspaces.js';

const newWorld = ratchetWorlds();

/** Settings under which a tick decides but starts nothing that needs git or a model. */
const LOOK_ONLY = {
  fixCi: false,
  fixReviews: false,
  fixConflicts: false,
  rerunFlakyChecks: false,
  updateBranch: false,
  autoMerge: false,
};

/** Each tracked workspace's decision in a tick, by workspace id. */
const byWorkspace = (tick: TickResult) =>
  new Map(tick.decisions.map(({ workspaceId, decision }) => [workspaceId, decision]));

describe("the ratchet within GitHub's rate limit", () => {
  it('a steady tick over 250 PRs asks only their heads (3 points); only PRs that moved are read again', async () => {
    const w = await newWorld();
    await w.client.call('ratchet.settings.set', { patch: LOOK_ONLY });
    const { workspaces, prs } = await manyTrackedPrs(w, 250);
    const [pushed, reviewed, failing, behind, running, partly] = prs;
    for (const pr of prs) {
      w.github.setCheck(pr.number, 'test', pr === running || pr === partly ? null : 'SUCCESS');
      // Threads with comments are what makes reading a PR in full cost a point.
      w.github.addThread(pr.number, [
        { author: 'mona', body: 'Nit.' },
        { author: 'ff-bot', body: 'Done.' },
      ]);
    }
    w.github.setCheck(partly!.number, 'lint', 'FAILURE');

    const writes = countStateWrites(w.home);
    const first = await w.client.call('ratchet.tick');
    // Finding 250 PRs and deciding each: a constant number of state writes, not one per PR.
    expect(await writes.settled(w.client)).toBeLessThanOrEqual(3);
    writes.close();
    expect(first.error).toBeUndefined();
    expect(first.checked).toBe(250);
    expect(byWorkspace(first).get(workspaces[4]!.id)?.state).toBe('CI_RUNNING');
    expect(byWorkspace(first).get(workspaces[5]!.id)?.state).toBe('CI_RUNNING');

    // Nothing changed: one heads request per 100 PRs, one point each.
    let from = w.github.requests.length;
    const steady = await w.client.call('ratchet.tick');
    expect(steady.checked).toBe(250);
    expect(w.github.operations(from)).toEqual(['PullRequestHeads', 'PullRequestHeads', 'PullRequestHeads']);
    expect(w.github.pointsSince(from)).toBe(3);
    expect(w.github.pointsSince(from) / 250).toBeLessThanOrEqual(0.02);

    // A push, a review comment, a new failure, the base moving, CI finishing (twice).
    pushed!.headRefOid = 'c'.repeat(40);
    w.github.addThread(reviewed!.number, [{ author: 'mona', body: 'Please rename this.' }]);
    w.github.setCheck(failing!.number, 'test', 'FAILURE');
    behind!.behind = true;
    w.github.setCheck(running!.number, 'test', 'SUCCESS');
    // lint failed while test ran: the rollup said FAILURE before and after; only the checks tell.
    w.github.setCheck(partly!.number, 'test', 'SUCCESS');

    from = w.github.requests.length;
    const moved = await w.client.call('ratchet.tick');
    expect(moved.checked).toBe(250);
    const reads = w.github.requests.slice(from).filter((r) => r.operation === 'PullRequests');
    expect(reads).toHaveLength(1);
    expect(new Set(reads[0]!.variables.ids as string[])).toEqual(
      new Set([pushed!.id, reviewed!.id, failing!.id]),
    );
    expect(w.github.pointsSince(from)).toBe(3 + fullReadPoints(3));
    const decisions = byWorkspace(moved);
    expect(decisions.get(workspaces[0]!.id)?.headRefOid).toBe('c'.repeat(40));
    expect(decisions.get(workspaces[1]!.id)?.state).toBe('REVIEW_PENDING');
    expect(decisions.get(workspaces[2]!.id)?.state).toBe('CI_FAILED');
    expect(decisions.get(workspaces[3]!.id)?.state).toBe('BEHIND');
    expect(decisions.get(workspaces[4]!.id)?.state).toBe('READY');
    expect(decisions.get(workspaces[5]!.id)?.state).toBe('CI_FAILED');

    from = w.github.requests.length;
    await w.client.call('ratchet.tick');
    expect(w.github.pointsSince(from)).toBe(3);
    // Every document was valid against GitHub's schema (checked after each test).
  }, 180_000);

  it('a tick that merges 100 PRs writes its state a constant number of times', async () => {
    const w = await newWorld();
    await w.client.call('ratchet.settings.set', { patch: { ...LOOK_ONLY, autoMerge: true } });
    const { prs } = await manyTrackedPrs(w, 100);
    for (const pr of prs) w.github.setCheck(pr.number, 'test', 'SUCCESS');
    const writes = countStateWrites(w.home);
    const tick = await w.client.call('ratchet.tick');
    expect(await writes.settled(w.client)).toBeLessThanOrEqual(3);
    writes.close();
    expect(tick.decisions.filter((d) => d.decision.action === 'merge')).toHaveLength(100);
    expect(w.github.mutations.filter((m) => m.name === 'enablePullRequestAutoMerge')).toHaveLength(100);
  }, 120_000);

  it('near 80% of the hour’s points it spaces its looks and says so; past 80% it sends nothing until the reset', async () => {
    const w = await newWorld();
    await w.client.call('ratchet.settings.set', { patch: LOOK_ONLY });
    const { workspaces } = await manyTrackedPrs(w, 3);
    await w.client.call('ratchet.tick');
    await w.client.call('ratchet.tick');

    // The board, or the user's own tools on the same token, spent the hour down to 1,005 points.
    w.github.spend(1005);
    const spaced = await w.client.call('ratchet.tick');
    expect(spaced.budget).toMatch(/github\.com: checking every \d+ min: GitHub budget/);
    const status = await w.client.call('ratchet.status');
    expect(status.github.rateLimit).toMatchObject({ limit: 5000, remaining: 1004 });
    expect(status.github.pace?.words).toMatch(/^checking every \d+ min: GitHub budget$/);
    expect(Number(/every (\d+) min/.exec(status.github.pace!.words)![1])).toBeGreaterThanOrEqual(10);
    const { ratchet } = await w.client.call('workspace.get', { workspaceId: workspaces[0]!.id });
    expect(ratchet.waiting).toMatch(
      /next look at \d\d:\d\d UTC \(checking every \d+ min: GitHub budget\)\.$/,
    );
    const cli = await runCli(['ratchet', 'status'], { FF_HOME: w.home });
    expect(cli.stdout).toContain(
      'GitHub: connected (token from GITHUB_TOKEN, as @ff-bot, 1,004 of 5,000 points left until',
    );
    expect(cli.stdout).toMatch(
      / {2}checking every \d+ min: GitHub budget \(next look at \d\d:\d\d UTC; the ratchet stays under 80%/,
    );

    // Others spent past 80%: the next look sees it, and the one after asks GitHub nothing.
    w.github.spend(999);
    await w.client.call('ratchet.tick');
    expect((await w.client.call('ratchet.status')).github.pace?.words).toMatch(
      /^GitHub rate limit: waiting for its reset$/,
    );
    const from = w.github.requests.length;
    const refused = await w.client.call('ratchet.tick');
    expect(refused.error).toMatch(
      /^GitHub budget: 4,002 of this hour's 5,000 points used \(ff stops at 80%, counting everything on this token\); next look at \d\d:\d\d UTC, when they reset\.$/,
    );
    expect(w.github.requests.length).toBe(from);
  }, 120_000);

  it('when reading every new PR in full would pass 80% of the hour’s points, it reads what fits and the rest waits', async () => {
    const w = await newWorld();
    await w.client.call('ratchet.settings.set', { patch: LOOK_ONLY });
    await manyTrackedPrs(w, 250);
    w.github.spend(1120);
    const tick = await w.client.call('ratchet.tick');
    expect(tick.error).toBeUndefined();
    expect(tick.checked).toBeGreaterThan(100);
    expect(tick.checked).toBeLessThan(250);
    expect(tick.budget).toBe(
      `${250 - tick.checked} PR(s) on github.com wait for a later look: GitHub budget; github.com: GitHub rate limit: waiting for its reset.`,
    );
    expect(w.github.budget.used).toBeLessThanOrEqual(4000);
  }, 120_000);

  it('GitHub’s RATE_LIMITED answer holds every call until the reset it names, then the ratchet goes on', async () => {
    const w = await newWorld();
    await w.client.call('ratchet.settings.set', { patch: LOOK_ONLY });
    const { workspaces } = await manyTrackedPrs(w, 2);
    await w.client.call('ratchet.tick');
    w.github.spend(0);
    // The hour ends in a few seconds.
    w.github.budget.resetAt = Math.ceil(Date.now() / 1000) * 1000 + 3000;
    const limited = await w.client.call('ratchet.tick');
    expect(limited.error).toMatch(/^GitHub rate limit: API rate limit exceeded for user ID 1\./);
    const status = await w.client.call('ratchet.status');
    expect(status.github.backoffUntil).toBe(new Date(w.github.budget.resetAt).toISOString());
    expect(status.github.pace?.words).toMatch(/^GitHub rate limit: waiting for its reset$/);
    // The PR panel's sentence says when the ratchet looks again, and why not sooner.
    const reset = new Date(w.github.budget.resetAt).toISOString().slice(11, 16);
    const { ratchet } = await w.client.call('workspace.get', { workspaceId: workspaces[0]!.id });
    expect(ratchet.waiting).toBe(
      `Ready to merge (auto-merge is off); next look at ${reset} UTC (GitHub rate limit: waiting for its reset).`,
    );

    const from = w.github.requests.length;
    const held = await w.client.call('ratchet.tick');
    expect(held.error).toMatch(
      /^GitHub budget: 5,000 of this hour's 5,000 points used .*; next look at \d\d:\d\d UTC, when they reset\.$/,
    );
    expect(w.github.requests.length).toBe(from);

    const resetAt = w.github.budget.resetAt;
    await waitFor(() => Date.now() > resetAt, { what: 'the hour to reset', timeoutMs: 10_000 });
    const after = await w.client.call('ratchet.tick');
    expect(after.error).toBeUndefined();
    expect(after.checked).toBe(2);
    expect((await w.client.call('ratchet.status')).github.rateLimit?.remaining).toBeGreaterThan(4990);
  }, 120_000);

  it('scheduled ticks leave GitHub alone while its budget spaces the looks', async () => {
    const w = await newWorld(undefined, { FF_RATCHET_CRON: '* * * * * *' });
    await w.client.call('ratchet.settings.set', { patch: LOOK_ONLY });
    await manyTrackedPrs(w, 3);
    const ticks: TickResult[] = [];
    await w.client.subscribe('ratchet', (frame) => {
      const event = frame.data as RatchetEvent;
      if (event.kind === 'tick') ticks.push(event.tick);
    });
    await waitFor(() => ticks.some((t) => t.checked === 3), { what: 'a scheduled tick', timeoutMs: 30_000 });

    w.github.spend(1010);
    // The look that sees it spaces the next ones (its tick says so when it ends).
    await waitFor(() => ticks.some((t) => /checking every \d+ min: GitHub budget/.test(t.budget ?? '')), {
      what: 'a tick that spaces the looks',
      timeoutMs: 30_000,
    });
    expect((await w.client.call('ratchet.status')).github.pace?.words).toMatch(/^checking every \d+ min/);
    const from = w.github.requests.length;
    const seen = ticks.length;
    await waitFor(() => ticks.length >= seen + 3, { what: 'three more scheduled ticks', timeoutMs: 30_000 });
    expect(ticks.slice(seen).every((t) => !t.ran && t.checked === 0 && !t.error)).toBe(true);
    expect(w.github.requests.length).toBe(from);
  }, 120_000);
});
