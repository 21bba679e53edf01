import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

export interface RawSocket {
  ws: WebSocket;
  /** Frames received so far, parsed. */
  frames: unknown[];
  send(data: string | object): void;
  /** Next frame not yet taken. */
  next(timeoutMs?: number): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A WebSocket with whatever headers a test wants (a hostile page, a bad Host), speaking raw frames. */
export function openRaw(port: number, headers: Record<string, string> = {}): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
    const frames: unknown[] = [];
    const waiters: Array<(frame: unknown) => void> = [];
    let taken = 0;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      frames.push(frame);
      const waiter = waiters.shift();
      if (waiter) {
        taken++;
        waiter(frame);
      }
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        frames,
        closed,
        send: (data) => ws.send(typeof data === 'string' ? data : JSON.stringify(data)),
        next: (timeoutMs = 5000) =>
          new Promise((res, rej) => {
            if (taken < frames.length) {
              res(frames[taken++]);
              return;
            }
            const timer = setTimeout(() => rej(new Error('no frame')), timeoutMs);
            waiters.push((frame) => {
              clearTimeout(timer);
              res(frame);
            });
          }),
      }),
    );
  });
}

/** Performs an upgrade with the given headers and reports the HTTP status (101 = accepted). */
export function upgradeStatus(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(0));
  });
}

/**
 * A WebSocket client at the TCP level, for clients the `ws` package will not
 * imitate: one that streams a frame it never finishes, or one that never
 * reads. Resolves after the 101 with the socket paused (nothing more is read
 * unless the test resumes it).
 */
export function openTcpWebSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', reject);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.pause();
      socket.off('error', reject);
      socket.on('error', () => {});
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(head.slice(0, head.indexOf('\r\n'))));
        return;
      }
      resolve(socket);
    };
    socket.on('data', onData);
    socket.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/** The header of a masked client frame (text unless `opcode` says otherwise) whose payload is `length` bytes. */
export function clientFrameHeader(length: number, opcode = 1): Buffer {
  const mask = Buffer.alloc(4); // an all-zero mask leaves the payload as it is
  if (length < 126) return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | length]), mask]);
  if (length < 65536) {
    const header = Buffer.from([0x80 | opcode, 0x80 | 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    return Buffer.concat([header, mask]);
  }
  const header = Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([header, mask]);
}

/** A whole masked client frame. */
export function clientFrame(payload: string | Buffer, opcode = 1): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([clientFrameHeader(body.length, opcode), body]);
}

/** Whether something accepts TCP connections at a URL's host and port now (a connection, closed at once). */
export function acceptsAt(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
