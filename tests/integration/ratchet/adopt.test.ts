import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkspaceView } from '../../../shared/domain.js';
import type { Responder } from '../../fakes/anthropic-api/server.js';
import { runCli } from '../../helpers/agent-process.js';
import { type RatchetWorld, ratchetWorlds } from '../../helpers/ratchet-world.js';
import { waitFor } from '../../helpers/temp.js';

/**
 * Adopting a PR ff did not open — a teammate's on a branch of the repo, a
 * stranger's from a fork — with the real agent and git, the fake GitHub
 * (documents validated against GitHub's schema) and a bare origin that
 * keeps refs/pull/<n>/head as GitHub does.
 */
const newWorld = ratchetWorlds();

const world = (responder: Responder) => newWorld(responder);

async function ready(w: RatchetWorld, id: string): Promise<WorkspaceView> {
  return waitFor(
    async () => {
      const ws = await w.client.call('workspace.get', { workspaceId: id });
      return ws.status === 'provisioning' ? undefined : ws;
    },
    { what: 'the adopted workspace', timeoutMs: 30_000 },
  );
}

describe('adopting a PR', () => {
  it("a teammate's PR: a worktree on its branch with its commits, once, tracked by the ratchet like ff's own", async () => {
    const w = await world(() => ({ text: 'looking at the failure' }));
    const pr = w.github.addPullRequest('octo/app', { headRefName: 'mona/feature', author: 'mona' });
    pr.headRefOid = w.repo.pushPullRequest(pr.number, 'mona/feature', 'feature.txt', 'by mona\n');

    const cli = await runCli(
      ['workspace', 'adopt', '--project', 'octo/app', '--pr', String(pr.number), '--json'],
      {
        FF_HOME: w.home,
      },
    );
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const adopted = JSON.parse(cli.stdout) as WorkspaceView;
    expect(adopted).toMatchObject({
      status: 'ready',
      branch: 'mona/feature',
      pr: { number: pr.number, nodeId: pr.id },
      adopted: { fork: false, headRefName: 'mona/feature', author: 'mona' },
    });
    expect(w.repo.git(adopted.path, 'rev-parse', 'HEAD').trim()).toBe(pr.headRefOid);
    expect(readFileSync(join(adopted.path, 'feature.txt'), 'utf8')).toBe('by mona\n');
    // Its branch tracks origin's: a plain pull or push goes to the PR.
    expect(w.repo.git(adopted.path, 'rev-parse', '--abbrev-ref', '@{upstream}').trim()).toBe(
      'origin/mona/feature',
    );

    // Adopting twice (and at once) never makes a second workspace.
    const again = await Promise.all([
      w.client.call('workspace.adopt', { project: 'octo/app', pr: pr.number }),
      w.client.call('workspace.adopt', { project: 'octo/app', pr: pr.number }),
    ]);
    expect(again.map((a) => [a.workspace.id, a.created])).toEqual([
      [adopted.id, false],
      [adopted.id, false],
    ]);
    const human = await runCli(['workspace', 'adopt', '--project', 'octo/app', '--pr', String(pr.number)], {
      FF_HOME: w.home,
    });
    expect(human.stderr).toBe(`Workspace ${adopted.id} already works on PR #${pr.number}\n`);
    expect((await w.client.call('workspace.list', { project: 'octo/app' })).map((x) => x.id)).toEqual([
      adopted.id,
    ]);

    // The ratchet tracks it: a failing check starts a fixer in it, as for ff's own PRs.
    w.github.setCheck(pr.number, 'test', 'FAILURE');
    const tick = await w.client.call('ratchet.tick');
    expect(tick.decisions).toMatchObject([
      { workspaceId: adopted.id, decision: { state: 'CI_FAILED', action: 'start-fixer' } },
    ]);
    const [fixer] = (await w.client.call('session.list', { workspaceId: adopted.id })).filter(
      (s) => s.kind === 'ratchet',
    );
    expect(fixer?.permissionMode).not.toBe('ask');
  }, 120_000);

  it("a fork's PR: fetched from pull/<n>/head, never pushed to, its sessions in ask mode", async () => {
    const w = await world(() => ({ text: 'should not be asked by the ratchet' }));
    // Forks often open PRs from their own main: the local branch must not be ours.
    const pr = w.github.addPullRequest('octo/app', {
      headRefName: 'main',
      headRepository: 'stranger/app',
      author: 'stranger',
    });
    pr.headRefOid = w.repo.pushPullRequest(pr.number, 'stranger-main', 'evil.txt', 'from a fork\n', true);

    const { workspace, created } = await w.client.call('workspace.adopt', {
      project: 'octo/app',
      pr: pr.number,
    });
    expect(created).toBe(true);
    const adopted = await ready(w, workspace.id);
    expect(adopted).toMatchObject({
      status: 'ready',
      branch: `pr/${pr.number}`,
      adopted: { fork: true, headRepository: 'stranger/app' },
    });
    expect(w.repo.git(adopted.path, 'rev-parse', 'HEAD').trim()).toBe(pr.headRefOid);
    expect(existsSync(join(adopted.path, 'evil.txt'))).toBe(true);

    // Never pushed to: Open PR refuses, saying why; a plain git push in the worktree fails by git itself.
    await expect(w.client.call('workspace.openPr', { workspaceId: adopted.id })).rejects.toThrow(
      /comes from the fork stranger\/app: ff never pushes to a fork's branch/,
    );
    expect(() => w.repo.git(adopted.path, 'push')).toThrow(/ff-does-not-push-to-a-fork-PR/);
    expect(w.repo.git(w.repo.bare, 'branch', '--list', `pr/${pr.number}`).trim()).toBe('');

    // Sessions ask before each tool, whatever was asked for.
    const session = await w.client.call('session.start', {
      workspaceId: adopted.id,
      permissionMode: 'bypassPermissions',
    });
    expect(session.permissionMode).toBe('ask');
    expect(session.permissionReason).toMatch(/fork stranger\/app/);
    await w.client.call('session.stop', { sessionId: session.id }).catch(() => {});

    // The ratchet watches it but starts nothing that would push.
    w.github.setCheck(pr.number, 'test', 'FAILURE');
    const tick = await w.client.call('ratchet.tick');
    expect(tick.decisions).toMatchObject([
      { workspaceId: adopted.id, decision: { state: 'CI_FAILED', action: 'none' } },
    ]);
    expect(tick.decisions[0]?.decision.reason).toMatch(
      /never pushes to a fork's branch, so it starts no fixer/,
    );
    expect(
      (await w.client.call('session.list', { workspaceId: adopted.id })).filter((s) => s.kind === 'ratchet'),
    ).toEqual([]);

    // A closed PR is not adopted, in one line.
    const closed = w.github.addPullRequest('octo/app', { headRefName: 'old', state: 'CLOSED' });
    const refused = await runCli(
      ['workspace', 'adopt', '--project', 'octo/app', '--pr', String(closed.number)],
      {
        FF_HOME: w.home,
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `ff-agent: PR #${closed.number} is closed; only an open PR can be adopted.\n`,
    );
  }, 120_000);
});
