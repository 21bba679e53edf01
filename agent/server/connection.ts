import type { Duplex } from 'node:stream';
import { type RawData, WebSocket } from 'ws';
import { stringifyOrUndefined } from '../../shared/bounded-json.js';
import {
  CloseCode,
  type CloseReason,
  type ErrorInfo,
  type EventFrame,
  type ResponseFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import type { Subscriber } from '../events/event-hub.js';
import { EncodedResult } from './encoded-result.js';

/** A client whose unsent data passes this is too slow to keep up; it is dropped, not buffered forever. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * Unsent answers past which a client's next requests wait: it must read
 * before it gets more work done, so a client that never reads costs a
 * bounded amount of memory and no one else's time.
 */
const OUTPUT_HIGH_WATER_BYTES = 1024 * 1024;

/** A frame received and not yet started. */
export interface QueuedFrame {
  data: RawData;
  isBinary: boolean;
}

/** An event published to many subscribers is serialized once, not once per client. */
const encoded = new WeakMap<object, string>();

/**
 * One client socket: unauthenticated until its hello carries the token
 * (agent/server/admission.ts); then its requests wait in `queue` for the
 * scheduler (scheduler.ts), and its answers and events leave through
 * `sendFrame`.
 */
export class Connection implements Subscriber {
  readonly id: number;
  readonly socket: WebSocket;
  /** The Origin it came from, or `cli` for a client without one. */
  readonly client: string;
  authenticated = false;
  /** Cleared by each heartbeat and set by any pong or frame: a connection still false at the next beat is gone. */
  alive = true;
  /** Frames received and not yet started, oldest first (`head` is the next one). */
  readonly queue: QueuedFrame[] = [];
  head = 0;
  inFlight = 0;
  /** Bytes received before hello was accepted. */
  bytesBeforeHello = 0;
  stallTimer: NodeJS.Timeout | undefined;
  #closing = false;
  /** The TCP socket under `socket`: frames sent in one turn of the event loop leave in one write. */
  readonly #raw: Duplex | undefined;
  #corked = false;

  constructor(id: number, socket: WebSocket, client: string, raw?: Duplex) {
    this.id = id;
    this.socket = socket;
    this.client = client;
    this.#raw = raw;
  }

  /**
   * Holds this turn's frames back until the event loop has read everything that was ready (20
   * sessions' lines arrive together), then writes them with one system call instead of one each.
   */
  #coalesce(): void {
    const raw = this.#raw;
    if (this.#corked || !raw) return;
    this.#corked = true;
    raw.cork();
    setImmediate(() => {
      this.#corked = false;
      raw.uncork();
    });
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  take(): QueuedFrame | undefined {
    const frame = this.queue[this.head];
    if (!frame) return undefined;
    // The slot is let go so its frame's buffer can be collected; the array is compacted below.
    this.queue[this.head++] = undefined as unknown as QueuedFrame;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return frame;
  }

  /** Drops every frame not yet started (the connection closed). */
  clearQueue(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  /** Bytes sent and not yet taken by the client's socket. */
  get unsent(): number {
    return this.socket.bufferedAmount;
  }

  /**
   * Resolves true once at most `bytes` are unsent, false if the connection
   * closes first. Its socket says when it drained (`drain`); a check on
   * each beat covers a socket that never filled past its own mark.
   */
  async drained(bytes: number): Promise<boolean> {
    const raw = this.#raw;
    while (this.socket.readyState === WebSocket.OPEN && this.socket.bufferedAmount > bytes) {
      if (!raw) return true;
      await new Promise<void>((resolve) => {
        const done = () => {
          raw.off('drain', done);
          this.socket.off('close', done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 100);
        raw.once('drain', done);
        this.socket.once('close', done);
      });
    }
    return this.socket.readyState === WebSocket.OPEN;
  }

  get outputCongested(): boolean {
    return this.socket.bufferedAmount > OUTPUT_HIGH_WATER_BYTES;
  }

  sendFrame(frame: WelcomeFrame | ResponseFrame | EventFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.cut('too-slow');
      return;
    }
    let text = encoded.get(frame);
    if (text === undefined) {
      text = stringifyOrUndefined(frame);
      if (text !== undefined && frame.type === 'event') encoded.set(frame, text);
    }
    if (text !== undefined) {
      this.#coalesce();
      this.socket.send(text);
      return;
    }
    // Only reachable through a bug (a result that cannot be serialized); the client still gets an answer.
    if (frame.type === 'res')
      this.socket.send(
        JSON.stringify({
          type: 'res',
          id: frame.id,
          ok: false,
          error: { code: 'INTERNAL', message: 'The answer could not be serialized; details are in the log.' },
        }),
      );
  }

  /** An event of a topic it follows (the hub calls this); nothing reaches a client before its hello. */
  send(frame: EventFrame): void {
    if (this.authenticated) this.sendFrame(frame);
  }

  reply(id: ResponseFrame['id'], outcome: { result: unknown } | { error: ErrorInfo }): void {
    if ('error' in outcome) this.sendFrame({ type: 'res', id, ok: false, error: outcome.error });
    else if (id === null) return;
    else if (outcome.result instanceof EncodedResult) this.#sendEncoded(id, outcome.result);
    else this.sendFrame({ type: 'res', id, ok: true, result: outcome.result });
  }

  /** An answer whose result is JSON already: one message in three fragments, its bytes sent as they are. */
  #sendEncoded(id: string | number, result: EncodedResult): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.cut('too-slow');
      return;
    }
    this.#coalesce();
    this.socket.send(`{"type":"res","id":${JSON.stringify(id)},"ok":true,"result":`, { fin: false });
    this.socket.send(result.json, { fin: false });
    this.socket.send('}', { fin: true });
  }

  close(reason: CloseReason): void {
    this.socket.close(CloseCode.policyViolation, reason);
  }

  /**
   * Closes with a reason and does not wait for the client to answer the close:
   * a client over its budget may never read again, and must not keep its
   * buffers here for the 30 s a polite close can take.
   */
  cut(reason: CloseReason): void {
    if (this.#closing) return;
    this.#closing = true;
    this.socket.close(CloseCode.policyViolation, reason);
    setTimeout(() => this.socket.terminate(), 200).unref();
  }
}
