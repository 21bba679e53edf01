import { describe, expect, it } from 'vitest';
import { isToolResultTurn, lastUserText, type Responder } from '../../fakes/anthropic-api/server.js';
import { runCli } from '../../helpers/agent-process.js';
import { waitForSession } from '../../helpers/claude-fixture.js';
import { fixerSessions, ratchetWorlds, trackedPr } from '../../helpers/ratchet-world.js';
import { waitFor } from '../../helpers/temp.js';

const newWorld = ratchetWorlds();

/** The fake model: asked to fix CI, it commits and pushes with its Bash tool; anything else it answers in text. */
const fixer: Responder = (request) => {
  const text = lastUserText(request);
  if (isToolResultTurn(request)) return { text: 'Pushed a fix.' };
  const branch = /branch `([^`]+)`/.exec(text)?.[1];
  if (text.includes('CI is failing') && branch) {
    return {
      toolUse: {
        name: 'Bash',
        input: {
          command: `echo fixed >> fix.txt && git add fix.txt && git commit -qm "Fix CI" && git push -q origin HEAD:refs/heads/${branch}`,
          description: 'commit and push the fix',
        },
      },
    };
  }
  return { text: `ok: ${text.slice(0, 40)}` };
};

const world = (responder: Responder = fixer) => newWorld(responder);

describe('the ratchet, end to end', () => {
  it('failing CI → one fixer with the CI prompt → it pushes → CI green → READY → auto-merge once', async () => {
    const w = await world();
    const { workspace, pr, head } = await trackedPr(w, 21);
    w.github.setCheck(pr.number, 'test', 'FAILURE', {
      title: '1 test failed',
      summary: 'Process completed with exit code 1.',
      annotations: [
        { path: 'src/sum.ts', line: 3, level: 'WARNING', message: 'Unused variable x' },
        { path: 'src/sum.test.ts', line: 12, level: 'FAILURE', message: 'expected 4 to be 5' },
      ],
    });
    await w.client.call('ratchet.settings.set', { patch: { autoMerge: true } });

    const first = await w.client.call('ratchet.tick');
    expect(first.error).toBeUndefined();
    expect(first.decisions).toMatchObject([
      { workspaceId: workspace.id, decision: { state: 'CI_FAILED', action: 'start-fixer' } },
    ]);
    expect((await w.client.call('workspace.get', { workspaceId: workspace.id })).pr?.number).toBe(pr.number);

    const [session] = await fixerSessions(w.client, workspace.id);
    expect(session).toMatchObject({ kind: 'ratchet' });
    await waitForSession(
      w.client,
      session!.id,
      (s) => s.turns === 1 && s.status === 'idle',
      'fixer turn',
      60_000,
    );
    const prompt = lastUserText(w.api.conversationRequests[0]!);
    expect(prompt).toContain(`CI is failing on pull request #${pr.number}`);
    expect(prompt).toMatch(
      /- <<<(ff-data-[0-9a-f]{16}) check: test \1>>>: failure — https:\/\/github\.com\/octo\/app\/actions\/runs\//,
    );
    // What the check said about itself, failures first, framed under its line.
    expect(prompt).toMatch(
      /: failure — \S+\n<<<(ff-data-[0-9a-f]{16}) what it reported\nsrc\/sum\.test\.ts:12: expected 4 to be 5\nsrc\/sum\.ts:3: Unused variable x\n1 test failed\nProcess completed with exit code 1\.\n\1>>>/,
    );

    // The fixer's push reached the bare origin; "CI" runs on the new head and passes.
    const pushed = w.repo.git(w.repo.bare, 'rev-parse', `refs/heads/${workspace.branch}`).trim();
    expect(pushed).not.toBe(head);
    pr.headRefOid = pushed;
    w.github.setCheck(pr.number, 'test', 'SUCCESS');

    const second = await w.client.call('ratchet.tick');
    expect(second.decisions).toMatchObject([{ decision: { state: 'READY', action: 'merge' } }]);
    const third = await w.client.call('ratchet.tick');
    expect(third.decisions[0]?.decision.action).toBe('none');
    expect(w.github.mutations).toEqual([
      {
        name: 'enablePullRequestAutoMerge',
        input: { pullRequestId: pr.id, expectedHeadOid: pushed, mergeMethod: 'SQUASH' },
      },
    ]);
    expect(await fixerSessions(w.client, workspace.id)).toHaveLength(1);

    const log = await w.client.call('ratchet.decisions', { workspaceId: workspace.id });
    expect(log.map((d) => d.action)).toEqual(['start-fixer', 'merge', 'none']);
    const status = await runCli(['ratchet', 'status'], { FF_HOME: w.home });
    expect(status.stdout).toContain('GitHub: connected (token from GITHUB_TOKEN, as @ff-bot');
    expect(status.stdout).toContain(`PR #${pr.number}  READY`);
  }, 90_000);

  it("doctor reads the token's scopes from GitHub's answers and says when they cannot merge", async () => {
    const w = await world();
    w.github.scopes = 'read:org, gist';
    await w.client.call('ratchet.tick');
    expect((await w.client.call('ratchet.status')).github.scopes).toEqual(['read:org', 'gist']);
    const doctor = JSON.parse((await runCli(['doctor', '--json'], { FF_HOME: w.home, ...w.env })).stdout) as {
      checks: Array<{ name: string; status: string; detail: string; fix?: string }>;
    };
    expect(doctor.checks.find((c) => c.name === 'GitHub API')).toMatchObject({
      status: 'warn',
      detail: 'token scopes: read:org, gist',
      fix: expect.stringContaining('`repo` scope'),
    });
  });

  it('10 concurrent ticks, then an agent restart mid-dispatch: exactly one fixer', async () => {
    const w = await world(() => ({ text: 'working on it', delayMs: 20 }));
    const workspace = await w.workspace(22);
    const pr = w.github.addPullRequest('octo/app', { headRefName: workspace.branch });
    w.github.setCheck(pr.number, 'test', 'FAILURE');
    const ticks = await Promise.all(Array.from({ length: 10 }, () => w.client.call('ratchet.tick')));
    expect(new Set(ticks.map((t) => t.startedAt)).size).toBe(1); // they joined one tick
    expect(await fixerSessions(w.client, workspace.id)).toHaveLength(1);

    // A new failure, and the agent dies while dispatching it.
    w.github.setCheck(pr.number, 'lint', 'FAILURE');
    void w.client.call('ratchet.tick').catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 30));
    await w.killAgent();
    await w.restart();
    for (let n = 0; n < 3; n++) await w.client.call('ratchet.tick');
    const sessions = await fixerSessions(w.client, workspace.id);
    expect(sessions).toHaveLength(1);
    const ratchet = (await w.client.call('workspace.get', { workspaceId: workspace.id })).ratchet;
    expect(ratchet.fixerSessionId).toBe(sessions[0]!.id);
    expect(ratchet.pendingDispatch).toBeUndefined();
    // The lint failure reached the (one) fixer exactly once.
    await waitFor(
      () => w.api.conversationRequests.filter((r) => lastUserText(r).includes('lint')).length === 1,
      {
        what: 'the fixer to hear about lint',
        timeoutMs: 30_000,
      },
    );
  }, 90_000);

  it('GitHub 500s and rate limits: the tick is skipped, nothing changes, backoff, and the status says why', async () => {
    const w = await world();
    const workspace = await w.workspace(23);
    const pr = w.github.addPullRequest('octo/app', { headRefName: workspace.branch });
    w.github.setCheck(pr.number, 'test', 'FAILURE');
    w.github.failures.push({ status: 500 });
    const failed = await w.client.call('ratchet.tick');
    expect(failed.error).toMatch(/GitHub is having trouble \(500\)/);
    expect(failed.decisions).toEqual([]);
    const before = (await w.client.call('workspace.get', { workspaceId: workspace.id })).ratchet;
    expect(before.state).toBeUndefined();
    expect(await fixerSessions(w.client, workspace.id)).toHaveLength(0);
    const status = await w.client.call('ratchet.status');
    expect(status.github.lastError).toMatch(/500/);
    expect(Date.parse(status.github.backoffUntil!)).toBeGreaterThan(Date.now());
    // During backoff no request reaches GitHub.
    const requests = w.github.requests.length;
    const skipped = await w.client.call('ratchet.tick');
    expect(skipped.error).toMatch(/Waiting until/);
    expect(w.github.requests.length).toBe(requests);
    // Backoff after a failure is not GitHub's rate limit: the ratchet's pace is untouched.
    expect((await w.client.call('ratchet.status')).github.pace).toBeUndefined();
    const cli = await runCli(['ratchet', 'tick'], { FF_HOME: w.home });
    expect(cli.stdout).toMatch(/Waiting until .* before calling GitHub again/);
  });

  it('a secondary rate limit with retry-after holds calls until then', async () => {
    const w = await world();
    await w.workspace(24);
    w.github.failures.push({
      status: 403,
      retryAfter: 120,
      message: 'You have exceeded a secondary rate limit.',
    });
    const tick = await w.client.call('ratchet.tick');
    expect(tick.error).toMatch(/rate limit/);
    const status = await w.client.call('ratchet.status');
    const waitMs = Date.parse(status.github.backoffUntil!) - Date.now();
    expect(waitMs).toBeGreaterThan(100_000);
    expect(waitMs).toBeLessThanOrEqual(120_000);
  });

  it('a PR GitHub cannot resolve does not stop the others', async () => {
    const w = await world(() => ({ text: 'on it' }));
    const a = await w.workspace(25);
    const b = await w.workspace(26);
    const prA = w.github.addPullRequest('octo/app', { headRefName: a.branch });
    const prB = w.github.addPullRequest('octo/app', { headRefName: b.branch });
    w.github.setCheck(prA.number, 'test', 'FAILURE');
    w.github.setCheck(prB.number, 'test', 'FAILURE');
    await w.client.call('ratchet.tick'); // links both PRs and starts both fixers
    w.github.brokenNodes.add(prA.id);
    w.github.setCheck(prB.number, 'test', 'SUCCESS');
    const tick = await w.client.call('ratchet.tick');
    expect(tick.error).toBeUndefined();
    expect(tick.checked).toBe(1);
    expect(tick.decisions).toMatchObject([{ workspaceId: b.id, decision: { state: 'READY' } }]);
  });
});

