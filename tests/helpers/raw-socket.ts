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
