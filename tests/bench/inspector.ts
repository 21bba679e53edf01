import WebSocket from 'ws';
import { waitFor } from '../helpers/temp.js';

/**
 * The agent's heap after a full GC, through the inspector of an agent
 * started with `--inspect=127.0.0.1:0`: what it really keeps, unlike RSS,
 * which also counts garbage not yet collected and memory V8 holds on to.
 */
export async function heapAfterGcMb(stderr: () => string): Promise<number> {
  const url = await waitFor(() => /Debugger listening on (ws:\/\/\S+)/.exec(stderr())?.[1], {
    what: "the agent's inspector",
  });
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
      const id = nextId++;
      const onMessage = (raw: WebSocket.RawData) => {
        const message = JSON.parse(String(raw)) as { id?: number };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        resolve(message as { result?: { result?: { value?: unknown } } });
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const answer = await call('Runtime.evaluate', {
      expression: 'process.memoryUsage().heapUsed',
      returnByValue: true,
    });
    return Number(answer.result?.result?.value) / 1024 / 1024;
  } finally {
    socket.close();
  }
}
