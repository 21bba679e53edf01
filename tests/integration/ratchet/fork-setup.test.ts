import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkspaceView } from '../../../shared/domain.js';
import { ratchetWorlds } from '../../helpers/ratchet-world.js';
import { waitFor } from '../../helpers/temp.js';

/**
 * A fork's setup command is code by someone outside the repo, run before anyone read it: it
 * runs behind its sessions' walls (bubblewrap), while a teammate's PR's setup runs as before.
 * The real agent, git and bwrap; the fake GitHub.
 */
const newWorld = ratchetWorlds();

/** What the setup tries, each outcome written in the worktree (the only place it may write). */
const SETUP = [
  'if echo "# from a fork" >> "$HOME/.bashrc"; then echo written > bashrc.out; else echo refused > bashrc.out; fi',
  'if cat "$FF_TEST_AGENT_FILE" > /dev/null; then echo read > agent.out; else echo refused > agent.out; fi',
  'if [ -n "$GITHUB_TOKEN" ]; then echo "$GITHUB_TOKEN" > token.out; else echo none > token.out; fi',
  'echo built > built.txt',
].join('; ');

describe("a fork's setup", () => {
  it("runs in its sessions' sandbox: it writes its worktree, but not ~/.bashrc, cannot read agent.json, and gets no token", async () => {
    const w = await newWorld(() => ({ text: 'ok' }));
    const bashrc = join(w.env.HOME!, '.bashrc');
    writeFileSync(bashrc, '# mine\n');
    const agentFile = join(w.home, 'agent.json');
    expect(existsSync(agentFile)).toBe(true);
    await w.client.call('project.set', {
      project: 'octo/app',
      setupScript: SETUP.replace('$FF_TEST_AGENT_FILE', agentFile),
    });
    const pr = w.github.addPullRequest('octo/app', {
      headRefName: 'main',
      headRepository: 'stranger/app',
      author: 'stranger',
    });
    pr.headRefOid = w.repo.pushPullRequest(pr.number, 'stranger-main', 'evil.txt', 'from a fork\n', true);
    const { workspace } = await w.client.call('workspace.adopt', { project: 'octo/app', pr: pr.number });
    const done: WorkspaceView = await waitFor(
      async () => {
        const ws = await w.client.call('workspace.get', { workspaceId: workspace.id });
        return ws.status === 'provisioning' ? undefined : ws;
      },
      { what: "the fork's workspace provisioned", timeoutMs: 30_000 },
    );
    expect(done.status).toBe('ready');
    expect(readFileSync(join(done.path, 'built.txt'), 'utf8')).toBe('built\n');
    expect(readFileSync(join(done.path, 'bashrc.out'), 'utf8')).toBe('refused\n');
    expect(readFileSync(join(done.path, 'agent.out'), 'utf8')).toBe('refused\n');
    expect(readFileSync(join(done.path, 'token.out'), 'utf8')).toBe('none\n');
    expect(readFileSync(bashrc, 'utf8')).toBe('# mine\n');
  }, 60_000);

  it("of a teammate's PR (not a fork) runs as the project's setup always has, with the user's rights", async () => {
    const w = await newWorld(() => ({ text: 'ok' }));
    const bashrc = join(w.env.HOME!, '.bashrc');
    writeFileSync(bashrc, '# mine\n');
    await w.client.call('project.set', {
      project: 'octo/app',
      setupScript: SETUP.replace('$FF_TEST_AGENT_FILE', join(w.home, 'agent.json')),
    });
    const pr = w.github.addPullRequest('octo/app', { headRefName: 'mona/feature', author: 'mona' });
    pr.headRefOid = w.repo.pushPullRequest(pr.number, 'mona/feature', 'feature.txt', 'from mona\n');
    const { workspace } = await w.client.call('workspace.adopt', { project: 'octo/app', pr: pr.number });
    const done: WorkspaceView = await waitFor(
      async () => {
        const ws = await w.client.call('workspace.get', { workspaceId: workspace.id });
        return ws.status === 'provisioning' ? undefined : ws;
      },
      { what: "the teammate's workspace provisioned", timeoutMs: 30_000 },
    );
    expect(done.status).toBe('ready');
    expect(readFileSync(join(done.path, 'bashrc.out'), 'utf8')).toBe('written\n');
    expect(readFileSync(join(done.path, 'agent.out'), 'utf8')).toBe('read\n');
    expect(readFileSync(join(done.path, 'token.out'), 'utf8')).toBe(`${w.github.token}\n`);
  }, 60_000);
});
