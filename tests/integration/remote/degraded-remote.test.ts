import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_ANSWERING } from '../../../agent/remote/remote-link.js';
import { readAgentFile } from '../../../agent/store/agent-file.js';
import { resolveHome } from '../../../agent/store/home.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import { eventData, type RemoteView } from '../../../shared/protocol.js';
import { type AgentProcess, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { type Sshd, sshdMissing, startSshd } from '../../helpers/sshd.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the degraded remote tests: ${missing}.`);

/** The paced stand-in for the claude CLI: a one-line turn, or one line of `pad=<n>` bytes. */
const pacedClaude = join(import.meta.dirname, '..', '..', 'bench', 'paced-claude.mjs');
/** One Claude line this big (a huge tool result): the answer of session.events holds it. */
const BIG = 30_000_000;
/**
 * A turn of this many lines at once: a transcript of ~3 MB, a dozen of the 256 KB pages a
 * replay is sent in, and more events than the local agent keeps of a remote session.
 */
const BURST = 6_000;
const REPLAY_PAGE_BYTES = 256 * 1024;

/**
 * Longer than the relay waits for a remote before it answers from the last
 * known lists (2 s), far shorter than anything that gives up on a silent
 * remote (the relay's own 30 s request timeout, the health check here): a
 * call answered within it was answered without the remote.
 */
const ANSWERED_WITHOUT_IT_MS = 10_000;

describe.skipIf(missing)('a remote that stops answering, or answers big', () => {
  const dir = tempDir('ff-degraded-remote-');
  let sshd: Sshd;
  let local: AgentProcess;
  let client: AgentClient;
  const localHome = join(dir.path, 'local-home');
  const remotes: RemoteView[][] = [];
  const box = () => remotes.at(-1)?.find((r) => r.name === 'box');
  const cli = (...args: string[]) => runCli(['--home', localHome, ...args], {}, { timeoutMs: 60_000 });
  let remotePid = 0;
  const ids = { project: '', workspace: '', session: '', terminal: '' };

  beforeAll(async () => {
    const repo = createGitHubLikeRepo(join(dir.path, 'remote-disk'));
    const remoteUserHome = join(dir.path, 'remote-user');
    mkdirSync(remoteUserHome, { recursive: true });
    sshd = await startSshd(dir.path, { ...repo.env, HOME: remoteUserHome, FF_CLAUDE_BIN: pacedClaude });
    // The health check would drop a silent remote after twice its period: here it stays connected, and silent.
    local = await spawnAgent(localHome, { env: { FF_REMOTE_HEALTH_MS: '600000' } });
    client = await connectClient(local, { requestTimeoutMs: ANSWERED_WITHOUT_IT_MS });
    await client.subscribe('remotes', (frame) => {
      const data = eventData('remotes', frame);
      if (data) remotes.push(data.remotes);
    });
    expect((await cli(...sshd.remoteAddArgs('box'))).stderr).toBe('');
    const project = JSON.parse((await cli('project', 'add', '--host', 'box', repo.clone, '--json')).stdout);
    ids.project = project.id;
    const { workspace } = await client.call('workspace.create', { project: 'octo/app', branch: 'slow' });
    ids.workspace = workspace.id;
    await waitFor(
      async () => (await client.call('workspace.get', { workspaceId: workspace.id })).status === 'ready',
      { what: 'the remote workspace to be ready', timeoutMs: 60_000 },
    );
    const session = await client.call('session.start', { workspaceId: workspace.id, prompt: 'hello' });
    ids.session = session.id;
    await waitFor(
      async () => (await client.call('session.get', { sessionId: session.id })).status === 'idle',
      { what: 'the first turn to end', timeoutMs: 60_000 },
    );
    ids.terminal = (await client.call('terminal.open', { workspaceId: workspace.id, cols: 80, rows: 24 })).id;
    remotePid = readAgentFile(resolveHome(sshd.remoteHome))?.pid ?? 0;
    expect(remotePid).toBeGreaterThan(0);
  }, 120_000);

  afterAll(async () => {
    if (remotePid) process.kill(remotePid, 'SIGCONT');
    client?.close();
    await local?.stop();
    await sshd?.close();
    dir.cleanup();
  });

  it('a remote that accepts and never answers: every list here answers from its last known lists, it shows not answering since then, and is connected again once it answers', async () => {
    // The ssh link and the remote's socket stay up; its agent answers nothing.
    process.kill(remotePid, 'SIGSTOP');
    try {
      const [projects, workspaces, sessions, fleet, terminals, ratchet, board, one] = await Promise.all([
        client.call('project.list'),
        client.call('workspace.list'),
        client.call('session.list'),
        client.call('fleet.status'),
        client.call('terminal.list'),
        client.call('ratchet.status'),
        client.call('board.get', { project: 'octo/app' }),
        client.call('workspace.get', { workspaceId: ids.workspace }),
      ]);
      expect(projects.map((p) => [p.id, p.machine])).toEqual([[ids.project, 'box']]);
      expect(workspaces.map((w) => [w.id, w.machine])).toEqual([[ids.workspace, 'box']]);
      expect(sessions.map((s) => [s.id, s.status])).toEqual([[ids.session, 'idle']]);
      expect(fleet.map((row) => row.sessionId)).toEqual([ids.session]);
      expect(terminals.map((t) => t.id)).toEqual([ids.terminal]);
      expect(ratchet.workspaces.map((w) => w.workspaceId)).toEqual([ids.workspace]);
      expect(board.columns.waiting.map((card) => [card.workspace.id, card.machine])).toEqual([
        [ids.workspace, 'box'],
      ]);
      expect(one.machine).toBe('box');
      // The CLI's list, like the extension's, is answered from them too.
      expect((await cli('workspace', 'list')).stdout).toMatch(/path {5}box:\//);

      await waitFor(() => box()?.state === 'unreachable', { what: 'box to show not answering' });
      expect(box()).toMatchObject({ state: 'unreachable', error: NOT_ANSWERING });
      expect((await cli('remote', 'list')).stdout).toMatch(/box .*unreachable since .*not answering/);
      // Something only a silent remote could have is not looked for here: the answer says why there is none.
      const unknown = await client
        .call('session.get', { sessionId: 'made-there-meanwhile' })
        .catch((error: Error & { code?: string }) => error);
      expect(unknown).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/^box is unreachable since/),
      });
    } finally {
      process.kill(remotePid, 'SIGCONT');
    }
    // Its late answers land: connected again, and a send reaches it.
    await waitFor(() => box()?.state === 'connected', { what: 'box to answer again', timeoutMs: 30_000 });
    await client.call('session.send', { sessionId: ids.session, text: 'still there?' });
    await waitFor(async () => (await client.call('session.get', { sessionId: ids.session })).turns === 2, {
      what: 'the second turn to end',
      timeoutMs: 60_000,
    });
  }, 120_000);

  it("a remote's 30 MB answer reaches the client here whole, as the remote gave it; the link and the local agent stay up", async () => {
    const session = await client.call('session.start', { workspaceId: ids.workspace, prompt: `pad=${BIG}` });
    await waitFor(
      async () => (await client.call('session.get', { sessionId: session.id })).status === 'idle',
      { what: 'the 30 MB turn to end', timeoutMs: 120_000 },
    );
    const patient = await connectClient(local, { requestTimeoutMs: 120_000 });
    const file = readAgentFile(resolveHome(sshd.remoteHome))!;
    const remote = await connectClient({ port: file.port, token: file.token }, { requestTimeoutMs: 120_000 });
    try {
      const relayed = await patient.call('session.events', { sessionId: session.id });
      const truth = await remote.call('session.events', { sessionId: session.id });
      expect(JSON.stringify(relayed).length).toBeGreaterThan(BIG);
      expect(relayed).toEqual(truth);
    } finally {
      patient.close();
      remote.close();
    }
    expect((await client.call('status')).agentVersion).toBeTruthy();
    expect(box()?.state).toBe('connected');
    expect((await client.call('workspace.get', { workspaceId: ids.workspace })).machine).toBe('box');
  }, 180_000);

  it('a remote session many replay pages long replays here whole and in order, to a client and through `ff-agent session log`, then goes on live', async () => {
    const session = await client.call('session.start', {
      workspaceId: ids.workspace,
      prompt: `burst=${BURST}`,
    });
    await waitFor(
      async () => (await client.call('session.get', { sessionId: session.id })).status === 'idle',
      { what: `the ${BURST}-line turn to end`, timeoutMs: 120_000 },
    );
    const file = readAgentFile(resolveHome(sshd.remoteHome))!;
    const remote = await connectClient({ port: file.port, token: file.token });
    // The remote's own replay of its session: what the one through the local agent must be.
    const truth: Array<{ seq: number; event: unknown }> = [];
    await remote.subscribe(
      `session:${session.id}`,
      (frame) => truth.push({ seq: frame.seq, event: frame.data }),
      0,
    );
    remote.close();
    expect(truth.map((e) => e.seq)).toEqual(Array.from({ length: truth.length }, (_, i) => i + 1));
    expect(truth.length).toBeGreaterThan(BURST);
    expect(JSON.stringify(truth).length).toBeGreaterThan(8 * REPLAY_PAGE_BYTES);

    const reader = await connectClient(local);
    try {
      const replayed: Array<{ seq: number; event: unknown }> = [];
      const topic = `session:${session.id}` as const;
      // Resolves once the whole replay is in.
      await reader.subscribe(topic, (frame) => replayed.push({ seq: frame.seq, event: frame.data }), 0);
      expect(replayed).toEqual(truth);

      const logged = await cli('session', 'log', session.id, '--json');
      expect(logged.code).toBe(0);
      const lines = logged.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { seq: number });
      expect(lines.map((line) => line.seq)).toEqual(truth.map((e) => e.seq));

      // The replay made the subscriber live: the next turn's events come once each, right after.
      const { turns } = await client.call('session.get', { sessionId: session.id });
      await client.call('session.send', { sessionId: session.id, text: 'burst=5' });
      const { lastSeq: last } = await waitFor(
        async () => {
          const now = await client.call('session.get', { sessionId: session.id });
          return now.turns > turns && now.status === 'idle' ? now : undefined;
        },
        { what: 'the next turn to end', timeoutMs: 60_000 },
      );
      await waitFor(() => replayed.at(-1)?.seq === last, { what: 'the next turn here' });
      expect(replayed.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    } finally {
      reader.close();
    }
  }, 180_000);

  it('what a remote session wrote while the link was down, many pages of it, reaches a client here whole and in order once it is back', async () => {
    const session = await client.call('session.start', {
      workspaceId: ids.workspace,
      prompt: 'before the drop',
    });
    await waitFor(
      async () => (await client.call('session.get', { sessionId: session.id })).status === 'idle',
      { what: 'the first turn to end', timeoutMs: 60_000 },
    );
    const reader = await connectClient(local);
    const file = readAgentFile(resolveHome(sshd.remoteHome))!;
    const remote = await connectClient({ port: file.port, token: file.token });
    try {
      const seqs: number[] = [];
      await reader.subscribe(`session:${session.id}`, (frame) => seqs.push(frame.seq), 0);
      const beforeDrop = seqs.at(-1)!;
      sshd.cutConnections();
      await sshd.stop();
      await waitFor(() => box()?.state === 'unreachable', { what: 'box to drop', timeoutMs: 15_000 });
      // Sent on the remote itself: the turn writes its transcript while nothing relays it.
      await remote.call('session.send', { sessionId: session.id, text: `burst=${BURST}` });
      const { lastSeq } = await waitFor(
        async () => {
          const now = await remote.call('session.get', { sessionId: session.id });
          return now.turns === 2 && now.status === 'idle' ? now : undefined;
        },
        { what: `the ${BURST}-line turn to end on the remote`, timeoutMs: 120_000 },
      );
      expect(lastSeq - beforeDrop).toBeGreaterThan(BURST);
      await sshd.restart();
      await waitFor(() => box()?.state === 'connected', { what: 'box to come back', timeoutMs: 45_000 });
      await waitFor(() => seqs.at(-1) === lastSeq, { what: 'the catch-up here', timeoutMs: 60_000 });
      expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    } finally {
      reader.close();
      remote.close();
    }
  }, 240_000);
});
