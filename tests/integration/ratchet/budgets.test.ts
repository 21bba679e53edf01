import { describe, expect, it } from 'vitest';
import type { ApiRequest, Reply, Responder } from '../../fakes/anthropic-api/server.js';
import { runCli } from '../../helpers/agent-process.js';
import { waitForSession } from '../../helpers/claude-fixture.js';
import { fixerSessions, type RatchetWorld, ratchetWorlds, trackedPr } from '../../helpers/ratchet-world.js';
import { waitFor } from '../../helpers/temp.js';

const newWorld = ratchetWorlds();

/**
 * Input tokens that make one API call cost dollars: the CLI prices its default model's input
 * at $4 a million tokens here, so 400,000 is $1.60 a call (and ff, before it has seen the CLI
 * price anything, estimates it at the Opus list price, $2.00).
 */
const COSTLY = { input_tokens: 400_000 };
const CALL_USD = 1.6;

/** API calls the model has made in this conversation so far (its earlier assistant messages). */
const callsSoFar = (request: ApiRequest) =>
  (request.body.messages ?? []).filter((m) => m.role === 'assistant').length;

/**
 * A costly fixer: each turn runs its Bash tool four times and then answers, five calls in
 * all ($8 a turn). Side requests (no tools) cost what they always do.
 */
const costly =
  (calls = 5): Responder =>
  (request) => {
    if (!request.body.tools?.length) return { text: 'ok' };
    if (callsSoFar(request) < calls - 1)
      return {
        toolUse: { name: 'Bash', input: { command: 'sleep 1', description: 'look around' } },
        usage: COSTLY,
      };
    return { text: 'Fixed.', usage: COSTLY };
  };

async function failingPr(w: RatchetWorld, issue: number) {
  const tracked = await trackedPr(w, issue);
  w.github.setCheck(tracked.pr.number, 'test', 'FAILURE');
  return tracked;
}

/** What every fixer of the world has cost, once their turns are over. */
async function fixersCost(w: RatchetWorld, workspaceIds: string[]): Promise<number[]> {
  const costs: number[] = [];
  for (const id of workspaceIds)
    for (const s of await fixerSessions(w.client, id)) {
      const done = await waitForSession(
        w.client,
        s.id,
        (x) => x.status !== 'running' && x.status !== 'starting',
        'the fixer to stop',
        60_000,
      );
      costs.push(done.costUsd);
    }
  return costs;
}

