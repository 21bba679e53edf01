import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methods, PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { type AgentProcess, connectClient, rssMb, spawnAgent } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * Protocol fuzz against the real agent: seeded (FF_FUZZ_SEED replays a run),
 * bounded (a fixed number of frames, sizes capped), before and after hello.
 * Whatever arrives, the agent answers each frame at most once or closes that
 * one connection, and afterwards still answers `status` promptly with its
 * memory in bounds.
 */
const seed = Number(process.env.FF_FUZZ_SEED ?? 20_261_201);

/** mulberry32: small, fast, good enough to pick cases. */
function prng(start: number) {
  let a = start >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof prng>;

const realMethods = Object.keys(methods);
const unknownMethods = ['nope', '__proto__', 'constructor', 'toString', 'status.', 'x'.repeat(100), ''];
const keys = [
  'topic',
  'sinceSeq',
  'workspaceId',
  'sessionId',
  'project',
  'path',
  'text',
  'id',
  'force',
  'data',
  '__proto__',
];
const topics = ['board', 'ratchet', 'workspace:w1', 'session:s1', 'terminal:t1', 'session:../x', 'nope', ''];
const soup = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  'null',
  'true',
  '-1e309',
  '\\u0000',
  '"\\ud800"',
  '🚀',
  '"type"',
  '"req"',
];

/** A JSON value of any type, nested at most `depth` levels. */
function value(r: Random, depth: number): unknown {
  switch (r.int(depth > 0 ? 9 : 6)) {
    case 0:
      return null;
    case 1:
      return r.next() > 0.5;
    case 2:
      return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308]);
    case 3:
      return r.pick(['', 'status', '../../etc/passwd', '\u0000', 'é', 'x'.repeat(r.int(3000))]);
    case 4:
      return r.pick(topics);
    case 5:
      return r.int(1_000_000);
    case 6:
      return Array.from({ length: r.int(5) }, () => value(r, depth - 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let n = r.int(5); n > 0; n--) object[r.pick(keys)] = value(r, depth - 1);
      return object;
    }
  }
}

function nested(r: Random): string {
  const depth = r.pick([31, 33, 100, 1000, 6000, 20_000]);
  const open = r.next() > 0.5 ? '[' : '{"a":';
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

type Frame = { text: string } | { bytes: Buffer; binary: boolean };

/** One frame a client might send, well-formed or not. */
function frame(r: Random, n: number): Frame {
  switch (r.int(12)) {
    case 0:
    case 1:
    case 2:
      return {
        text: JSON.stringify({
          type: 'req',
          id: r.next() > 0.1 ? n : value(r, 1),
          method: r.next() > 0.2 ? r.pick(realMethods) : r.pick(unknownMethods),
          ...(r.next() > 0.2 ? { params: value(r, 3) } : {}),
        }),
      };
    case 3:
      return {
        text: JSON.stringify({
          type: 'req',
          id: n,
          method: r.pick(['subscribe', 'unsubscribe']),
          params: { topic: r.pick(topics), ...(r.next() > 0.5 ? { sinceSeq: value(r, 0) } : {}) },
        }),
      };
    case 4:
      return { text: JSON.stringify(value(r, 4)) };
    case 5:
      return { text: Array.from({ length: 1 + r.int(16) }, () => r.pick(soup)).join('') };
    case 6: {
      const where = r.int(3);
      if (where === 0) return { text: nested(r) };
      if (where === 1) return { text: `{"type":${nested(r)},"id":${n}}` };
      return { text: `{"type":"req","id":${n},"method":"status","params":${nested(r)}}` };
    }
    case 7:
      return { bytes: Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256))), binary: true };
    case 8:
      // Big but bounded: most well under the 4 MB cap, a few just over it.
      return {
        text: JSON.stringify({
          type: 'req',
          id: n,
          method: 'status',
          pad: 'x'.repeat(r.int(20) === 0 ? 4 * 1024 * 1024 + 10 : r.pick([1000, 64 * 1024, 256 * 1024])),
        }),
      };
    case 9:
      return {
        text: JSON.stringify({
          type: r.pick(['hello', 'event', 'res', 'welcome', 1, null]),
          id: n,
          topic: 'board',
        }),
      };
    case 10:
      return { text: JSON.stringify({ type: 'req', id: n, method: 'settings.set', params: value(r, 2) }) };
    default:
      return { text: `{"type":"req","id":${n},"method":"status"}` };
  }
}

function sendFrame(ws: WebSocket, f: Frame): void {
  if ('text' in f) ws.send(f.text);
  else ws.send(f.bytes, { binary: f.binary });
}

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

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${agent.port}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function hello(token: string) {
  return JSON.stringify({
    type: 'hello',
    token,
    protocol: PROTOCOL_VERSION,
    client: { name: 'fuzz', version: '0' },
  });
}

