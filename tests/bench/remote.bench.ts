// Remote hosts: what the ssh hop costs. A real sshd on 127.0.0.1 plays the remote; its agent and the
// local one run the paced fake CLI. Each figure is a remote/local ratio, and the loopback ssh forward
// alone is its own line, so what the relay adds can be told from what ssh adds. The last ones are memory:
// how far the local agent's RSS rises while it hands over a 30 MB answer, a remote's against its own,
// and while `ff-agent session log` reads a remote session of 30,000 events (~36 MB) through it.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connectThroughTunnel } from '../../agent/remote/remote-link.js';
import { readAgentFile } from '../../agent/store/agent-file.js';
import { resolveHome } from '../../agent/store/home.js';
import type { AgentClient } from '../../shared/agent-client.js';
import type { EventFrame } from '../../shared/protocol.js';
import { connectClient, runCli, spawnAgent } from '../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { sshdMissing, startSshd } from '../helpers/sshd.js';
import { tempDir, waitFor } from '../helpers/temp.js';
import { type Figure, figure, median, peakRssGrowthMb, percentile } from './figure.js';
import { fakeClaude } from './relay.bench.js';
import { sessionLog } from './session-log.bench.js';

const ROUND_TRIPS = 300;
const LINES = 150;
const RATE = 50;
/** One Claude line this big (a huge tool result, a file read whole): the answer of session.events holds it. */
const BIG_ANSWER_BYTES = 30_000_000;
const BIG_ANSWER_RUNS = 3;
/** A remote session this many events long, each with this much text: `session log` of it through the relay. */
const LOG_EVENTS = 30_000;
const LOG_EVENT_BYTES = 1_000;
const now = () => performance.timeOrigin + performance.now();

/** Round trips of two calls, taken in turns so both see the same load on a busy machine. */
async function roundTrips(
  call: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
): Promise<[number[], number[]]> {
  for (let i = 0; i < 20; i++) await Promise.all([call(), baseline()]); // warm up
  const samples: number[] = [];
  const baselines: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await fn();
    into.push(performance.now() - started);
  };
  for (let i = 0; i < ROUND_TRIPS; i++) {
    await time(call, samples);
    await time(baseline, baselines);
  }
  return [samples, baselines];
}

/** One turn of the paced CLI in a workspace; how long each assistant line took to reach `client`. */
async function relayLatencies(client: AgentClient, workspaceId: string): Promise<number[]> {
  const session = await client.call('session.start', { workspaceId });
  const samples: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await client.subscribe(`session:${session.id}`, (frame: EventFrame) => {
    const received = now();
    const data = frame.data as { kind?: string; entries?: Array<{ type: string; text?: string }> };
    if (data.kind !== 'claude') return;
    for (const entry of data.entries ?? []) {
      const match = entry.type === 'assistant-text' ? /^sent-at=(\d+\.?\d*)/.exec(entry.text ?? '') : null;
      if (match) samples.push(received - Number(match[1]));
      if (entry.type === 'result') done();
    }
  });
  await client.call('session.send', { sessionId: session.id, text: 'go' });
  await finished;
  return samples;
}

