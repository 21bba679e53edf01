/**
 * The client half of the protocol, shared by the ff-agent CLI (Node `ws`)
 * and the extension's background worker (the browser's WebSocket). It speaks
 * to any object with the WebSocket event-target surface, validates every
 * frame it receives and correlates responses with requests.
 *
 * It is the one layer that minds event seqs: per topic and listener it keeps
 * the last seq delivered, drops anything not newer (a duplicate, or a replay
 * meant for another listener), and on a gap (an event after a missing one)
 * subscribes again from the last seq it delivered, so the agent replays what
 * is missing, in order. Everything above it (the extension's connection,
 * port, chat) trusts each listener to get every event once, in order; a
 * reconnecting caller asks `lastSeq` where to resume.
 */
import {
  AgentError,
  AgentFrame,
  type ClientFrame,
  type EventFrame,
  HelloFrame,
  type MethodName,
  type MethodParams,
  type MethodResult,
  methods,
  PROTOCOL_VERSION,
  type SubscribeResult,
  type Topic,
  type WelcomeFrame,
} from './protocol.js';

/** What both `WebSocket` (browser) and `ws` (Node) offer. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: CloseEventLike) => void): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
}

interface MessageEventLike {
  data: unknown;
}
interface CloseEventLike {
  code: number;
  reason: string;
}

/** Why a connection could not be made or ended; each has a fix a UI can show. */
export type DisconnectReason =
  | 'unreachable' // nothing answered: the agent is not running
  | 'bad-token' // the agent refused our token: pair again
  | 'protocol-mismatch' // agent and client speak different protocol versions
  | 'refused' // closed before welcome for another policy reason
  | 'closed'; // an established connection ended

export class ConnectError extends Error {
  readonly reason: DisconnectReason;
  constructor(reason: DisconnectReason, message: string) {
    super(message);
    this.name = 'ConnectError';
    this.reason = reason;
  }
}

export interface ConnectOptions {
  /** The token from agent.json — or `pairingCode` instead, once, for manual pairing. */
  token?: string;
  pairingCode?: string;
  client: { name: string; version: string };
  /** Default 10 s. */
  timeoutMs?: number;
  /** Per-request timeout, default 30 s. */
  requestTimeoutMs?: number;
}

type EventListener = (event: EventFrame) => void;

interface Pending {
  method: MethodName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

export class AgentClient {
  readonly welcome: WelcomeFrame;
  readonly #socket: SocketLike;
  readonly #requestTimeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  /**
   * Listeners per topic, each with the last seq it was given. Seqs are kept
   * per listener so a second listener that subscribes with an older
   * `sinceSeq` gets its replay while the first one is not given duplicates.
   */
  readonly #listeners = new Map<Topic, Map<EventListener, number>>();
  /** Subscriptions whose replay is still arriving: subscribe() resolves when it is in. */
  readonly #replaying = new Map<
    EventListener,
    { topic: Topic; until: number; resolve: () => void; reject: (error: Error) => void }
  >();
  /** Listeners whose stream had a gap and are being subscribed again from their last seq. */
  readonly #repairing = new Set<EventListener>();
  /** Subscribe requests in flight, by request id: the listener they are for. */
  readonly #subscribing = new Map<number, { listener: EventListener; sinceSeq?: number }>();
  readonly #closeListeners = new Set<(reason: DisconnectReason, detail: string) => void>();
  #nextId = 1;
  #closed = false;

  private constructor(socket: SocketLike, welcome: WelcomeFrame, requestTimeoutMs: number) {
    this.#socket = socket;
    this.welcome = welcome;
    this.#requestTimeoutMs = requestTimeoutMs;
    socket.addEventListener('message', (event: MessageEventLike) => this.#onMessage(event.data));
    socket.addEventListener('close', (event: CloseEventLike) => this.#onClose(event));
  }

  /** Opens the socket (via `open`), sends hello and resolves on welcome. */
  static connect(open: () => SocketLike, options: ConnectOptions): Promise<AgentClient> {
    return new Promise((resolve, reject) => {
      let socket: SocketLike;
      try {
        socket = open();
      } catch (error) {
        reject(new ConnectError('unreachable', `Could not open a connection to ff-agent: ${String(error)}`));
        return;
      }
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        settle(() => reject(new ConnectError('unreachable', 'ff-agent did not answer in time.')));
        socket.close();
      }, options.timeoutMs ?? 10_000);
      let opened = false;
      socket.addEventListener('open', () => {
        opened = true;
        const hello: ClientFrame = HelloFrame.parse({
          type: 'hello',
          ...(options.token !== undefined ? { token: options.token } : {}),
          ...(options.pairingCode !== undefined ? { pairingCode: options.pairingCode } : {}),
          protocol: PROTOCOL_VERSION,
          client: options.client,
        });
        socket.send(JSON.stringify(hello));
      });
      socket.addEventListener('message', (event: MessageEventLike) => {
        if (settled) return;
        const frame = parseAgentFrame(event.data);
        if (frame?.type !== 'welcome') {
          settle(() => reject(new ConnectError('refused', 'ff-agent sent something other than welcome.')));
          socket.close();
          return;
        }
        settle(() => resolve(new AgentClient(socket, frame, options.requestTimeoutMs ?? 30_000)));
      });
      socket.addEventListener('close', (event: CloseEventLike) => {
        settle(() => reject(closeToConnectError(opened, event)));
      });
      // 'error' is always followed by 'close'; nothing to do here but keep Node from throwing.
      socket.addEventListener('error', () => {});
    });
  }

  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === OPEN;
  }

