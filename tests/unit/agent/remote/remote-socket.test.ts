import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { RemoteSocket } from '../../../../agent/remote/remote-socket.js';
import { EncodedResult } from '../../../../agent/server/encoded-result.js';
import { AgentError } from '../../../../shared/protocol.js';

/** A remote agent on the wire: it answers each request with what `answer` writes for its id. */
async function remoteAgent(answer: (id: string | number, method: string) => string | undefined) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (ws) =>
    ws.on('message', (raw) => {
      const request = JSON.parse(String(raw)) as { id: string | number; method: string };
      const text = answer(request.id, request.method);
      if (text !== undefined) ws.send(text);
    }),
  );
  const socket = new RemoteSocket(
    new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`),
  );
  await new Promise((resolve) => socket.addEventListener('open', () => resolve(undefined)));
  return { server, socket };
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

const text = (result: EncodedResult) => Buffer.from(result.json).toString('utf8');

describe('answers passed on unread from a remote agent', () => {
  it("come back as the result's bytes, as the remote wrote them; the client's frames still reach the client", async () => {
    const result = '{"events":[{"seq":1,"event":{"kind":"user","text":"héllo } \\" ]"}}],"lastSeq":1}';
    const { server, socket } = await remoteAgent((id) =>
      typeof id === 'string'
        ? `{"type":"res","id":"${id}","ok":true,"result":${result}}`
        : JSON.stringify({ type: 'res', id, ok: true, result: { other: true } }),
    );
    servers.push(server);
    const heard: unknown[] = [];
    socket.addEventListener('message', (event) => heard.push(event.data));
    socket.send(JSON.stringify({ type: 'req', id: 7, method: 'status' }));
    const passed = await socket.passThrough('session.events', { sessionId: 's1' });
    expect(passed).toBeInstanceOf(EncodedResult);
    expect(text(passed)).toBe(result);
    expect(heard).toEqual(['{"type":"res","id":7,"ok":true,"result":{"other":true}}']);
  });

  it("an error answer is the remote's error, with its code", async () => {
    const { server, socket } = await remoteAgent((id) =>
      JSON.stringify({ type: 'res', id, ok: false, error: { code: 'NOT_FOUND', message: 'No session s9.' } }),
    );
    servers.push(server);
    await expect(socket.passThrough('session.events', { sessionId: 's9' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No session s9.',
    });
  });

  it('a frame whose result would carry more than one value is read, not spliced into ours', async () => {
    const { server, socket } = await remoteAgent(
      (id) => `{"type":"res","id":"${id}","ok":true,"result":{"diff":"a"},"id":"someone-else"}`,
    );
    servers.push(server);
    const passed = await socket.passThrough('workspace.diff', { workspaceId: 'w1' });
    expect(JSON.parse(text(passed))).toEqual({ diff: 'a' });
  });

  it('a dropped connection fails what still waits, saying so', async () => {
    const { server, socket } = await remoteAgent(() => undefined);
    servers.push(server);
    const waiting = socket.passThrough('session.events', { sessionId: 's1' });
    for (const client of server.clients) client.terminate();
    await expect(waiting).rejects.toBeInstanceOf(AgentError);
    await expect(waiting).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