describe('review feedback and settings', () => {
  it('changes requested by an allowed reviewer start a fixer with the comments; pause stops it', async () => {
    const w = await world(() => ({ text: 'addressing the review' }));
    const workspace = await w.workspace(27);
    const pr = w.github.addPullRequest('octo/app', { headRefName: workspace.branch });
    pr.reviews.push({ author: 'stranger', state: 'CHANGES_REQUESTED', submittedAt: '2026-11-25T09:00:00Z' });
    await w.client.call('ratchet.settings.set', {
      project: 'octo/app',
      patch: { allowedReviewers: ['mona'] },
    });
    const ignored = await w.client.call('ratchet.tick');
    expect(ignored.decisions[0]?.decision.state).toBe('READY');

    pr.reviews.push({ author: 'mona', state: 'CHANGES_REQUESTED', submittedAt: '2026-11-25T10:00:00Z' });
    pr.threads.push({
      isResolved: false,
      comments: [
        {
          author: 'mona',
          body: 'Please rename `x` to <b>count</b>.',
          path: 'src/a.ts',
          line: 4,
          createdAt: '2026-11-25T10:00:00Z',
        },
      ],
    });
    await w.client.call('ratchet.pause', { workspaceId: workspace.id, paused: true });
    const paused = await w.client.call('ratchet.tick');
    expect(paused.decisions[0]?.decision).toMatchObject({
      state: 'REVIEW_PENDING',
      action: 'none',
      reason: 'Paused: paused by you.',
    });
    await w.client.call('ratchet.pause', { workspaceId: workspace.id, paused: false });
    const acted = await w.client.call('ratchet.tick');
    expect(acted.decisions[0]?.decision).toMatchObject({ state: 'REVIEW_PENDING', action: 'start-fixer' });
    await waitFor(() => w.api.conversationRequests.length > 0, { what: 'the fixer prompt' });
    const prompt = lastUserText(w.api.conversationRequests[0]!);
    expect(prompt).toContain('Changes were requested by @mona.');
    expect(prompt).toMatch(
      /Thread PRRT_\S+ — src\/a\.ts:4\n<<<(ff-data-[0-9a-f]{16}) @mona wrote\nPlease rename `x` to <b>count<\/b>\.\n\1>>>/,
    );
    const settings = await w.client.call('ratchet.settings.get', { project: 'octo/app' });
    expect(settings).toMatchObject({
      settings: { allowedReviewers: ['mona'], maxAttempts: 3 },
      overrides: { allowedReviewers: ['mona'] },
    });
    expect((await w.client.call('ratchet.settings.get')).settings.allowedReviewers).toEqual([]);
  });
});

