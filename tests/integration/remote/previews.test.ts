import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/store/agent-file.js';
import { resolveHome } from '../../../agent/store/home.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { type AgentProcess, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { acceptsAt } from '../../helpers/raw-socket.js';
import { type Sshd, sshdMissing, startSshd } from '../../helpers/sshd.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the remote preview tests: ${missing}.`);

/** The app a workspace runs: answers with its workspace's branch, on a port the kernel picks (found, not assumed). */
const RUN_SCRIPT = `node -e "require('http').createServer((q, s) => s.end('app of ' + process.env.FF_WORKSPACE_BRANCH)).listen(0, '127.0.0.1')"`;

/** Forwards re-checked often, so one the remote's own archive left behind closes within the test. */
const AGENT_ENV = { FF_PREVIEW_CHECK_MS: '200' };

describe.skipIf(missing)("a remote workspace's previews open here through its ssh link", () => {
  const dir = tempDir('ff-remote-previews-');
  let sshd: Sshd;
  let local: AgentProcess;
  let client: AgentClient;
  const localHome = join(dir.path, 'local-home');
  const cli = (...args: string[]) => runCli(['--home', localHome, ...args], {}, { timeoutMs: 60_000 });

  /** A ready workspace on the remote whose run script listens: the workspace and its app's port there. */
  const runningApp = async (issue: number): Promise<{ workspace: WorkspaceView; port: number }> => {
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: issue, title: `Preview ${issue}` },
      startSession: false,
    });
    await waitFor(
      async () => (await client.call('workspace.get', { workspaceId: workspace.id })).status === 'ready',
      { what: 'the remote workspace to be ready', timeoutMs: 60_000 },
    );
    await client.call('workspace.run', { workspaceId: workspace.id });
    const running = await waitFor(
      async () => {
        const w = await client.call('workspace.get', { workspaceId: workspace.id });
        return w.previews?.length ? w : undefined;
      },
      { what: 'the run script to listen', timeoutMs: 30_000, intervalMs: 100 },
    );
    return { workspace: running, port: running.previews![0]!.port };
  };

  beforeAll(async () => {
    const repo = createGitHubLikeRepo(join(dir.path, 'remote-disk'));
    const remoteUserHome = join(dir.path, 'remote-user');
    mkdirSync(remoteUserHome, { recursive: true });
    sshd = await startSshd(dir.path, { ...repo.env, HOME: remoteUserHome });
    local = await spawnAgent(localHome, { env: AGENT_ENV });
    client = await connectClient(local);
    const added = await cli(...sshd.remoteAddArgs('box'));
    expect(added.stderr).toBe('');
    const project = await cli('project', 'add', '--host', 'box', repo.clone, '--json');
    expect(project.stderr).toBe('');
    await client.call('project.set', { project: 'octo/app', runScript: RUN_SCRIPT });
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await local?.stop();
    await sshd?.close();
    dir.cleanup();
  });

  it('preview.open gives a URL here that reaches the app in the remote workspace, once per port; another port is refused; archiving closes it', async () => {
    const { workspace, port } = await runningApp(1);
    expect(workspace.machine).toBe('box');
    expect(workspace.previews![0]!.url).toBe(`http://localhost:${port}/`);

    const { url } = await client.call('preview.open', { workspaceId: workspace.id, port });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(new URL(url).port).not.toBe(String(port));
    const answer = await fetch(url);
    expect(await answer.text()).toBe(`app of ${workspace.branch}`);
    // Opened on demand once, reused after: the same forward, and the CLI prints it.
    expect(await client.call('preview.open', { workspaceId: workspace.id, port })).toEqual({ url });
    const printed = await cli('workspace', 'open', workspace.id);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toBe(`${url}\n`);

    // A port the remote listens on that is not the workspace's (its agent's) is no preview: refused.
    const remoteAgentPort = readAgentFile(resolveHome(sshd.remoteHome))!.port!;
    await expect(
      client.call('preview.open', { workspaceId: workspace.id, port: remoteAgentPort }),
    ).rejects.toThrow(
      new RegExp(
        `Port ${remoteAgentPort} is not a preview of workspace ${workspace.id} on box: its previews are ${port}\\.`,
      ),
    );

    const archived = await client.call('workspace.archive', { workspaceId: workspace.id, force: true });
    expect(await acceptsAt(url)).toBe(false);
    // Its snapshots are the remote's to list: asked here, answered from there.
    const snapshots = await client.call('workspace.snapshots', { workspaceId: workspace.id });
    expect(snapshots.map((s) => s.commit)).toEqual([archived.archived!.snapshot!.commit]);
    expect(snapshots[0]!.branch).toBe(workspace.branch);
  }, 120_000);

  it('a workspace archived on the remote itself (not through here) has its forward closed by the periodic check', async () => {
    const { workspace, port } = await runningApp(3);
    const { url } = await client.call('preview.open', { workspaceId: workspace.id, port });
    expect(await (await fetch(url)).text()).toBe(`app of ${workspace.branch}`);
    const file = readAgentFile(resolveHome(sshd.remoteHome))!;
    const remote = await connectClient({ port: file.port!, token: file.token });
    try {
      await remote.call('workspace.archive', { workspaceId: workspace.id, force: true });
    } finally {
      remote.close();
    }
    await waitFor(async () => !(await acceptsAt(url)), { what: 'the forward to close', timeoutMs: 15_000 });
  }, 120_000);

  it('stopping the local agent closes its forwards', async () => {
    const { workspace, port } = await runningApp(4);
    const { url } = await client.call('preview.open', { workspaceId: workspace.id, port });
    expect(await acceptsAt(url)).toBe(true);
    client.close();
    await local.stop();
    expect(await acceptsAt(url)).toBe(false);

    local = await spawnAgent(localHome, { env: AGENT_ENV });
    client = await connectClient(local);
    await waitFor(async () => (await client.call('remote.list'))[0]?.state === 'connected', {
      what: 'box to connect again',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    // Opened again on demand after the restart.
    const again = await client.call('preview.open', { workspaceId: workspace.id, port });
    expect(await (await fetch(again.url)).text()).toBe(`app of ${workspace.branch}`);
  }, 120_000);

  it('removing the remote closes its forwards: their local ports stop accepting', async () => {
    const { workspace, port } = await runningApp(2);
    const { url } = await client.call('preview.open', { workspaceId: workspace.id, port });
    expect(await (await fetch(url)).text()).toBe(`app of ${workspace.branch}`);

    const removed = await cli('remote', 'remove', 'box');
    expect(removed.code).toBe(0);
    expect(await acceptsAt(url)).toBe(false);
    // Nothing to open through any more.
    await expect(client.call('preview.open', { workspaceId: workspace.id, port })).rejects.toThrow();
  }, 120_000);
});
