import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AgentClient, ConnectError } from '../../../shared/agent-client.js';
import { CHROME_EXTENSION_ID } from '../../../shared/extension-identity.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { type AgentProcess, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { openRaw, upgradeStatus } from '../../helpers/raw-socket.js';
import { tempDir } from '../../helpers/temp.js';

const extensionOrigin = `chrome-extension://${CHROME_EXTENSION_ID}`;
const otherExtension = 'abcdefghijklmnopabcdefghijklmnop';
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

function hello(token: string, protocol = PROTOCOL_VERSION) {
  return { type: 'hello', token, protocol, client: { name: 'test', version: '0' } };
}

describe('before the upgrade', () => {
  it.each([
    ['a web page', { Origin: 'https://evil.example' }],
    ['GitHub itself', { Origin: 'https://github.com' }],
    ['a sandboxed frame (Origin: null)', { Origin: 'null' }],
    ['a rebinding attack (Host: evil.example)', { Host: 'evil.example:PORT' }],
    ['a wrong port in Host', { Host: '127.0.0.1:1' }],
  ])('%s is refused with 403', async (_name, headers) => {
    const withPort = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(agent.port))]),
    );
    expect(await upgradeStatus(agent.port, withPort)).toBe(403);
  });

  it.each([
    ['an extension origin', { Origin: extensionOrigin }],
    ['the CLI (no Origin)', {}],
    ['Host localhost', { Host: 'localhost:PORT' }],
  ])('%s may upgrade', async (_name, headers) => {
    const withPort = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(agent.port))]),
    );
    expect(await upgradeStatus(agent.port, withPort)).toBe(101);
  });

  it('plain HTTP gets no data', async () => {
    const res = await fetch(`http://127.0.0.1:${agent.port}/`);
    expect(res.status).toBe(426);
    expect(await res.text()).not.toContain(agent.token);
  });
});