describe('GitHub for workspaces and the board', () => {
  it('Start from an issue number: workspace + session with the issue read from GitHub, sent automatically', async () => {
    const w = await world(() => ({ text: 'starting' }));
    const issue = w.github.addIssue('octo/app', {
      title: 'Export fails on <script>alert(1)</script>',
      body: 'Exporting an empty list crashes.',
      labels: ['bug'],
      comments: [{ author: 'mona', body: 'Seen on 2.3 too.', createdAt: '2026-11-20T00:00:00Z' }],
    });
    const cli = await runCli(
      ['workspace', 'create', '--project', 'octo/app', '--issue', String(issue.number)],
      {
        FF_HOME: w.home,
      },
    );
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`ff/${issue.number}-export-fails-on-script-alert-1-script`);
    expect(cli.stdout).toMatch(/Claude is on it: ff-agent session log \w+ --follow/);
    await waitFor(() => w.api.conversationRequests.length > 0, {
      what: 'the first prompt',
      timeoutMs: 20_000,
    });
    const prompt = lastUserText(w.api.conversationRequests[0]!);
    expect(prompt).toMatch(/Title: <<<ff-data-[0-9a-f]{16} title: /);
    expect(prompt).toContain('title: Export fails on <script>alert(1)</script> ff-data-');
    expect(prompt).toContain('Exporting an empty list crashes.');
    expect(prompt).toContain('labels: bug ff-data-');
    expect(prompt).toContain('comment by @mona');
    const missing = await runCli(['workspace', 'create', '--project', 'octo/app', '--issue', '999'], {
      FF_HOME: w.home,
    });
    expect(missing.stderr).toContain(
      'ff cannot read issue #999 from GitHub (GitHub has no issue #999 in octo/app). Give its title too (--title).',
    );
  });

  it('open-pr pushes the branch and opens a PR that closes the issue', async () => {
    const w = await world();
    const workspace = await w.workspace(28);
    w.repo.git(workspace.path, 'commit', '-q', '--allow-empty', '-m', 'work');
    const result = await runCli(['workspace', 'open-pr', workspace.id], { FF_HOME: w.home });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Pull request #\d+: https:\/\/github.com\/octo\/app\/pull\/\d+/);
    expect(w.github.mutations).toMatchObject([
      {
        name: 'createPullRequest',
        input: {
          headRefName: workspace.branch,
          baseRefName: 'main',
          title: 'task 28',
          body: expect.stringContaining('Closes #28'),
        },
      },
    ]);
    expect(w.repo.git(w.repo.bare, 'rev-parse', `refs/heads/${workspace.branch}`).trim()).toBe(
      w.repo.git(workspace.path, 'rev-parse', 'HEAD').trim(),
    );
    expect((await w.client.call('workspace.get', { workspaceId: workspace.id })).pr).toBeDefined();
  });

  it('board: assigned issues not yet started, Working, Waiting, Done', async () => {
    const w = await world(() => ({ text: 'done for now' }));
    const open = w.github.addIssue('octo/app', { title: 'Not started yet' });
    const started = w.github.addIssue('octo/app', { title: 'Already started' });
    w.github.addIssue('octo/app', { title: 'Someone else', assignees: ['mona'] });
    const { workspace } = await w.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: started.number },
    });
    const session = await waitFor(
      async () => (await w.client.call('session.list', { workspaceId: workspace.id }))[0],
      {
        what: 'session',
        timeoutMs: 20_000,
      },
    );
    await waitForSession(w.client, session.id, (s) => s.status === 'idle' && s.turns === 1, 'idle');
    const merged = await w.workspace(40);
    const pr = w.github.addPullRequest('octo/app', { headRefName: merged.branch, state: 'MERGED' });
    await w.client.call('ratchet.tick');
    expect((await w.client.call('workspace.get', { workspaceId: merged.id })).pr?.number).toBe(pr.number);
    const board = await w.client.call('board.get', { project: 'octo/app' });
    expect(board.issuesError).toBeUndefined();
    expect(board.columns.issues.map((i) => i.number)).toEqual([open.number]);
    expect(board.columns.waiting.map((c) => c.workspace.id)).toEqual([workspace.id]);
    expect(board.columns.done.map((c) => c.workspace.id)).toEqual([merged.id]);
    expect(board.columns.working).toEqual([]);
    const cli = await runCli(['board', 'octo/app'], { FF_HOME: w.home });
    expect(cli.stdout).toContain(`#${open.number} Not started yet`);
    expect(cli.stdout).toMatch(/Waiting \(1\)/);
  });
});