export async function* figures(): AsyncGenerator<Figure> {
  const missing = sshdMissing();
  if (missing) {
    process.stderr.write(`remote bench skipped: ${missing}\n`);
    return;
  }
  const dir = tempDir('ff-bench-remote-');
  const paced = {
    FF_CLAUDE_BIN: fakeClaude,
    FF_FAKE_CLAUDE_LINES: String(LINES),
    FF_FAKE_CLAUDE_RATE: String(RATE),
  };
  const here = createGitHubLikeRepo(dir.path, 'octo', 'here');
  const far = createGitHubLikeRepo(dir.path, 'octo', 'far');
  const remoteUser = join(dir.path, 'remote-user');
  mkdirSync(remoteUser, { recursive: true });
  const sshd = await startSshd(dir.path, { ...far.env, ...paced, HOME: remoteUser });
  const localHome = join(dir.path, 'local-home');
  const local = await spawnAgent(localHome, { env: { ...here.env, ...paced } });
  const clients: AgentClient[] = [];
  try {
    const cli = (...args: string[]) => runCli(['--home', localHome, ...args], {}, { timeoutMs: 60_000 });
    const added = await cli(...sshd.remoteAddArgs('box'));
    if (added.code !== 0) throw new Error(`remote add failed: ${added.stderr}`);
    const client = await connectClient(local);
    clients.push(client);
    await client.call('project.add', { path: here.clone });
    await client.call('project.add', { path: far.clone, machine: 'box' });
    const ready = async (project: string) => {
      const { workspace } = await client.call('workspace.create', {
        project,
        branch: `bench-${project.split('/')[1]}`,
      });
      return waitFor(
        async () => {
          const w = await client.call('workspace.get', { workspaceId: workspace.id });
          return w.status === 'ready' ? w : undefined;
        },
        { what: `${project} workspace`, timeoutMs: 60_000 },
      );
    };
    const nearWs = await ready('octo/here');
    const farWs = await ready('octo/far');

    // The ssh forward alone: the remote agent's status, straight vs through the forwarded port.
    const remoteFile = readAgentFile(resolveHome(sshd.remoteHome))!;
    const [box] = await client.call('remote.list');
    const straight = await connectClient({ port: remoteFile.port!, token: remoteFile.token });
    const { client: tunnelled } = await connectThroughTunnel(box!.localPort!, remoteFile.port!, {
      token: remoteFile.token,
    });
    clients.push(straight, tunnelled);
    const [viaSsh, direct] = await roundTrips(
      () => tunnelled.call('status'),
      () => straight.call('status'),
    );
    yield figure('remote.ssh_loopback.median', median(viaSsh), 'ms', median(direct));

    // A routed request: the local agent answers for its workspace, relays for the remote's.
    const [farTrips, nearTrips] = await roundTrips(
      () => client.call('terminal.list', { workspaceId: farWs.id }),
      () => client.call('terminal.list', { workspaceId: nearWs.id }),
    );
    yield figure('remote.request_round_trip.median', median(farTrips), 'ms', median(nearTrips));
    yield figure('remote.request_round_trip.p95', percentile(farTrips, 95), 'ms', percentile(nearTrips, 95));

    // Claude's lines, from the CLI's stdout to a client of the local agent; both turns at once.
    const [farRelay, nearRelay] = await Promise.all([
      relayLatencies(client, farWs.id),
      relayLatencies(client, nearWs.id),
    ]);
    yield figure('remote.claude_event_relay.median', median(farRelay), 'ms', median(nearRelay));
    yield figure('remote.claude_event_relay.p95', percentile(farRelay, 95), 'ms', percentile(nearRelay, 95));

    // A 30 MB answer: session.events of a session whose one line is that big, on the remote and here.
    const bigSession = async (workspaceId: string) => {
      const session = await client.call('session.start', { workspaceId, prompt: `pad=${BIG_ANSWER_BYTES}` });
      await waitFor(
        async () => (await client.call('session.get', { sessionId: session.id })).status === 'idle',
        { what: 'the 30 MB turn to end', timeoutMs: 120_000 },
      );
      return session.id;
    };
    const [farBig, nearBig] = [await bigSession(farWs.id), await bigSession(nearWs.id)];
    const patient = await connectClient(local, { requestTimeoutMs: 120_000 });
    clients.push(patient);
    const growth = (sessionId: string) =>
      peakRssGrowthMb(local.proc.pid!, async () => {
        const { events } = await patient.call('session.events', { sessionId });
        if (events.length === 0) throw new Error('session.events answered nothing');
      });
    const farGrowth: number[] = [];
    const nearGrowth: number[] = [];
    for (let i = 0; i < BIG_ANSWER_RUNS; i++) {
      farGrowth.push(await growth(farBig));
      nearGrowth.push(await growth(nearBig));
    }
    yield figure('remote.answer_30mb.peak_rss_growth', median(farGrowth), 'MB', median(nearGrowth));

    // `session log` of a long remote session through the local agent, against the same log read
    // from the remote agent straight; the local agent's RSS against the transcript's size.
    const long = await client.call('session.start', {
      workspaceId: farWs.id,
      prompt: `burst=${LOG_EVENTS} pad=${LOG_EVENT_BYTES}`,
    });
    await waitFor(async () => (await client.call('session.get', { sessionId: long.id })).status === 'idle', {
      what: `the ${LOG_EVENTS}-line turn to end`,
      timeoutMs: 300_000,
    });
    const transcriptMb =
      statSync(join(sshd.remoteHome, 'transcripts', `${long.id}.jsonl`)).size / 1024 / 1024;
    const timedLog = async (home: string) => {
      const started = performance.now();
      const run = await sessionLog(home, long.id);
      if (run.code !== 0 || run.lines < LOG_EVENTS)
        throw new Error(`session log exited ${run.code} after ${run.lines} of ${LOG_EVENTS}+ events`);
      return (performance.now() - started) / 1000;
    };
    const straightSeconds = await timedLog(sshd.remoteHome);
    let relayedSeconds = 0;
    const logGrowth = await peakRssGrowthMb(local.proc.pid!, async () => {
      relayedSeconds = await timedLog(localHome);
    });
    yield figure('remote.session_log_30k_events.seconds', relayedSeconds, 's', straightSeconds);
    yield figure('remote.session_log_30k_events.local_rss_growth', logGrowth, 'MB', transcriptMb);
  } finally {
    for (const c of clients) c.close();
    await local.stop();
    await sshd.close();
    dir.cleanup();
  }
}
