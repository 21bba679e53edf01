import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { repoRoot } from '../helpers/agent-process.js';
import { claudeWorld } from '../helpers/claude-fixture.js';
import { openRaw } from '../helpers/raw-socket.js';
import { cpuMs, type Figure, figure, percentile } from './figure.js';

/** Paced stand-in CLI: lines at a set rate, each with its send time (synthetic-claude.mjs is the fast, turn-shaped one). */
export const fakeClaude = join(repoRoot, 'tests', 'bench', 'paced-claude.mjs');
const SESSIONS = 20;
const RATE = 50; // lines per second per session
const SECONDS = 5;
const now = () => performance.timeOrigin + performance.now();
/** What one relay run measured: each line's latency, and the relaying process's CPU time per line. */
interface Run {
  samples: number[];
  cpuUsPerLine: number;
}

/** A one-line first turn (see paced-claude.mjs): the figures are of 20 running CLIs, not of 20 booting at once. */
const WARM_UP = 'warm up';
const fakeEnv = {
  FF_FAKE_CLAUDE_LINES: String(RATE * SECONDS),
  FF_FAKE_CLAUDE_RATE: String(RATE),
};

/** `ff_sent_at` of an assistant line the fake CLI printed, wherever it sits in a frame. */
function sentAt(line: unknown): number | undefined {
  const l = line as { type?: string; ff_sent_at?: number } | undefined;
  return l?.type === 'assistant' ? l.ff_sent_at : undefined;
}

/**
 * The floor: the same 20 fake CLIs read by a bare Node process that forwards each stdout line
 * unchanged over one WebSocket — what any cross-process relay costs on this machine right now.
 * Each message from the client is written to every CLI as a user turn.
 */