  /** Calls a method; rejects with `AgentError` when the agent answers `ok:false`. */
  call<M extends MethodName>(method: M, ...args: MethodParamsArg<M>): Promise<MethodResult<M>> {
    if (!this.isOpen) {
      return Promise.reject(new AgentError('UNAVAILABLE', 'Not connected to ff-agent.'));
    }
    const id = this.#nextId++;
    const params = args[0];
    return new Promise<MethodResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AgentError(
            'TIMEOUT',
            `ff-agent did not answer ${method} within ${Math.round(this.#requestTimeoutMs / 1000)} s: it is busy or stuck. \`ff-agent logs\` shows what it is doing; \`ff-agent restart\` if it stays stuck.`,
          ),
        );
      }, this.#requestTimeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      const frame: ClientFrame = { type: 'req', id, method, ...(params === undefined ? {} : { params }) };
      this.#socket.send(JSON.stringify(frame));
    });
  }

  /**
   * Subscribes `listener` to a topic. Events after `sinceSeq` (replayed) and
   * live ones reach it in order, each exactly once; without `sinceSeq` only
   * live ones. Resolves after the replayed events have been delivered.
   */
  async subscribe(topic: Topic, listener: EventListener, sinceSeq?: number): Promise<SubscribeResult> {
    let listeners = this.#listeners.get(topic);
    if (!listeners) {
      listeners = new Map();
      this.#listeners.set(topic, listeners);
    }
    // Until the answer says otherwise, accept nothing older than what was asked for.
    listeners.set(listener, sinceSeq ?? Number.POSITIVE_INFINITY);
    const id = this.#nextId;
    this.#subscribing.set(id, { listener, ...(sinceSeq === undefined ? {} : { sinceSeq }) });
    try {
      return await this.call('subscribe', { topic, ...(sinceSeq === undefined ? {} : { sinceSeq }) });
    } catch (error) {
      listeners.delete(listener);
      throw error;
    } finally {
      this.#subscribing.delete(id);
    }
  }

  /** Stops delivering to `listener` (or to every listener of the topic), and tells the agent when none is left. */
  async unsubscribe(topic: Topic, listener?: EventListener): Promise<void> {
    const listeners = this.#listeners.get(topic);
    if (listener) listeners?.delete(listener);
    else listeners?.clear();
    if (listeners && listeners.size > 0) return;
    this.#listeners.delete(topic);
    if (this.isOpen) await this.call('unsubscribe', { topic });
  }

  /** The last seq delivered to a listener (or to any listener) of a topic, for resubscribing after a reconnect. */
  lastSeq(topic: Topic, listener?: EventListener): number | undefined {
    const listeners = this.#listeners.get(topic);
    if (!listeners) return undefined;
    const seqs = listener ? [listeners.get(listener)] : [...listeners.values()];
    const known = seqs.filter((s): s is number => s !== undefined && Number.isFinite(s));
    return known.length ? Math.max(...known) : undefined;
  }

  onClose(listener: (reason: DisconnectReason, detail: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes the connection; no event is delivered after this returns. */
  close(): void {
    this.#listeners.clear();
    this.#socket.close(1000, 'client closing');
  }

  #onMessage(data: unknown): void {
    const frame = parseAgentFrame(data);
    if (!frame) return; // A frame we cannot read is dropped; the agent validated what it sent.
    if (frame.type === 'res') {
      if (typeof frame.id !== 'number') return;
      const pending = this.#pending.get(frame.id);
      if (!pending) return;
      this.#pending.delete(frame.id);
      clearTimeout(pending.timer);
      if (!frame.ok) {
        pending.reject(new AgentError(frame.error.code, frame.error.message));
        return;
      }
      const parsed = methods[pending.method].result.safeParse(frame.result);
      if (parsed.success) {
        // Must happen before the next frame is read: replayed events follow this response directly,
        // possibly in the same chunk. They carry seqs (seq - replayed, seq], also after a gap.
        const subscription = pending.method === 'subscribe' ? this.#subscribing.get(frame.id) : undefined;
        if (subscription) {
          this.#subscribing.delete(frame.id);
          const result = parsed.data as SubscribeResult;
          // The replay carries seqs (seq - replayed, seq] — also after a gap (a restarted agent numbers anew).
          const from =
            result.gap || subscription.sinceSeq === undefined
              ? result.seq - result.replayed
              : subscription.sinceSeq;
          this.#listeners.get(result.topic)?.set(subscription.listener, from);
          if (result.replayed > 0) {
            // subscribe() resolves once the missed events are delivered, so callers see history first.
            this.#replaying.set(subscription.listener, {
              topic: result.topic,
              until: result.seq,
              resolve: () => pending.resolve(result),
              reject: pending.reject,
            });
            return;
          }
        }
        pending.resolve(parsed.data);
      } else
        pending.reject(
          new AgentError('BAD_FRAME', `ff-agent answered ${pending.method} with an unexpected shape.`),
        );
    } else if (frame.type === 'event') {
      const listeners = this.#listeners.get(frame.topic);
      if (!listeners) return;
      for (const [listener, last] of [...listeners]) {
        // Until its subscription is answered a listener gets nothing: its replay starts right after the answer.
        if (this.#isAwaitingAnswer(listener)) continue;
        // Anything not newer than what this listener has is a duplicate (or a replay meant for another listener).
        if (frame.seq <= last) continue;
        const replay = this.#replaying.get(listener);
        // A replay may skip seqs (a terminal's is one snapshot standing for all before it); live events do not.
        if (!replay && frame.seq > last + 1) {
          // A gap: (last, frame.seq) never came. Ask again from `last`; the replay brings them and this one.
          this.#repair(frame.topic, listener, last);
          continue;
        }
        listeners.set(listener, frame.seq);
        listener(frame);
        if (replay && frame.seq >= replay.until) {
          this.#replaying.delete(listener);
          replay.resolve();
        }
      }
    }
  }

  #repair(topic: Topic, listener: EventListener, last: number): void {
    if (this.#repairing.has(listener)) return;
    this.#repairing.add(listener);
    const id = this.#nextId;
    this.#subscribing.set(id, { listener, sinceSeq: last });
    // On failure (the connection closed) the listener's seq is still `last`: a reconnect resumes from there.
    void this.call('subscribe', { topic, sinceSeq: last })
      .catch(() => {})
      .finally(() => {
        this.#subscribing.delete(id);
        this.#repairing.delete(listener);
      });
  }

  #isAwaitingAnswer(listener: EventListener): boolean {
    for (const subscription of this.#subscribing.values())
      if (subscription.listener === listener) return true;
    return false;
  }

  #onClose(event: CloseEventLike): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new AgentError('UNAVAILABLE', 'The connection to ff-agent closed.');
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
    for (const replay of this.#replaying.values()) replay.reject(error);
    this.#replaying.clear();
    for (const listener of this.#closeListeners) listener('closed', event.reason || `code ${event.code}`);
  }
}

