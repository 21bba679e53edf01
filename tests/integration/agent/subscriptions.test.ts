import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningAgent, startAgent } from '../../../agent/agent.js';
import { silentLogger } from '../../../agent/logger.js';
import { type EventFrame, PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { connectClient } from '../../helpers/agent-process.js';
import { tempDir, waitFor } from '../../helpers/temp.js';
import { untypedHub } from '../../helpers/untyped-hub.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentInProcess(options: { heartbeatMs?: number } = {}): Promise<RunningAgent> {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const agent = await startAgent({ home: dir.path, port: 0, log: silentLogger, ...options });
  cleanups.push(() => agent.close());
  return agent;
}

describe('subscriptions over a real socket', () => {
  it('deliver events in order, and after a reconnect replay exactly what was missed', async () => {
    const agent = await agentInProcess();
    const seen: number[] = [];
    const first = await connectClient(agent);
    await first.subscribe('board', (e: EventFrame) => seen.push(e.data as number));
    for (let n = 1; n <= 50; n++) untypedHub(agent.hub).publish('board', n);
    await waitFor(() => seen.length === 50, { what: '50 events' });
    const last = first.lastSeq('board');
    first.close();
    // Published while nobody listens.
    for (let n = 51; n <= 60; n++) untypedHub(agent.hub).publish('board', n);

    const second = await connectClient(agent);
    const result = await second.subscribe('board', (e: EventFrame) => seen.push(e.data as number), last);
    expect(result).toMatchObject({ seq: 60, replayed: 10, gap: false });
    untypedHub(agent.hub).publish('board', 61);
    await waitFor(() => seen.length >= 61, { what: '61 events' });
    expect(seen).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    second.close();
  });

  it('events published in the same tick as the subscribe are neither lost nor doubled', async () => {
    const agent = await agentInProcess();
    for (let n = 1; n <= 5; n++) untypedHub(agent.hub).publish('ratchet', n);
    const client = await connectClient(agent);
    const seen: number[] = [];
    const subscribing = client.subscribe('ratchet', (e) => seen.push(e.seq), 2);
    let published = 5;
    const burst = setInterval(() => untypedHub(agent.hub).publish('ratchet', ++published), 0);
    await subscribing;
    clearInterval(burst);
    // Every event up to the last one published reaches it once, in order (seqs, not payloads:
    // two ticks of the burst before the client read anything used to publish the same payload).
    await waitFor(() => seen.at(-1) === published, { what: 'the burst to arrive' });
    expect(seen).toEqual(Array.from({ length: published - 2 }, (_, i) => i + 3));
    client.close();
  });

  it('a second listener with an older sinceSeq gets its replay; the first gets no duplicates', async () => {
    const agent = await agentInProcess();
    const client = await connectClient(agent);
    const first: number[] = [];
    const second: number[] = [];
    await client.subscribe('board', (e) => first.push(e.seq));
    for (let n = 0; n < 5; n++) untypedHub(agent.hub).publish('board', n);
    await waitFor(() => first.length === 5);
    await client.subscribe('board', (e) => second.push(e.seq), 2);
    untypedHub(agent.hub).publish('board', 'live');
    await waitFor(() => first.length === 6 && second.length === 4);
    expect(first).toEqual([1, 2, 3, 4, 5, 6]);
    expect(second).toEqual([3, 4, 5, 6]);
    client.close();
  });

  it('unsubscribe stops delivery', async () => {
    const agent = await agentInProcess();
    const client = await connectClient(agent);
    const seen: unknown[] = [];
    await client.subscribe('board', (e) => seen.push(e.data));
    await client.unsubscribe('board');
    untypedHub(agent.hub).publish('board', 'late');
    expect((await client.call('status')).counts.clients).toBe(1);
    expect(seen).toEqual([]);
    client.close();
  });

  it('the heartbeat drops a client that stops answering pings', async () => {
    const agent = await agentInProcess({ heartbeatMs: 100 });
    const client = await connectClient(agent);
    // Freeze the client's socket so it cannot answer pings; the agent must notice on its own.
    const raw = new WebSocket(`ws://127.0.0.1:${agent.port}`, { autoPong: false });
    await new Promise((r) => raw.on('open', r));
    raw.send(
      JSON.stringify({
        type: 'hello',
        token: agent.token,
        protocol: PROTOCOL_VERSION,
        client: { name: 'mute', version: '0' },
      }),
    );
    await waitFor(async () => (await client.call('status')).counts.clients === 2, { what: 'two clients' });
    raw.on('message', () => {});
    const closed = new Promise((r) => raw.on('close', r));
    await closed;
    expect((await client.call('status')).counts.clients).toBe(1);
    client.close();
  });
});
