/**
 * The first moment on a remote: what was just made there is reached through
 * the local agent at once. What a call through the local agent made is known
 * from that call's answer; what the remote made on its own (its CLI, its
 * ratchet) is asked of it the first time something names it. No waits stand
 * between the steps: each one comes right after the answer of the one before.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/store/agent-file.js';
import { resolveHome } from '../../../agent/store/home.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { Topic } from '../../../shared/protocol.js';
import { FakeAnthropicApi, lastUserText } from '../../fakes/anthropic-api/server.js';
import { type AgentProcess, connectClient, spawnAgent } from '../../helpers/agent-process.js';
import { claudeBin } from '../../helpers/claude-fixture.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from '../../helpers/git-repos.js';
import { type Sshd, sshdMissing, startSshd } from '../../helpers/sshd.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the remote first-moment tests: ${missing}.`);

describe.skipIf(missing)('the first moment on a remote: what was just made there is reached at once', () => {
  const dir = tempDir('ff-first-moment-');
  let sshd: Sshd;
  let api: FakeAnthropicApi;
  let local: AgentProcess;
  let client: AgentClient;
  let app: GitHubLikeRepo;
  let far: GitHubLikeRepo;
  const localHome = join(dir.path, 'local-home');
  /** The remote agent itself, straight on its loopback port: what its own CLI or ratchet would use. */
  const direct = async () => {
    const file = readAgentFile(resolveHome(sshd.remoteHome));
    if (!file?.port) throw new Error('the remote agent is not running');
    return connectClient({ port: file.port, token: file.token });
  };
  /** Everything a topic streams to the local agent's client, as text. */
  const follow = async (topic: Topic) => {
    const seen: string[] = [];
    await client.subscribe(topic, (frame) => seen.push(JSON.stringify(frame.data)), 0);
    return seen;
  };
  const readyOn = (remote: AgentClient, workspaceId: string) =>
    waitFor(async () => (await remote.call('workspace.get', { workspaceId })).status === 'ready', {
      what: `workspace ${workspaceId} to be ready on the remote`,
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    api = await new FakeAnthropicApi((request) => ({ text: `echo: ${lastUserText(request)}` })).start();
    app = createGitHubLikeRepo(join(dir.path, 'remote-disk'), 'octo', 'app');
    far = createGitHubLikeRepo(join(dir.path, 'remote-disk'), 'octo', 'far');
    const remoteUserHome = join(dir.path, 'remote-user');
    mkdirSync(remoteUserHome, { recursive: true });
    sshd = await startSshd(dir.path, {
      ...api.env(),
      ...far.env,
      HOME: remoteUserHome,
      FF_CLAUDE_BIN: claudeBin,
    });
    local = await spawnAgent(localHome);
    client = await connectClient(local);
    await client.call('remote.add', sshd.remoteAddParams('box'));
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await local?.stop();
    await sshd?.close();
    await api?.stop();
    dir.cleanup();
  });

  it('a project just added on the remote takes a workspace by its owner/repo, which takes a terminal and a chat as soon as it is ready', async () => {
    const project = await client.call('project.add', { path: far.clone, machine: 'box' });
    expect(project).toMatchObject({ owner: 'octo', repo: 'far', machine: 'box' });
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/far',
      branch: 'first-moment',
    });
    expect(workspace.machine).toBe('box');
    // Followed from the create's answer on: the workspace's own events say when it is ready.
    const updates = await follow(`workspace:${workspace.id}`);
    await waitFor(() => updates.some((u) => u.includes('"status":"ready"')), {
      what: 'the workspace to say it is ready',
      timeoutMs: 60_000,
    });

    const terminal = await client.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 });
    const output = await follow(`terminal:${terminal.id}`);
    await client.call('terminal.input', { terminalId: terminal.id, data: 'echo first-$((6*7))\r' });
    await waitFor(() => output.join('').includes('first-42'), { what: 'the terminal to answer' });
    await client.call('terminal.close', { terminalId: terminal.id });

    const session = await client.call('session.start', { workspaceId: workspace.id, prompt: 'hello there' });
    expect(session.machine).toBe('box');
    const chat = await follow(`session:${session.id}`);
    await waitFor(() => chat.join('').includes('echo: hello there'), {
      what: 'the reply',
      timeoutMs: 30_000,
    });
    expect((await client.call('session.get', { sessionId: session.id })).machine).toBe('box');
  }, 120_000);

  it('what the remote made on its own is found the first time something here names it: a project, a workspace, a chat, a terminal', async () => {
    const remote = await direct();
    try {
      const project = await remote.call('project.add', { path: app.clone });
      const { workspace: here } = await client.call('workspace.create', {
        project: 'octo/app',
        branch: 'named-here',
      });
      expect(here.machine).toBe('box');

      const { workspace } = await remote.call('workspace.create', {
        project: project.id,
        branch: 'made-there',
      });
      expect((await client.call('workspace.get', { workspaceId: workspace.id })).machine).toBe('box');

      await readyOn(remote, workspace.id);
      const session = await remote.call('session.start', { workspaceId: workspace.id, prompt: 'made there' });
      const chat = await follow(`session:${session.id}`);
      await waitFor(() => chat.join('').includes('echo: made there'), {
        what: 'the reply',
        timeoutMs: 30_000,
      });
      expect((await client.call('session.get', { sessionId: session.id })).machine).toBe('box');

      const terminal = await remote.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 });
      expect(await client.call('terminal.input', { terminalId: terminal.id, data: 'true\r' })).toEqual({
        ok: true,
      });
      expect((await client.call('terminal.close', { terminalId: terminal.id })).id).toBe(terminal.id);
    } finally {
      remote.close();
    }
  }, 120_000);
});
