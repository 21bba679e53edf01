import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_PENDING_HELLOS, MAX_TOPICS_PER_CONNECTION, PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { type AgentProcess, connectClient, rssMb, spawnAgent } from '../../helpers/agent-process.js';
import {
  clientFrame,
  clientFrameHeader,
  openRaw,
  openTcpWebSocket,
  upgradeStatus,
} from '../../helpers/raw-socket.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * The agent's budgets, each against the real agent: no frame, client or
 * burst takes it down or starves the others.
 */
let home: ReturnType<typeof tempDir>;
let agent: AgentProcess;

beforeAll(async () => {
  home = tempDir();
  agent = await spawnAgent(home.path);
});
afterAll(async () => {
  await agent?.stop();
  home?.cleanup();
});

function hello(token: string) {
  return { type: 'hello', token, protocol: PROTOCOL_VERSION, client: { name: 'test', version: '0' } };
}

async function statusAnswers(): Promise<void> {
  const client = await connectClient(agent);
  expect((await client.call('status')).pid).toBe(agent.proc.pid);
  client.close();
}

describe('frames nested too deep', () => {
  const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;

  it.each([
    ['as the frame type', `{"type":${deep},"id":1}`, null],
    // The answer names the request when its id comes before the nesting, as clients write it.
    ['as params', `{"type":"req","id":2,"method":"status","params":${deep}}`, 2],
    ['as a whole frame', deep, null],
    [
      'inside a setting',
      `{"type":"req","id":3,"method":"settings.set","params":{"allowedExtensionIds":${deep}}}`,
      3,
    ],
  ])(
    'a 12 KB frame of 6,000 nested arrays %s gets an error answer and the agent lives on',
    async (_name, frame, id) => {
      const socket = await openRaw(agent.port);
      socket.send(hello(agent.token));
      await socket.next();
      socket.send(frame);
      expect(await socket.next()).toMatchObject({
        type: 'res',
        id,
        ok: false,
        error: { code: 'BAD_FRAME', message: 'Frame nests deeper than 32 levels.' },
      });
      // Same connection, same agent: still served.
      socket.send({ type: 'req', id: 'after', method: 'status' });
      expect(await socket.next()).toMatchObject({ id: 'after', ok: true });
      socket.ws.close();
      expect(agent.proc.exitCode).toBeNull();
    },
  );

  it('a deeply nested hello closes only that connection', async () => {
    const socket = await openRaw(agent.port);
    socket.send(`{"type":"hello","client":${'['.repeat(1500)}${']'.repeat(1500)}}`);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'hello-required' });
    await statusAnswers();
  });
});

describe('before hello', () => {
  it('200 clients without the token streaming 4 MB frames are cut after a few KB; memory stays flat', async () => {
    const before = rssMb(agent.proc.pid!);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(agent.proc.pid!));
    }, 20);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const frameBytes = 4 * 1024 * 1024 - 64;
    const sockets: Socket[] = [];
    // In waves of 50, so the pending-hello limit is not what stops them.
    for (let wave = 0; wave < 4; wave++) {
      const opened = await Promise.all(Array.from({ length: 50 }, () => openTcpWebSocket(agent.port)));
      sockets.push(...opened);
      await Promise.all(
        opened.map(
          (socket) =>
            new Promise<void>((resolve) => {
              socket.once('close', () => resolve());
              socket.write(clientFrameHeader(frameBytes));
              let sent = 0;
              const pump = () => {
                while (sent < frameBytes && !socket.destroyed) {
                  sent += chunk.length;
                  if (!socket.write(chunk)) {
                    socket.once('drain', pump);
                    return;
                  }
                }
                resolve();
              };
              pump();
              socket.resume(); // read, so the close is seen
            }),
        ),
      );
    }
    clearInterval(sampler);
    for (const socket of sockets) socket.destroy();
    // Old behaviour: +500 MB (each frame buffered whole). Generous bound, far from that.
    expect(peak - before).toBeLessThan(120);
    await statusAnswers();
  }, 60_000);

  it(`at most ${MAX_PENDING_HELLOS} connections may wait to say hello; the next gets 503`, async () => {
    const waiting: WebSocket[] = [];
    try {
      for (let n = 0; n < MAX_PENDING_HELLOS; n++) {
        const ws = new WebSocket(`ws://127.0.0.1:${agent.port}`);
        waiting.push(ws);
      }
      await Promise.all(
        waiting.map(
          (ws) =>
            new Promise((resolve, reject) => {
              ws.once('open', resolve);
              ws.once('error', reject);
            }),
        ),
      );
      expect(await upgradeStatus(agent.port, {})).toBe(503);
    } finally {
      for (const ws of waiting) ws.terminate();
    }
    // Once they are gone, clients connect again.
    const deadline = Date.now() + 5000;
    while ((await upgradeStatus(agent.port, {})) !== 101 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await statusAnswers();
  }, 30_000);
});

