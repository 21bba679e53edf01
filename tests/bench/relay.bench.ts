import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { repoRoot } from '../helpers/agent-process.js';
import { claudeWorld } from '../helpers/claude-fixture.js';
import { openRaw } from '../helpers/raw-socket.js';
import { type Figure, figure, percentile } from './figure.js';

/** Paced stand-in CLI: lines at a set rate, each with its send time (synthetic-claude.mjs is the fast, turn-shaped one). */
export const fakeClaude = join(repoRoot, 'tests', 'bench', 'paced-claude.mjs');
const SESSIONS = 20;
const RATE = 50; // lines per second per session
const SECONDS = 5;
const now = () => performance.timeOrigin + performance.now();
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
 */
async function bareRelay(): Promise<number[]> {
  const script = `
    const { spawn } = require('node:child_process');
    const { WebSocketServer } = require('ws');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('listening', () => console.log(server.address().port));
    server.on('connection', (ws) => {
      for (let n = 0; n < ${SESSIONS}; n++) {
        const child = spawn(${JSON.stringify(fakeClaude)}, [], { env: { ...process.env, ...${JSON.stringify(fakeEnv)} } });
        let pending = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
          const parts = (pending + chunk).split('\\n');
          pending = parts.pop();
          for (const line of parts) if (line) ws.send(line);
        });
        child.stdin.end('{"type":"user","message":{"role":"user","content":"go"}}\\n');
      }
    });`;
  const relay: ChildProcess = spawn(process.execPath, ['-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [port] = (await once(relay.stdout!, 'data')) as [Buffer];
  const ws = new WebSocket(`ws://127.0.0.1:${port.toString().trim()}`);
  const samples: number[] = [];
  let results = 0;
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const received = now();
      const line = JSON.parse(data.toString()) as { type?: string };
      const at = sentAt(line);
      if (at !== undefined) samples.push(received - at);
      if (line.type === 'result' && ++results === SESSIONS) resolve();
    });
  });
  ws.close();
  relay.kill();
  return samples;
}

/** 20 sessions of the real agent, driven by the fake CLI; received by a raw WebSocket client. */
async function agentRelay(): Promise<number[]> {
  const world = await claudeWorld(undefined, { FF_CLAUDE_BIN: fakeClaude, ...fakeEnv });
  try {
    const workspaces = [];
    for (let n = 0; n < SESSIONS; n++) workspaces.push(await world.workspace());
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
    let results = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
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
        if (match) samples.push(received - Number(match[1]));
        if (entry.type === 'result' && ++results === SESSIONS) resolveDone();
      }
    });
    let lastId = 0;
    const call = (method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = ++lastId;
        replies.set(id, resolve);
        raw.send({ type: 'req', id, method, params });
      });
    const sessions = [];
    for (const w of workspaces)
      sessions.push((await call('session.start', { workspaceId: w.id })) as { id: string });
    for (const s of sessions) await call('subscribe', { topic: `session:${s.id}` });
    await Promise.all(sessions.map((s) => call('session.send', { sessionId: s.id, text: 'go' })));
    await done;
    raw.ws.close();
    return samples;
  } finally {
    await world.close();
  }
}

export async function* figures(): AsyncGenerator<Figure> {
  const floor = await bareRelay();
  const agent = await agentRelay();
  yield figure(
    'session.relay_agent_only.20_sessions.p50',
    percentile(agent, 50),
    'ms',
    percentile(floor, 50),
  );
  yield figure(
    'session.relay_agent_only.20_sessions.p99',
    percentile(agent, 99),
    'ms',
    percentile(floor, 99),
  );
}
