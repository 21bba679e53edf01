import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { sessionEventOf } from '../../../agent/claude/session-event.js';
import { toChatItems } from '../../../extension/lib/chat-model.js';
import { AgentClient } from '../../../shared/agent-client.js';
import { type EventFrame, eventData, PROTOCOL_VERSION, type SessionEvent } from '../../../shared/protocol.js';
import { waitFor } from '../../helpers/temp.js';

/**
 * A session's transcript as the agent serves it: three turns, each a user message, an
 * assistant line and a result, as entries (the agent's own derivation from CLI lines).
 */
const transcript: SessionEvent[] = [1, 2, 3].flatMap((n) => [
  { kind: 'user', ts: '', messageId: `m${n}`, text: `question ${n}`, queued: false } as const,
  sessionEventOf(
    {
      kind: 'claude',
      line: { type: 'assistant', message: { content: [{ type: 'text', text: `answer ${n}` }] } },
    },
    '',
  ),
  sessionEventOf({ kind: 'claude', line: { type: 'result', subtype: 'success', total_cost_usd: n } }, ''),
]);
const frame = (seq: number): EventFrame => ({
  type: 'event',
  topic: 'session:s1',
  seq,
  data: transcript[seq - 1],
});

/**
 * A loopback server speaking the agent's wire format: it answers hello and subscribe (replaying
 * from `sinceSeq` like the agent), then sends the live frames `live` names, in that order —
 * duplicates and holes included, as a faulty relay would (a remote link, a proxy).
 */
async function scriptedAgent(live: number[]) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const subscribes: Array<number | undefined> = [];
  server.on('connection', (socket) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'hello') {
        socket.send(
          JSON.stringify({
            type: 'welcome',
            agentVersion: '0.0.0',
            protocol: PROTOCOL_VERSION,
            instanceId: 'i',
          }),
        );
        return;
      }
      if (message.method !== 'subscribe') return;
      const since: number | undefined = message.params.sinceSeq;
      subscribes.push(since);
      const first = subscribes.length === 1;
      // The first answer is at seq 2 (what exists then); later ones know the whole transcript.
      const seq = first ? 2 : transcript.length;
      const replay = since === undefined ? [] : Array.from({ length: seq - since }, (_, i) => since + 1 + i);
      socket.send(
        JSON.stringify({
          type: 'res',
          id: message.id,
          ok: true,
          result: { topic: message.params.topic, seq, replayed: replay.length, gap: false },
        }),
      );
      for (const seq of replay) socket.send(JSON.stringify(frame(seq)));
      if (first) for (const seq of live) socket.send(JSON.stringify(frame(seq)));
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { port, subscribes, close: () => new Promise((resolve) => server.close(resolve)) };
}

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function follow(live: number[]) {
  const agent = await scriptedAgent(live);
  const client = await AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${agent.port}`), {
    token: 'x',
    client: { name: 'test', version: '0' },
  });
  close = async () => {
    client.close();
    await agent.close();
  };
  const events: Array<SessionEvent & { seq: number }> = [];
  await client.subscribe(
    'session:s1',
    (f) => {
      const event = eventData('session', f);
      if (event) events.push({ ...event, seq: f.seq });
    },
    0,
  );
  return { agent, client, events };
}

const said = (events: Array<SessionEvent & { seq: number }>) =>
  toChatItems(events).map((item) =>
    item.kind === 'user' ? item.text : item.kind === 'assistant' ? item.text : item.kind,
  );
const whole = [
  'question 1',
  'answer 1',
  'result',
  'question 2',
  'answer 2',
  'result',
  'question 3',
  'answer 3',
  'result',
];

describe('event seqs: the client delivers each event once, in order', () => {
  it('duplicated frames (a replay overlapping live ones, a resend) reach the listener once', async () => {
    const { events } = await follow([2, 3, 3, 4, 5, 4, 6, 7, 8, 9, 9]);
    await waitFor(() => events.length === 9 || undefined, { what: 'nine events' });
    await new Promise((resolve) => setTimeout(resolve, 100)); // a late duplicate would land now
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(said(events)).toEqual(whole);
  });

  it('a gap (events that never came) is filled by subscribing again from the last seq delivered', async () => {
    // 4 and 5 are lost on the way: the client sees 6 after 3.
    const { agent, events } = await follow([3, 6, 7, 8, 9]);
    await waitFor(() => events.length === 9 || undefined, { what: 'nine events' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(said(events)).toEqual(whole);
    expect(agent.subscribes).toEqual([0, 3]);
  });
});