describe('hello', () => {
  it.each([
    ['a wrong token', hello('0'.repeat(64)), 'bad-token'],
    ['an empty token', hello(''), 'bad-token'],
    ['a token of the wrong length', hello(`${'a'.repeat(10)}`), 'bad-token'],
    ['the right token with one character more', null, 'bad-token'],
    ['a request before hello', { type: 'req', id: 1, method: 'status' }, 'hello-required'],
    ['garbage before hello', 'not json', 'hello-required'],
    ['an old protocol version', null, 'protocol-mismatch'],
    ['a newer protocol version', null, 'protocol-mismatch'],
  ])('%s closes the connection with a policy code and runs nothing', async (name, frame, reason) => {
    const socket = await openRaw(agent.port);
    const sent =
      frame ??
      (name.startsWith('the right token')
        ? hello(`${agent.token}a`)
        : hello(agent.token, name.includes('newer') ? PROTOCOL_VERSION + 1 : PROTOCOL_VERSION - 1));
    socket.send(sent);
    // A method sent right after must not run.
    socket.send({ type: 'req', id: 2, method: 'status' });
    const closed = await socket.closed;
    expect(closed).toEqual({ code: 1008, reason });
    expect(socket.frames).toEqual([]);
  });

  it('a client that never says hello is closed after 5 s', async () => {
    const socket = await openRaw(agent.port);
    const started = Date.now();
    expect(await socket.closed).toEqual({ code: 1008, reason: 'hello-timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
  }, 15_000);

  it('an extension origin with the token is welcomed', async () => {
    const socket = await openRaw(agent.port, { Origin: extensionOrigin });
    socket.send(hello(agent.token));
    expect(await socket.next()).toMatchObject({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      agentVersion: '0.1.0',
    });
    socket.ws.close();
  });

  it('the CLI (no Origin) with the token is welcomed', async () => {
    const client = await connectClient(agent);
    expect(client.welcome.protocol).toBe(PROTOCOL_VERSION);
    client.close();
  });

  it('the shared client reports a bad token as such', async () => {
    await expect(connectClient({ port: agent.port, token: 'b'.repeat(64) })).rejects.toMatchObject({
      reason: 'bad-token',
    });
    const error = await AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${agent.port + 1}`), {
      token: agent.token,
      client: { name: 't', version: '0' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).reason).toBe('unreachable');
  });
});

describe('after hello', () => {
  it('malformed frames, unknown types, unknown methods and bad params each get an error answer', async () => {
    const socket = await openRaw(agent.port);
    socket.send(hello(agent.token));
    await socket.next();
    const cases: Array<[string | object, unknown]> = [
      ['{not json', { id: null, ok: false, error: { code: 'BAD_FRAME' } }],
      ['42', { id: null, ok: false, error: { code: 'BAD_FRAME' } }],
      [
        { type: 'bogus', id: 7 },
        { id: 7, ok: false, error: { code: 'UNKNOWN_TYPE' } },
      ],
      [
        hello(agent.token),
        { ok: false, error: { code: 'UNKNOWN_TYPE', message: expect.stringMatching(/Already greeted/) } },
      ],
      [
        { type: 'req', id: 8 },
        { id: 8, ok: false, error: { code: 'BAD_FRAME' } },
      ],
      [
        { type: 'req', id: 9, method: 'nope' },
        { id: 9, ok: false, error: { code: 'UNKNOWN_METHOD' } },
      ],
      [
        { type: 'req', id: 10, method: '__proto__' },
        { id: 10, ok: false, error: { code: 'UNKNOWN_METHOD' } },
      ],
      [
        { type: 'req', id: 11, method: 'toString' },
        { id: 11, ok: false, error: { code: 'UNKNOWN_METHOD' } },
      ],
      [
        { type: 'req', id: 12, method: 'subscribe', params: { topic: '../../etc' } },
        {
          id: 12,
          ok: false,
          error: { code: 'INVALID_PARAMS', message: expect.stringMatching(/^params\.topic/) },
        },
      ],
      [
        { type: 'req', id: 13, method: 'status' },
        { id: 13, ok: true, result: { pid: agent.proc.pid } },
      ],
    ];
    for (const [frame] of cases) socket.send(frame);
    for (const [, expected] of cases)
      expect(await socket.next()).toMatchObject({ type: 'res', ...(expected as object) });
    socket.ws.binaryType = 'nodebuffer';
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await socket.next()).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    socket.ws.close();
  });

  it('1,000 random frames are all answered or ignored and the agent still answers status', async () => {
    const socket = await openRaw(agent.port);
    socket.send(hello(agent.token));
    await socket.next();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"type"',
      ':',
      '"req"',
      ',',
      '"id"',
      '1',
      '"method"',
      '"status"',
      'null',
      '"params"',
      '\\u0000',
      '🚀',
      'true',
      '-1e309',
    ];
    for (let n = 0; n < 1000; n++) {
      const kind = n % 4;
      if (kind === 0) {
        socket.send(
          Array.from(
            { length: 1 + Math.floor(random() * 12) },
            () => pieces[Math.floor(random() * pieces.length)],
          ).join(''),
        );
      } else if (kind === 1) {
        socket.send({
          type: 'req',
          id: n,
          method: ['status', 'subscribe', 'x', 'settings.set'][n % 4],
          params: random() > 0.5 ? { topic: random() } : [random()],
        });
      } else if (kind === 2) {
        socket.send({
          type: ['req', 'event', 'res', 'hello', 1][Math.floor(random() * 5)],
          id: random() > 0.5 ? n : { n },
          junk: 'x'.repeat(Math.floor(random() * 2000)),
        });
      } else {
        socket.ws.send(Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256))), {
          binary: true,
        });
      }
    }
    socket.send({ type: 'req', id: 'final', method: 'status' });
    const final = await (async () => {
      for (;;) {
        const frame = (await socket.next(10_000)) as { id?: unknown };
        if (frame.id === 'final') return frame;
      }
    })();
    expect(final).toMatchObject({ ok: true, result: { pid: agent.proc.pid } });
    // Every frame got at most one answer, and the connection is still open.
    expect(socket.frames.length).toBeLessThanOrEqual(1 + 1001); // welcome + at most one answer per frame
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
    // And a new client is served too.
    const client = await connectClient(agent);
    expect((await client.call('status')).pid).toBe(agent.proc.pid);
    client.close();
  });

  it('an oversized frame closes only that connection', async () => {
    const socket = await openRaw(agent.port);
    socket.send(hello(agent.token));
    await socket.next();
    socket.send('x'.repeat(5 * 1024 * 1024));
    expect((await socket.closed).code).toBe(1009);
    const client = await connectClient(agent);
    expect((await client.call('status')).pid).toBe(agent.proc.pid);
    client.close();
  });

  it('settings.set changes only the fields given and reports invalid values clearly', async () => {
    const client = await connectClient(agent);
    await client.call('settings.set', { allowedExtensionIds: ['ff@example.org'] });
    const after = await client.call('settings.set', { defaultPermissionMode: 'ask' });
    expect(after).toMatchObject({ allowedExtensionIds: ['ff@example.org'], defaultPermissionMode: 'ask' });
    await expect(
      client.call('settings.set', { defaultPermissionMode: 'yolo' as 'ask' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(/^params\.defaultPermissionMode/),
    });
    await client.call('settings.set', {
      allowedExtensionIds: [],
      defaultPermissionMode: 'bypassPermissions',
    });
    client.close();
  });

  it("only ff's own extension may connect until the user adds another", async () => {
    const other = { Origin: `chrome-extension://${otherExtension}` };
    expect(await upgradeStatus(agent.port, { Origin: extensionOrigin })).toBe(101);
    expect(await upgradeStatus(agent.port, other)).toBe(403);
    const client = await connectClient(agent);
    await client.call('settings.set', { allowedExtensionIds: [otherExtension] });
    expect(await upgradeStatus(agent.port, other)).toBe(101);
    expect(await upgradeStatus(agent.port, { Origin: extensionOrigin })).toBe(101);
    expect(await upgradeStatus(agent.port, { Origin: `chrome-extension://${'c'.repeat(32)}` })).toBe(403);
    expect(await upgradeStatus(agent.port, {})).toBe(101);
    await client.call('settings.set', { allowedExtensionIds: [] });
    expect(await upgradeStatus(agent.port, other)).toBe(403);
    client.close();
  });

  it('FF_EXTENSION_IDS and `ff-agent install --extension-id` add ids too', async () => {
    const dir = tempDir();
    const other = { Origin: `chrome-extension://${otherExtension}` };
    const third = 'ponmlkjihgfedcbaponmlkjihgfedcba';
    const env = { HOME: dir.path, FF_HOME: dir.path, PATH: process.env.PATH ?? '' };
    const installed = await runCli(
      ['install', '--no-start', '--no-autostart', '--browser', 'chromium', '--extension-id', third],
      env,
    );
    expect(installed.code).toBe(0);
    const withEnv = await spawnAgent(dir.path, { env: { FF_EXTENSION_IDS: otherExtension } });
    try {
      expect(await upgradeStatus(withEnv.port, other)).toBe(101);
      expect(await upgradeStatus(withEnv.port, { Origin: `chrome-extension://${third}` })).toBe(101);
      expect(await upgradeStatus(withEnv.port, { Origin: `chrome-extension://${'c'.repeat(32)}` })).toBe(403);
      // Uninstalled, the id is no longer allowed.
      expect((await runCli(['uninstall'], env)).code).toBe(0);
      expect(await upgradeStatus(withEnv.port, { Origin: `chrome-extension://${third}` })).toBe(403);
    } finally {
      await withEnv.stop();
      dir.cleanup();
    }
  });

  it('status counts connected clients', async () => {
    const a = await connectClient(agent);
    const b = await connectClient(agent);
    expect((await a.call('status')).counts.clients).toBeGreaterThanOrEqual(2);
    a.close();
    b.close();
  });
});