describe(`protocol fuzz (seed ${seed})`, () => {
  it('10,000+ hostile frames before and after hello: the agent lives, answers status promptly, memory bounded', async () => {
    const r = prng(seed);
    const rssBefore = rssMb(agent.proc.pid!);
    let sent = 0;

    // Before hello: every connection's first frames are garbage, deep, binary, big or a bad hello.
    const badHellos = (): Frame[] => [
      frame(r, 0),
      {
        text: JSON.stringify({
          type: 'hello',
          token: 'x'.repeat(r.int(600)),
          protocol: PROTOCOL_VERSION,
          client: value(r, 2),
        }),
      },
      { text: JSON.stringify({ type: 'hello', token: agent.token, protocol: value(r, 1), client: {} }) },
      { text: `{"type":"hello","token":"${agent.token}","client":${nested(r)}}` },
      { bytes: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), binary: false },
    ];
    for (let batch = 0; batch < 40; batch++) {
      const sockets = await Promise.all(Array.from({ length: 10 }, () => open()));
      await Promise.all(
        sockets.map(async (ws) => {
          const count = 1 + r.int(4);
          for (let n = 0; n < count && ws.readyState === WebSocket.OPEN; n++) {
            sendFrame(ws, r.pick(badHellos()));
            sent++;
          }
          const code = await closed(ws);
          // Closed by the agent: a policy code, too big, bad UTF-8 — never a welcome.
          expect([1008, 1009, 1007, 1006, -1]).toContain(code);
        }),
      );
    }
    const beforeHello = sent;

    // After hello: four clients pipeline batches of fuzz, each batch closed by a status marker.
    const clients = 4;
    const perClient = 2300;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let ws = await open();
        let answers = 0;
        let sentHere = 0;
        let extra = 0; // welcomes and markers: answers the fuzz frames did not ask for
        const waiters = new Map<string, () => void>();
        const attach = (socket: WebSocket) => {
          socket.on('message', (data) => {
            answers++;
            const parsed = JSON.parse(data.toString()) as { id?: unknown };
            const resolve = typeof parsed.id === 'string' ? waiters.get(parsed.id) : undefined;
            resolve?.();
          });
        };
        const greet = async () => {
          ws.send(hello(agent.token));
          extra++;
          await new Promise((resolve) => ws.once('message', resolve));
        };
        attach(ws);
        await greet();
        for (let batch = 0; sentHere < perClient; batch++) {
          const size = 50 + r.int(150);
          for (let n = 0; n < size && sentHere < perClient; n++) {
            const f = frame(r, c * 1_000_000 + batch * 1000 + n);
            sendFrame(ws, f);
            sentHere++;
            // A frame over the cap (1009) closes the connection by design: start a new one.
            if ('text' in f && f.text.length > 4 * 1024 * 1024) break;
          }
          // Now and then, text that is not UTF-8 (ws closes that connection with 1007).
          if (r.int(20) === 0) {
            ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
            sentHere++;
          }
          const marker = `mark-${c}-${batch}`;
          const marked = new Promise<boolean>((resolve) => {
            waiters.set(marker, () => resolve(true));
            ws.once('close', () => resolve(false));
          });
          if (ws.readyState === WebSocket.OPEN) {
            ws.send(JSON.stringify({ type: 'req', id: marker, method: 'status' }));
            extra++;
          }
          const answered = await Promise.race([
            marked,
            new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
          ]);
          expect(answered, `batch ${batch} of client ${c} (seed ${seed})`).not.toBe('timeout');
          if (!answered || ws.readyState !== WebSocket.OPEN) {
            ws.terminate();
            ws = await open();
            attach(ws);
            await greet();
          }
        }
        // At most one answer per frame (no topic here has events to replay), plus welcomes and markers.
        expect(answers).toBeLessThanOrEqual(sentHere + extra);
        sent += sentHere;
        ws.close();
      }),
    );
    expect(beforeHello).toBeGreaterThanOrEqual(500);
    expect(sent).toBeGreaterThanOrEqual(10_000);

    // Afterwards: alive, prompt, and its memory did not run away.
    expect(agent.proc.exitCode).toBeNull();
    const client = await connectClient(agent);
    const started = performance.now();
    expect((await client.call('status')).pid).toBe(agent.proc.pid);
    expect(performance.now() - started).toBeLessThan(1000);
    client.close();
    expect(rssMb(agent.proc.pid!) - rssBefore).toBeLessThan(200);
  }, 180_000);
});