/** `call('status')` needs no params; other methods require theirs. */
type MethodParamsArg<M extends MethodName> =
  undefined extends MethodParams<M> ? [params?: MethodParams<M>] : [params: MethodParams<M>];

function parseAgentFrame(data: unknown): AgentFrame | undefined {
  if (typeof data !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = AgentFrame.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

function closeToConnectError(opened: boolean, event: CloseEventLike): ConnectError {
  if (!opened) return new ConnectError('unreachable', 'ff-agent is not running (nothing answered).');
  switch (event.reason) {
    case 'bad-token':
      return new ConnectError('bad-token', 'ff-agent refused the pairing token.');
    case 'bad-pairing-code':
      return new ConnectError(
        'bad-token',
        'ff-agent does not know that pairing code (mistyped, or the agent restarted since). Run `ff-agent pair` for a new one.',
      );
    case 'pairing-code-used':
      return new ConnectError(
        'bad-token',
        'That pairing code was already used. Run `ff-agent pair` for a new one.',
      );
    case 'pairing-code-expired':
      return new ConnectError(
        'bad-token',
        'That pairing code has expired (codes last 5 minutes). Run `ff-agent pair` for a new one.',
      );
    case 'protocol-mismatch':
      return new ConnectError(
        'protocol-mismatch',
        'ff-agent speaks a different protocol version; update both.',
      );
    default:
      return new ConnectError(
        'refused',
        `ff-agent closed the connection (${event.reason || `code ${event.code}`}).`,
      );
  }
}