describe('budgets hold while fixers run', () => {
  it("a fixer's turn is stopped once it passes the PR's budget: a turn that would cost $8 stops near $5, and the decision log and the PR say why", async () => {
    const w = await newWorld(costly());
    await w.client.call('ratchet.settings.set', { patch: { rerunFlakyChecks: false } });
    const { workspace } = await failingPr(w, 71);
    const tick = await w.client.call('ratchet.tick');
    expect(tick.decisions[0]?.decision.action).toBe('start-fixer');
    const [session] = await fixerSessions(w.client, workspace.id);
    const done = await waitForSession(
      w.client,
      session!.id,
      (s) => s.turns === 1,
      'the stopped turn',
      90_000,
    );

    const calls = w.api.conversationRequests.filter((r) => r.sessionId === done.claudeSessionId).length;
    expect(calls).toBeLessThan(5);
    expect(done.costUsd).toBeLessThanOrEqual(5 + CALL_USD + 0.01);
    const ratchet = (await w.client.call('workspace.get', { workspaceId: workspace.id })).ratchet;
    expect(ratchet.paused).toBe(true);
    expect(ratchet.pausedReason).toMatch(/^budget of \$5\.00 per PR spent/);
    expect(ratchet.lastDecision).toMatchObject({ action: 'pause', sessionId: session!.id });
    expect(ratchet.lastDecision?.reason).toMatch(
      /^The fixer's turn was stopped: budget of \$5\.00 per PR spent/,
    );
    // Its final cost is shown as its turn ends, with no tick since.
    await waitFor(
      async () =>
        (await w.client.call('workspace.get', { workspaceId: workspace.id })).ratchet.spentUsd ===
        done.costUsd,
      { what: 'the final cost shown', timeoutMs: 10_000 },
    );
    const log = await w.client.call('ratchet.decisions', { workspaceId: workspace.id });
    expect(log.map((d) => d.action)).toEqual(['start-fixer', 'pause']);

    // Paused: the next tick starts nothing.
    const requests = w.api.conversationRequests.length;
    w.github.setCheck(w.github.pullRequests[0]!.number, 'lint', 'FAILURE');
    expect((await w.client.call('ratchet.tick')).decisions[0]?.decision.action).toBe('none');
    expect(await fixerSessions(w.client, workspace.id)).toHaveLength(1);
    expect(w.api.conversationRequests.length).toBe(requests);
  }, 180_000);

  it("three PRs failing at once with $10 a day: the day is reserved as fixers start, so the third waits; together they spend about the day's budget, not $24", async () => {
    const w = await newWorld(costly());
    await w.client.call('ratchet.settings.set', {
      patch: { rerunFlakyChecks: false, maxCostUsdPerDay: 10 },
    });
    const prs = [await failingPr(w, 72), await failingPr(w, 73), await failingPr(w, 74)];
    const ids = prs.map((p) => p.workspace.id);

    const first = await w.client.call('ratchet.tick');
    expect(first.decisions.map((d) => d.decision.action)).toEqual(['start-fixer', 'start-fixer', 'none']);
    expect(first.decisions[2]?.decision.reason).toMatch(
      /waiting for budget: running fixers hold \$10\.00 of today's \$10\.00/,
    );
    const costs = await fixersCost(w, ids);
    expect(costs).toHaveLength(2);

    // The third goes no further than the day allows: paused until midnight UTC.
    const second = await w.client.call('ratchet.tick');
    const third = second.decisions.find((d) => d.workspaceId === ids[2]);
    expect(third?.decision.action).toBe('pause');
    const paused = (await w.client.call('workspace.get', { workspaceId: ids[2]! })).ratchet;
    expect(paused.pausedReason).toMatch(/per day/);
    expect(paused.pausedUntil).toMatch(/T00:00:00\.000Z$/);
    const all = await fixersCost(w, ids);
    const total = all.reduce((a, b) => a + b, 0);
    // At most one call past the budget per fixer that ran, never three whole turns.
    expect(total).toBeLessThanOrEqual(10 + 2 * CALL_USD + 0.01);
  }, 240_000);

  it('ratchet status shows what a fixer has spent while its turn runs, and its final cost when the turn ends', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const w = await newWorld(async (request): Promise<Reply> => {
      if (!request.body.tools?.length) return { text: 'ok' };
      if (callsSoFar(request) === 0)
        return {
          toolUse: { name: 'Bash', input: { command: 'true', description: 'look' } },
          usage: { input_tokens: 100_000 },
        };
      await held; // the turn's second call waits until the test has looked
      return { text: 'Fixed.', usage: { input_tokens: 100_000 } };
    });
    await w.client.call('ratchet.settings.set', { patch: { rerunFlakyChecks: false } });
    const { workspace } = await failingPr(w, 75);
    await w.client.call('ratchet.tick');
    const [session] = await fixerSessions(w.client, workspace.id);

    const live = await waitFor(
      async () => {
        const status = await runCli(['ratchet', 'status'], { FF_HOME: w.home });
        return /spent \$0\.[1-9]\d/.test(status.stdout) ? status.stdout : undefined;
      },
      { what: 'the running turn’s spend in ratchet status', timeoutMs: 60_000 },
    );
    expect(live).toMatch(/spent \$0\.[1-9]\d/);
    expect((await w.client.call('session.get', { sessionId: session!.id })).turns).toBe(0);
    const view = await w.client.call('session.get', { sessionId: session!.id });
    expect(view.turnCostUsd).toBeGreaterThan(0);

    release();
    const done = await waitForSession(w.client, session!.id, (s) => s.turns === 1, 'the turn to end', 60_000);
    expect(done.turnCostsUsd).toEqual([done.costUsd]);
    await waitFor(
      async () => {
        const status = await runCli(['ratchet', 'status'], { FF_HOME: w.home });
        return status.stdout.includes(`spent $${done.costUsd.toFixed(2)}`) || undefined;
      },
      { what: 'the final cost in ratchet status, with no tick since', timeoutMs: 10_000 },
    );
  }, 120_000);
});
