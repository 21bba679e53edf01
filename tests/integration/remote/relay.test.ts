import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/store/agent-file.js';
import { resolveHome } from '../../../agent/store/home.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import { eventData, type RemoteView, SessionEvent } from '../../../shared/protocol.js';
import { FakeAnthropicApi, lastUserText } from '../../fakes/anthropic-api/server.js';
import { type AgentProcess, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { claudeBin } from '../../helpers/claude-fixture.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { type Sshd, sshdMissing, startSshd } from '../../helpers/sshd.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the remote relay tests: ${missing}.`);

/** A turn that streams for about 6 s: long enough to cut the tunnel in the middle of it. */
const SLOW_WORDS = 60;

describe.skipIf(missing)('the local agent relays a remote host: one connection for everything', () => {
  const dir = tempDir('ff-relay-');
  let sshd: Sshd;
  let api: FakeAnthropicApi;
  let local: AgentProcess;
  let client: AgentClient;
  const localHome = join(dir.path, 'local-home');
  const remotes: RemoteView[][] = [];
  const cli = (...args: string[]) => runCli(['--home', localHome, ...args], {}, { timeoutMs: 60_000 });
  /** The remote agent itself, straight on its loopback port (what the tunnel leads to). */
  const direct = async () => {
    const file = readAgentFile(resolveHome(sshd.remoteHome));
    if (!file?.port) throw new Error('the remote agent is not running');
    return connectClient({ port: file.port, token: file.token });
  };
  const stateOf = () => remotes.at(-1)?.find((r) => r.name === 'box')?.state;

  beforeAll(async () => {
    api = await new FakeAnthropicApi((request) => {
      const text = lastUserText(request);
      if (text.startsWith('slow'))
        return { slow: Array.from({ length: SLOW_WORDS }, (_, i) => `word${i} `), delayMs: 100 };
      return { text: `echo: ${text}` };
    }).start();
    const repo = createGitHubLikeRepo(join(dir.path, 'remote-disk'));
    const remoteUserHome = join(dir.path, 'remote-user');
    mkdirSync(remoteUserHome, { recursive: true });
    sshd = await startSshd(dir.path, {
      ...api.env(),
      ...repo.env,
      HOME: remoteUserHome,
      FF_CLAUDE_BIN: claudeBin,
    });
    local = await spawnAgent(localHome, {
      env: { FF_REMOTE_HEALTH_MS: '1000', FF_REMOTE_RELEASE_MS: '300' },
    });
    client = await connectClient(local);
    await client.subscribe('remotes', (frame) => {
      const data = eventData('remotes', frame);
      if (data) remotes.push(data.remotes);
    });
    const added = await cli(...sshd.remoteAddArgs('box'));
    expect(added.stderr).toBe('');
    const project = await cli('project', 'add', '--host', 'box', repo.clone, '--json');
    expect(project.stderr).toBe('');
    expect(JSON.parse(project.stdout)).toMatchObject({ owner: 'octo', repo: 'app', machine: 'box' });
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await local?.stop();
    await sshd?.close();
    await api?.stop();
    dir.cleanup();
  });

  it('the project lives on the remote and is listed here with its machine; the local state holds none of it', async () => {
    const projects = await client.call('project.list');
    expect(projects).toEqual([expect.objectContaining({ owner: 'octo', repo: 'app', machine: 'box' })]);
    expect((await client.call('status')).counts.projects).toBe(0);
    const remote = await direct();
    expect((await remote.call('project.list')).map((p) => p.id)).toEqual([projects[0]!.id]);
    remote.close();
    const text = await cli('project', 'list');
    expect(text.stdout).toMatch(/clone {6}box:\//);
  });

  it('Start on the remote project through the local agent: a worktree there, a chat streaming here, nothing lost or doubled across a tunnel cut mid-turn', async () => {
    const boardCards: string[] = [];
    await client.subscribe('board', (frame) => {
      const data = eventData('board', frame);
      for (const card of data?.board.columns.working ?? [])
        if (data?.machine === 'box' && card.machine === 'box') boardCards.push(card.workspace.id);
    });
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 7, title: 'Relay me' },
      startSession: false,
    });
    expect(workspace.machine).toBe('box');
    const ready = await waitFor(
      async () => {
        const w = await client.call('workspace.get', { workspaceId: workspace.id });
        return w.status === 'provisioning' ? undefined : w;
      },
      { what: 'the remote workspace to be ready', timeoutMs: 60_000 },
    );
    expect(ready).toMatchObject({ status: 'ready', machine: 'box' });
    expect(ready.path.startsWith(sshd.remoteHome)).toBe(true);
    expect((await client.call('workspace.list')).map((w) => [w.id, w.machine])).toEqual([
      [workspace.id, 'box'],
    ]);

    const session = await client.call('session.start', { workspaceId: workspace.id, prompt: 'slow one' });
    expect(session.machine).toBe('box');
    const seqs: number[] = [];
    const events: SessionEvent[] = [];
    await client.subscribe(
      `session:${session.id}`,
      (frame) => {
        seqs.push(frame.seq);
        const event = SessionEvent.safeParse(frame.data);
        if (event.success) events.push(event.data);
      },
      0,
    );
    // Mid-turn: the reply has begun streaming.
    await waitFor(() => api.requests.some((r) => lastUserText(r) === 'slow one') && seqs.length > 1, {
      what: 'the slow turn to start',
      timeoutMs: 30_000,
    });
    // The link goes down and stays down until the turn has ended on the remote.
    sshd.cutConnections();
    await sshd.stop();
    await waitFor(() => stateOf() === 'unreachable', { what: 'box to drop', timeoutMs: 15_000 });
    const relayedWhileUp = seqs.at(-1) ?? 0;
    const remote = await direct();
    await waitFor(
      async () => (await remote.call('session.get', { sessionId: session.id })).status === 'idle',
      { what: 'the turn to end on the remote', timeoutMs: 60_000 },
    );
    const truth = await remote.call('session.events', { sessionId: session.id, sinceSeq: 0 });
    remote.close();
    // Events were written while the link was down: the relay must fetch them on reconnect.
    expect(truth.lastSeq).toBeGreaterThan(relayedWhileUp);
    await sshd.restart();
    await waitFor(() => stateOf() === 'connected', { what: 'box to come back', timeoutMs: 45_000 });
    await waitFor(() => seqs.at(-1) === truth.lastSeq, { what: 'the relay to catch up', timeoutMs: 10_000 });
    // Every event the remote wrote, once each, in order: the tunnel cut lost and doubled nothing.
    expect(seqs).toEqual(truth.events.map((e) => e.seq));
    // Asked for through the local agent, the transcript is the remote's answer as it gave it.
    expect(await client.call('session.events', { sessionId: session.id, sinceSeq: 0 })).toEqual(truth);
    const streamed = events
      .map((e) => (e.kind === 'claude' ? JSON.stringify(e.entries) : ''))
      .join('')
      .match(/word\d+/g);
    expect(new Set(streamed)).toContain(`word${SLOW_WORDS - 1}`);
    expect(boardCards).toContain(workspace.id);
    // The session's list and fleet rows name their machine too.
    expect((await client.call('session.list')).map((s) => [s.id, s.machine])).toContainEqual([
      session.id,
      'box',
    ]);
  }, 120_000);

  it("a remote's PRs, terminals and same-repo workspaces answer here too: ratchet status and Check now, terminal list, a project's workspaces", async () => {
    const [remoteWorkspace] = await client.call('workspace.list');
    expect(remoteWorkspace?.machine).toBe('box');
    // ratchet status lists the remote's workspaces beside this machine's.
    const status = await client.call('ratchet.status');
    expect(status.workspaces.map((w) => w.workspaceId)).toContain(remoteWorkspace!.id);
    // Check now reaches the remote's ratchet: its own status shows the tick.
    const remote = await direct();
    const before = (await remote.call('ratchet.status')).lastTick?.startedAt;
    await client.call('ratchet.tick');
    const after = (await remote.call('ratchet.status')).lastTick?.startedAt;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // The fleet's cost history counts what the remote's sessions spent (none were run here).
    const theirs = await remote.call('fleet.costs', { days: 30 });
    expect(theirs.totalUsd).toBeGreaterThan(0);
    const ours = await client.call('fleet.costs', { days: 30 });
    expect(ours.totalUsd).toBeCloseTo(theirs.totalUsd, 9);
    expect(ours.repos.map((r) => r.repo)).toEqual(theirs.repos.map((r) => r.repo));
    remote.close();
    // A terminal opened there is in the list here.
    const terminal = await client.call('terminal.open', {
      workspaceId: remoteWorkspace!.id,
      cols: 80,
      rows: 24,
    });
    expect((await client.call('terminal.list')).map((t) => t.id)).toContain(terminal.id);
    await client.call('terminal.close', { terminalId: terminal.id });
    // The same repo cloned here as well: its workspaces on both machines are the project's.
    const here = createGitHubLikeRepo(join(dir.path, 'local-disk'));
    const project = await client.call('project.add', { path: here.clone });
    try {
      const listed = await client.call('workspace.list', { project: 'octo/app' });
      expect(listed.map((w) => [w.id, w.machine])).toEqual([[remoteWorkspace!.id, 'box']]);
    } finally {
      await client.call('project.remove', { project: project.id });
    }
  }, 60_000);

  it('a remote session nobody here follows any more is released there, and a later subscriber still gets all of it', async () => {
    const [workspace] = await client.call('workspace.list');
    const session = await client.call('session.start', { workspaceId: workspace!.id, prompt: 'short one' });
    const topic = `session:${session.id}` as const;
    const first = await connectClient(local);
    await first.subscribe(topic, () => {}, 0);
    await waitFor(
      async () => (await client.call('session.get', { sessionId: session.id })).status === 'idle',
      { timeoutMs: 30_000 },
    );
    await first.unsubscribe(topic);
    first.close();
    const released = `No one here follows ${topic} any more: released on box`;
    await waitFor(() => readFileSync(join(localHome, 'logs', 'agent.log'), 'utf8').includes(released), {
      timeoutMs: 10_000,
      what: 'the release',
    });
    // Followed again from the remote's transcript: every event, once, in order.
    const remote = await direct();
    const truth = (await remote.call('session.events', { sessionId: session.id, sinceSeq: 0 })).events.map(
      (e) => e.seq,
    );
    remote.close();
    const later = await connectClient(local);
    const seqs: number[] = [];
    await later.subscribe(topic, (frame) => seqs.push(frame.seq), 0);
    await waitFor(async () => seqs.length >= truth.length, { timeoutMs: 10_000 });
    expect(seqs).toEqual(truth);
    later.close();
  }, 60_000);

  it('a restarted remote agent is started again; the same local subscription goes on from the next seq', async () => {
    const [workspace] = await client.call('workspace.list');
    const [session] = await client.call('session.list', { workspaceId: workspace!.id });
    const seqs: number[] = [];
    await client.subscribe(`session:${session!.id}`, (frame) => seqs.push(frame.seq), session!.lastSeq);
    const before = readAgentFile(resolveHome(sshd.remoteHome));
    process.kill(before!.pid!, 'SIGTERM');
    await waitFor(() => stateOf() === 'unreachable', { what: 'box to drop', timeoutMs: 15_000 });
    await waitFor(() => stateOf() === 'connected', { what: 'box to come back', timeoutMs: 45_000 });
    const after = readAgentFile(resolveHome(sshd.remoteHome));
    expect(after?.pid).not.toBe(before?.pid);
    const resumed = await client.call('session.resume', { sessionId: session!.id, prompt: 'after restart' });
    expect(resumed.machine).toBe('box');
    await waitFor(
      async () => (await client.call('session.get', { sessionId: session!.id })).status === 'idle',
      { what: 'the resumed turn to end', timeoutMs: 60_000 },
    );
    const last = (await client.call('session.get', { sessionId: session!.id })).lastSeq;
    await waitFor(() => seqs.at(-1) === last, {
      what: 'the relay to deliver the new turn',
      timeoutMs: 10_000,
    });
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => session!.lastSeq + 1 + i));
  }, 120_000);

  it('an unreachable host stays listed, marked so with since when, also after a restart here; a request for it says so; it comes back', async () => {
    const [workspace] = await client.call('workspace.list');
    sshd.cutConnections();
    await sshd.stop();
    await waitFor(() => stateOf() === 'unreachable', { what: 'box to be unreachable', timeoutMs: 15_000 });
    const view = remotes.at(-1)!.find((r) => r.name === 'box')!;
    expect(Date.parse(view.lastSeenAt ?? '')).toBeGreaterThan(0);
    // The laptop's agent restarts while the host is down: the last known lists come back from disk.
    client.close();
    await local.stop();
    local = await spawnAgent(localHome, {
      env: { FF_REMOTE_HEALTH_MS: '1000', FF_REMOTE_RELEASE_MS: '300' },
    });
    client = await connectClient(local);
    remotes.length = 0;
    await client.subscribe('remotes', (frame) => {
      const data = eventData('remotes', frame);
      if (data) remotes.push(data.remotes);
    });
    remotes.push(await client.call('remote.list'));
    expect(statSync(join(localHome, 'remotes-cache', 'box.json')).mode & 0o777).toBe(0o600);
    await waitFor(() => stateOf() === 'unreachable', {
      what: 'box unreachable after the restart',
      timeoutMs: 20_000,
    });
    // Its projects and workspaces stay listed from the last known lists, with their machine.
    expect((await client.call('project.list')).map((p) => p.machine)).toEqual(['box']);
    expect((await client.call('workspace.list')).map((w) => w.id)).toEqual([workspace!.id]);
    expect((await cli('workspace', 'list')).stdout).toMatch(/path {5}box:\//);
    expect((await client.call('workspace.get', { workspaceId: workspace!.id })).machine).toBe('box');
    const refused = await client
      .call('session.start', { workspaceId: workspace!.id, prompt: 'hello?' })
      .catch((error: Error & { code?: string }) => error);
    expect(refused).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/box is unreachable since/),
    });
    const listed = await cli('remote', 'list');
    expect(listed.stdout).toMatch(/box .*unreachable/);
    await sshd.restart();
    await waitFor(() => stateOf() === 'connected', { what: 'box to be back', timeoutMs: 45_000 });
    const session = await client.call('session.start', { workspaceId: workspace!.id, prompt: 'back again' });
    expect(session.machine).toBe('box');
  }, 120_000);
});