describe('a client that floods requests and never reads', () => {
  it("does not delay another client's status, and is cut", async () => {
    const flooder = await openTcpWebSocket(agent.port);
    flooder.write(clientFrame(JSON.stringify(hello(agent.token))));
    const burst = Buffer.concat(
      Array.from({ length: 500 }, (_, n) =>
        clientFrame(JSON.stringify({ type: 'req', id: n, method: 'status' })),
      ),
    );
    let flooding = true;
    const flood = (async () => {
      // Writes as fast as the agent takes them, and never reads an answer.
      while (flooding && !flooder.destroyed) {
        if (!flooder.write(burst))
          await new Promise<void>((resolve) => {
            const done = () => resolve();
            flooder.once('drain', done);
            flooder.once('close', done);
            setTimeout(done, 200);
          });
      }
    })();
    const client = await connectClient(agent);
    await new Promise((r) => setTimeout(r, 500));
    const latencies: number[] = [];
    for (let n = 0; n < 40; n++) {
      const started = performance.now();
      await client.call('status');
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    latencies.sort((a, b) => a - b);
    // The finding: 12.8 s. The budget: 100 ms; the median must be well inside it, the worst
    // within a margin for a machine busy with other work.
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(100);
    expect(latencies.at(-1)).toBeLessThan(1000);
    // The flooder stops reading answers, so it is cut; the other client stays.
    const deadline = Date.now() + 30_000;
    let clients = 2;
    while (clients > 1 && Date.now() < deadline) {
      clients = (await client.call('status')).counts.clients;
      if (clients > 1) await new Promise((r) => setTimeout(r, 250));
    }
    flooding = false;
    await flood;
    flooder.destroy();
    expect(clients).toBe(1);
    client.close();
  }, 60_000);
});

describe('subscriptions', () => {
  it(`one connection may follow ${MAX_TOPICS_PER_CONNECTION} topics; the next is refused clearly until it lets one go`, async () => {
    const client = await connectClient(agent);
    const other = await connectClient(agent);
    const calls = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, n) =>
      client.call('subscribe', { topic: `workspace:w${n}` }),
    );
    await Promise.all(calls);
    await expect(client.call('subscribe', { topic: 'workspace:one-more' })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/already follows 1000 topics.*unsubscribe/),
    });
    // Subscribing again to a topic it follows is no new topic.
    await expect(client.call('subscribe', { topic: 'workspace:w0' })).resolves.toMatchObject({
      topic: 'workspace:w0',
    });
    await client.call('unsubscribe', { topic: 'workspace:w0' });
    await expect(client.call('subscribe', { topic: 'workspace:one-more' })).resolves.toMatchObject({
      seq: 0,
    });
    // The cap is per connection.
    await expect(other.call('subscribe', { topic: 'workspace:w1' })).resolves.toMatchObject({ seq: 0 });
    client.close();
    other.close();
  }, 30_000);
});