async function bareRelay(count = SESSIONS): Promise<Run> {
  const script = `
    const { spawn } = require('node:child_process');
    const { WebSocketServer } = require('ws');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('listening', () => console.log(server.address().port));
    server.on('connection', (ws) => {
      const children = [];
      for (let n = 0; n < ${count}; n++) {
        const child = spawn(${JSON.stringify(fakeClaude)}, [], { env: { ...process.env, ...${JSON.stringify(fakeEnv)} } });
        let pending = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
          const parts = (pending + chunk).split('\\n');
          pending = parts.pop();
          for (const line of parts) if (line) ws.send(line);
        });
        children.push(child);
      }
      ws.on('message', (text) => {
        const line = JSON.stringify({ type: 'user', message: { role: 'user', content: String(text) } });
        for (const child of children) child.stdin.write(line + '\\n');
      });
      ws.on('close', () => children.forEach((child) => child.stdin.end()));
    });`;
  const relay: ChildProcess = spawn(process.execPath, ['-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [port] = (await once(relay.stdout!, 'data')) as [Buffer];
  const ws = new WebSocket(`ws://127.0.0.1:${port.toString().trim()}`);
  await once(ws, 'open');
  const samples: number[] = [];
  let measuring = false;
  let results = 0;
  let turnDone = () => {};
  ws.on('message', (data) => {
    const received = now();
    const line = JSON.parse(data.toString()) as { type?: string };
    const at = sentAt(line);
    if (measuring && at !== undefined) samples.push(received - at);
    if (line.type === 'result' && ++results % count === 0) turnDone();
  });
  const turn = (text: string) =>
    new Promise<void>((resolve) => {
      turnDone = resolve;
      ws.send(text);
    });
  await turn(WARM_UP);
  measuring = true;
  const cpuBefore = cpuMs(relay.pid!);
  await turn('go');
  const cpuUsPerLine = ((cpuMs(relay.pid!) - cpuBefore) * 1000) / samples.length;
  ws.close();
  relay.kill();
  return { samples, cpuUsPerLine };
}

/** `count` sessions (20 unless told) of the real agent, driven by the fake CLI; received by a raw WebSocket client. */
async function agentRelay(count = SESSIONS): Promise<Run> {
  const world = await claudeWorld(undefined, { FF_CLAUDE_BIN: fakeClaude, ...fakeEnv });
  try {
    const workspaces = [];
    for (let n = 0; n < count; n++) workspaces.push(await world.workspace());
    // A client that only parses JSON: the figure is the agent's, not a client library's.
    const raw = await openRaw(world.agent.port);
    raw.send({
      type: 'hello',
      token: world.agent.token,
      protocol: PROTOCOL_VERSION,
      client: { name: 'bench', version: '0' },
    });
    await raw.next();
    const samples: number[] = [];
    const replies = new Map<number, (result: unknown) => void>();
    let measuring = false;
    let results = 0;
    let turnDone = () => {};
    raw.ws.on('message', (data) => {
      const received = now();
      const frame = JSON.parse(data.toString()) as {
        type?: string;
        id?: number;
        result?: unknown;
        data?: { kind?: string; entries?: Array<{ type: string; text?: string }> };
      };
      if (frame.type === 'res') replies.get(frame.id ?? -1)?.(frame.result);
      if (frame.type !== 'event' || frame.data?.kind !== 'claude') return;
      for (const entry of frame.data.entries ?? []) {
        // The agent sends entries: the same time stamp, from the assistant text.
        const match = entry.type === 'assistant-text' ? /^sent-at=(\d+\.?\d*)/.exec(entry.text ?? '') : null;
        if (measuring && match) samples.push(received - Number(match[1]));
        if (entry.type === 'result' && ++results % count === 0) turnDone();
      }
    });
    let lastId = 0;
    const call = (method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = ++lastId;
        replies.set(id, resolve);
        raw.send({ type: 'req', id, method, params });
      });
    const sessions: Array<{ id: string }> = [];
    for (const w of workspaces)
      sessions.push((await call('session.start', { workspaceId: w.id })) as { id: string });
    for (const s of sessions) await call('subscribe', { topic: `session:${s.id}` });
    const turn = (text: string) =>
      new Promise<void>((resolve) => {
        turnDone = resolve;
        for (const s of sessions) void call('session.send', { sessionId: s.id, text });
      });
    await turn(WARM_UP);
    measuring = true;
    const cpuBefore = cpuMs(world.agent.proc.pid!);
    await turn('go');
    const cpuUsPerLine = ((cpuMs(world.agent.proc.pid!) - cpuBefore) * 1000) / samples.length;
    raw.ws.close();
    return { samples, cpuUsPerLine };
  } finally {
    await world.close();
  }
}

export async function* figures(): AsyncGenerator<Figure> {
  const floor = await bareRelay();
  const agent = await agentRelay();
  yield figure(
    'session.relay_agent_only.20_sessions.p50',
    percentile(agent.samples, 50),
    'ms',
    percentile(floor.samples, 50),
  );
  yield figure(
    'session.relay_agent_only.20_sessions.p99',
    percentile(agent.samples, 99),
    'ms',
    percentile(floor.samples, 99),
  );
  // The same run's CPU cost, which the machine's load does not change: what a line costs ff.
  yield figure('session.relay_agent_only.cpu_per_line', agent.cpuUsPerLine, 'µs', floor.cpuUsPerLine);
  // 50 sessions (issue 27): what a line costs the agent should not grow with how many sessions it relays.
  const fifty = await agentRelay(50);
  // Against the bare relay of 50: 50 CLIs at 50 lines a second each fill 2 cores, whatever relays them.
  const bareFifty = await bareRelay(50);
  yield figure(
    'session.relay_agent_only.50_sessions.cpu_per_line',
    fifty.cpuUsPerLine,
    'µs',
    agent.cpuUsPerLine,
  );
  yield figure(
    'session.relay_agent_only.50_sessions.p99',
    percentile(fifty.samples, 99),
    'ms',
    percentile(bareFifty.samples, 99),
  );
}
