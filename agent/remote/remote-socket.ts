import type WebSocket from 'ws';
import type { SocketLike } from '../../shared/agent-client.js';
import { isOneJsonValue } from '../../shared/bounded-json.js';
import { AgentError, type MethodName, type MethodParams, ResponseFrame } from '../../shared/protocol.js';
import { EncodedResult } from '../server/encoded-result.js';

/** How long a passed-through request waits for its answer: as long as the client's own requests. */
const PASS_THROUGH_TIMEOUT_MS = 30_000;

/** A passed-through request's id: its own kind, so its answer is told from the client's at a glance. */
const ID_PREFIX = 'pass-';

interface Waiting {
  method: MethodName;
  resolve: (result: EncodedResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type Listener = (event: { data: unknown }) => void;

/**
 * The socket of the lasting connection to a remote agent: what AgentClient
 * reads (frames as text, as from any WebSocket), plus `passThrough`, a
 * request whose answer is kept as the bytes the remote sent. The relay uses
 * it for answers it has nothing to learn from (session.events,
 * workspace.diff…): through AgentClient a 30 MB answer was decoded into a
 * string, parsed, checked, checked again by the server here, encoded again
 * and copied into the client's frame; passed through, it is held once.
 */
export class RemoteSocket implements SocketLike {
  readonly #ws: WebSocket;
  readonly #listeners = new Set<Listener>();
  readonly #waiting = new Map<string, Waiting>();
  #nextId = 1;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on('close', () => {
      for (const waiting of this.#waiting.values()) {
        clearTimeout(waiting.timer);
        waiting.reject(new AgentError('UNAVAILABLE', 'The connection to ff-agent closed.'));
      }
      this.#waiting.clear();
    });
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: string): void {
    this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }

  addEventListener(type: 'message', listener: Listener): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message' | 'close' | 'open' | 'error', listener: (event: never) => void): void {
    if (type === 'message') this.#listeners.add(listener as Listener);
    else this.#ws.addEventListener(type, listener as () => void);
  }

  /** Calls `method` on the remote agent; its answer comes back as the JSON it sent, unread (an error as AgentError). */
  passThrough<M extends MethodName>(method: M, params: MethodParams<M>): Promise<EncodedResult> {
    if (this.#ws.readyState !== this.#ws.OPEN)
      return Promise.reject(new AgentError('UNAVAILABLE', 'Not connected to ff-agent.'));
    const id = `${ID_PREFIX}${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(
          new AgentError(
            'TIMEOUT',
            `ff-agent did not answer ${method} within ${PASS_THROUGH_TIMEOUT_MS / 1000} s: it is busy or stuck.`,
          ),
        );
      }, PASS_THROUGH_TIMEOUT_MS);
      this.#waiting.set(id, { method, resolve, reject, timer });
      this.#ws.send(JSON.stringify({ type: 'req', id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    const waiting = isBinary || this.#waiting.size === 0 ? undefined : this.#answerTo(data);
    if (waiting) {
      this.#settle(waiting.id, waiting.entry, data);
      return;
    }
    const event = { data: isBinary ? data : data.toString('utf8') };
    for (const listener of this.#listeners) listener(event);
  }

  /** The passed-through request a frame answers, from its first bytes (`{"type":"res","id":"pass-…`). */
  #answerTo(data: Buffer): { id: string; entry: Waiting } | undefined {
    const head = data.subarray(0, 64).toString('latin1');
    const id = /^\{"type":"res","id":"(pass-\d+)"/.exec(head)?.[1];
    const entry = id === undefined ? undefined : this.#waiting.get(id);
    return id !== undefined && entry ? { id, entry } : undefined;
  }

  #settle(id: string, waiting: Waiting, data: Buffer): void {
    this.#waiting.delete(id);
    clearTimeout(waiting.timer);
    // As the remote's server writes an answer: its result is what lies between this and the final `}`.
    const prefix = `{"type":"res","id":"${id}","ok":true,"result":`;
    const result = data.subarray(prefix.length, data.length - 1);
    if (
      data.length > prefix.length &&
      data.at(-1) === 0x7d &&
      data.subarray(0, prefix.length).toString('latin1') === prefix &&
      isOneJsonValue(result)
    ) {
      waiting.resolve(new EncodedResult(result));
      return;
    }
    // Anything else (an error, another key order) is small or rare: read it as a client would.
    let frame: ResponseFrame | undefined;
    try {
      frame = ResponseFrame.safeParse(JSON.parse(data.toString('utf8'))).data;
    } catch {}
    if (frame?.ok === false) waiting.reject(new AgentError(frame.error.code, frame.error.message));
    else if (frame?.ok) waiting.resolve(new EncodedResult(Buffer.from(JSON.stringify(frame.result))));
    else
      waiting.reject(
        new AgentError('BAD_FRAME', `ff-agent answered ${waiting.method} with an unreadable frame.`),
      );
  }
}
