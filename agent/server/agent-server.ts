import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  describeForeign,
  parseBoundedJson,
  peekRequestId,
  stringifyOrUndefined,
} from '../../shared/bounded-json.js';
import {
  AgentError,
  CloseCode,
  type CloseReason,
  describeZodError,
  type ErrorInfo,
  type EventFrame,
  HELLO_TIMEOUT_MS,
  HelloFrame,
  isMethodName,
  MAX_FRAME_BYTES,
  MAX_FRAME_DEPTH,
  MAX_HELLO_BYTES,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_PENDING_HELLOS,
  MAX_QUEUED_PER_CONNECTION,
  MAX_TOPICS_PER_CONNECTION,
  type MethodName,
  type MethodResult,
  type MethodResultInput,
  methods,
  type ParsedParams,
  PROTOCOL_VERSION,
  RequestFrame,
  type ResponseFrame,
  staleExtensionNotice,
  type Topic,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import type { EventHub, Subscriber } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import { HomeAccessError } from '../store/fs-errors.js';
import { checkOrigin, isAllowedHost, tokensMatch } from './access.js';
import type { RedeemResult } from './pairing-codes.js';

// Imported as an ES module, node:http has every export read at once, and on Node >= 22 some of
// them (WebSocket, CloseEvent, MessageEvent) load undici: 60-85 ms of each start. require() reads only createServer.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export interface RequestContext {
  connection: Connection;
}

/** Every method but the subscription ones, which the server answers itself. */
export type HandledMethod = Exclude<MethodName, 'subscribe' | 'unsubscribe'>;
export type MethodHandlers = {
  [M in HandledMethod]: (
    params: ParsedParams<M>,
    context: RequestContext,
  ) => MethodResultInput<M> | Promise<MethodResultInput<M>>;
};

export interface AgentServerOptions {
  /** The current token (read on every hello, so re-pairing needs no restart). */
  token: () => string;
  allowedExtensionIds: () => readonly string[];
  handlers: MethodHandlers;
  hub: EventHub;
  log: Logger;
  agentVersion: string;
  instanceId: string;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  /** How long a client may leave its answers unread while it still has requests waiting, before it is cut. */
  stallTimeoutMs?: number;
  /**
   * Awaited before a subscription is registered: a topic another machine owns
   * is made ready to replay here (see agent/remote/remote-relay.ts).
   */
  beforeSubscribe?: (topic: Topic, sinceSeq: number | undefined) => Promise<void>;
  /** Redeems a manual pairing code (single use); on `ok` the client gets the token in its welcome. */
  redeemPairingCode?: (code: string) => RedeemResult;
}

/** A client whose unsent data passes this is too slow to keep up; it is dropped, not buffered forever. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * Unsent answers past which a client's next requests wait: it must read
 * before it gets more work done, so a client that never reads costs a
 * bounded amount of memory and no one else's time.
 */
const OUTPUT_HIGH_WATER_BYTES = 1024 * 1024;

/** Queued requests at which the agent stops reading a client's socket (TCP pushes back), and resumes below the low mark. */
const QUEUE_HIGH_WATER = 64;
const QUEUE_LOW_WATER = 16;

/** The longest the scheduler runs requests before letting the event loop read other sockets and timers. */
const SLICE_MS = 4;

const DEFAULT_STALL_TIMEOUT_MS = 10_000;

interface QueuedFrame {
  data: RawData;
  isBinary: boolean;
}

/** An event published to many subscribers is serialized once, not once per client. */
const encoded = new WeakMap<object, string>();

/** One client socket: unauthenticated until its hello carries the token. */
export class Connection implements Subscriber {
  readonly id: number;
  readonly socket: WebSocket;
  readonly client: string;
  authenticated = false;
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

  send(frame: EventFrame): void {
    if (this.authenticated) this.sendFrame(frame);
  }

  reply(id: ResponseFrame['id'], outcome: { result: unknown } | { error: ErrorInfo }): void {
    if ('error' in outcome) this.sendFrame({ type: 'res', id, ok: false, error: outcome.error });
    else if (id !== null) this.sendFrame({ type: 'res', id, ok: true, result: outcome.result });
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

/**
 * The agent's WebSocket endpoint on 127.0.0.1. Checks Host and Origin before
 * the upgrade (HTTP 403 otherwise), requires `hello` with the token as the
 * first frame, then dispatches requests and delivers subscribed events.
 * Nothing a client sends can take it down: every bad frame gets an error
 * response (or, before hello, a close).
 *
 * Budgets, so no client can take the agent down or starve the others: before
 * hello a client may send MAX_HELLO_BYTES and no more, and at most
 * MAX_PENDING_HELLOS may be waiting; after it, each connection's requests wait
 * in its own queue and run round-robin with everyone else's, a few
 * milliseconds at a time, at most MAX_IN_FLIGHT_PER_CONNECTION at once, and
 * only while the client reads its answers.
 */
export class AgentServer {
  readonly #options: AgentServerOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  /** Connections with queued requests that may run now, in round-robin order. */
  readonly #ready = new Set<Connection>();
  #pumpScheduled = false;
  #port = 0;
  #nextId = 1;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastExtension: { version: string; seenAt: string } | undefined;

  constructor(options: AgentServerOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.#http = createServer((req, res) => {
      // Plain HTTP gets nothing useful: this endpoint is for WebSocket clients only.
      const allowed = isAllowedHost(req.headers.host, this.#port);
      res.writeHead(allowed ? 426 : 403, { 'content-type': 'text/plain', connection: 'close' });
      res.end(allowed ? 'ff-agent speaks WebSocket only.\n' : 'Forbidden\n');
    });
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  get port(): number {
    return this.#port;
  }

  /** The browser extension that said hello last: its version and when (for `status` and doctor). */
  get lastExtension(): { version: string; seenAt: string } | undefined {
    return this.#lastExtension;
  }

  /** Authenticated clients. */
  get clientCount(): number {
    let count = 0;
    for (const connection of this.#connections) if (connection.authenticated) count++;
    return count;
  }

  /** Listens on 127.0.0.1 only; `port` 0 picks a free one. Rejects with EADDRINUSE when taken. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.#http.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        this.#http.off('error', onError);
        const address = this.#http.address();
        this.#port = typeof address === 'object' && address ? address.port : port;
        this.#startHeartbeat();
        resolve(this.#port);
      };
      this.#http.once('error', onError);
      this.#http.once('listening', onListening);
      this.#http.listen({ host: '127.0.0.1', port, exclusive: true });
    });
  }

  /** Stops accepting, says goodbye to every client, and resolves when the port is free. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    for (const connection of this.#connections)
      connection.socket.close(CloseCode.goingAway, 'agent stopping');
    // Give clients a moment to answer the close, then cut whatever is left.
    await Promise.race([
      Promise.all([...this.#connections].map((c) => new Promise((r) => c.socket.once('close', r)))),
      new Promise((r) => setTimeout(r, 1000).unref()),
    ]);
    for (const connection of this.#connections) connection.socket.terminate();
    this.#http.closeAllConnections();
    await closed;
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (!isAllowedHost(req.headers.host, this.#port)) {
      this.#options.log.warn(`Refused a connection for Host ${describeForeign(req.headers.host ?? '')}`);
      rejectUpgrade(socket, 403, 'Host not allowed');
      return;
    }
    const origin = checkOrigin(req.headers.origin, this.#options.allowedExtensionIds());
    if (!origin.ok) {
      this.#options.log.warn(
        `Refused a connection from Origin ${describeForeign(req.headers.origin, 120)}: ${origin.reason}`,
      );
      rejectUpgrade(socket, 403, 'Origin not allowed');
      return;
    }
    if (this.#connections.size - this.clientCount >= MAX_PENDING_HELLOS) {
      rejectUpgrade(socket, 503, 'Too many connections waiting to say hello; try again shortly');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, req, socket));
  }

  #onConnection(socket: WebSocket, req: IncomingMessage, raw: Duplex): void {
    const connection = new Connection(this.#nextId++, socket, req.headers.origin ?? 'cli', raw);
    this.#connections.add(connection);
    const helloTimer = setTimeout(() => {
      if (!connection.authenticated) connection.close('hello-timeout');
    }, this.#options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
    // Counted on the raw bytes, after ws has read them (so a hello and what follows it in one
    // packet count as authenticated): a client without the token is cut after a few KB, before
    // ws has buffered a big frame for it.
    const countBeforeHello = (chunk: Buffer) => {
      if (connection.authenticated) {
        raw.off('data', countBeforeHello);
        return;
      }
      connection.bytesBeforeHello += chunk.length;
      if (connection.bytesBeforeHello > MAX_HELLO_BYTES + 64) {
        raw.off('data', countBeforeHello);
        connection.cut('hello-too-big');
        socket.terminate();
      }
    };
    raw.on('data', countBeforeHello);
    raw.on('drain', () => this.#wake(connection));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      if (connection.authenticated) this.#enqueue(connection, data, isBinary);
      else this.#onHello(connection, data, isBinary);
    });
    socket.on('error', (error) => this.#options.log.warn(`Connection ${connection.id}: ${error.message}`));
    socket.on('close', () => {
      clearTimeout(helloTimer);
      clearTimeout(connection.stallTimer);
      this.#connections.delete(connection);
      this.#ready.delete(connection);
      connection.queue.length = 0;
      connection.head = 0;
      this.#options.hub.removeSubscriber(connection);
      if (connection.authenticated) this.#options.log.info(`Client ${connection.id} disconnected`);
    });
  }

  #onHello(connection: Connection, data: RawData, isBinary: boolean): void {
    const parsed = isBinary
      ? undefined
      : parseBoundedJson(data.toString(), { maxDepth: MAX_FRAME_DEPTH, maxChars: MAX_HELLO_BYTES });
    const hello = parsed?.ok ? HelloFrame.safeParse(parsed.value).data : undefined;
    if (!hello) {
      connection.close('hello-required');
      return;
    }
    const pairedByCode = hello.token === undefined && hello.pairingCode !== undefined;
    if (pairedByCode) {
      const redeemed = this.#options.redeemPairingCode?.(hello.pairingCode!) ?? 'unknown';
      if (redeemed !== 'ok') {
        this.#options.log.warn(
          `Refused client ${connection.id} (${connection.client}): ${redeemed} pairing code`,
        );
        connection.close(
          redeemed === 'used'
            ? 'pairing-code-used'
            : redeemed === 'expired'
              ? 'pairing-code-expired'
              : 'bad-pairing-code',
        );
        return;
      }
    } else if (!tokensMatch(hello.token ?? '', this.#options.token())) {
      this.#options.log.warn(`Refused client ${connection.id} (${connection.client}): bad token`);
      connection.close('bad-token');
      return;
    }
    if (hello.protocol !== PROTOCOL_VERSION) {
      this.#options.log.warn(
        `Refused client ${connection.id} (${connection.client}): ${hello.client.name} ${hello.client.version} speaks protocol ${hello.protocol}, ff-agent ${this.#options.agentVersion} speaks ${PROTOCOL_VERSION}; update ${hello.protocol < PROTOCOL_VERSION ? 'the extension' : 'ff-agent'}`,
      );
      connection.close('protocol-mismatch');
      return;
    }
    connection.authenticated = true;
    this.#options.log.info(
      `Client ${connection.id} connected: ${hello.client.name} ${hello.client.version} (${connection.client})`,
    );
    const extension = connection.client !== 'cli';
    const notice = extension
      ? staleExtensionNotice(this.#options.agentVersion, hello.client.version)
      : undefined;
    if (notice) this.#options.log.warn(`Client ${connection.id}: ${notice}`);
    if (extension) this.#lastExtension = { version: hello.client.version, seenAt: new Date().toISOString() };
    connection.sendFrame({
      type: 'welcome',
      agentVersion: this.#options.agentVersion,
      protocol: PROTOCOL_VERSION,
      instanceId: this.#options.instanceId,
      ...(notice ? { notice } : {}),
      ...(pairedByCode ? { token: this.#options.token() } : {}),
    });
  }

  #enqueue(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.queued >= MAX_QUEUED_PER_CONNECTION) {
      this.#options.log.warn(
        `Client ${connection.id} sent ${MAX_QUEUED_PER_CONNECTION} requests without waiting for answers; cutting it`,
      );
      connection.cut('too-many-requests');
      return;
    }
    connection.queue.push({ data, isBinary });
    // Stop reading this client until its queue drains: TCP then holds its bytes, not our memory.
    if (connection.queued >= QUEUE_HIGH_WATER && !connection.socket.isPaused) connection.socket.pause();
    this.#wake(connection);
  }

  /** Puts a connection back in the round-robin if it has work it may start now. */
  #wake(connection: Connection): void {
    if (connection.queued === 0 || connection.socket.readyState !== WebSocket.OPEN) return;
    if (connection.inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) return;
    if (connection.outputCongested) {
      this.#watchStall(connection);
      return;
    }
    clearTimeout(connection.stallTimer);
    connection.stallTimer = undefined;
    this.#ready.add(connection);
    if (!this.#pumpScheduled) {
      this.#pumpScheduled = true;
      setImmediate(() => this.#pump());
    }
  }

  /** A client with requests waiting that does not read its answers is cut once it stays that way. */
  #watchStall(connection: Connection): void {
    if (connection.stallTimer) return;
    connection.stallTimer = setTimeout(() => {
      connection.stallTimer = undefined;
      if (connection.outputCongested && connection.queued > 0) {
        this.#options.log.warn(`Client ${connection.id} stopped reading its answers; cutting it`);
        connection.cut('too-slow');
      } else this.#wake(connection);
    }, this.#options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS);
    connection.stallTimer.unref();
  }

  /**
   * Runs queued requests one per connection per round, so one busy client
   * cannot hold the others' requests behind its own, and gives the event loop
   * back every SLICE_MS so sockets and timers are served in between.
   */
  #pump(): void {
    this.#pumpScheduled = false;
    const deadline = performance.now() + SLICE_MS;
    while (this.#ready.size > 0) {
      for (const connection of this.#ready) {
        this.#ready.delete(connection);
        const frame = connection.take();
        if (frame) this.#start(connection, frame);
        if (connection.queued <= QUEUE_LOW_WATER && connection.socket.isPaused) connection.socket.resume();
        // Re-added at the end: the round-robin.
        this.#wake(connection);
        if (performance.now() >= deadline) break;
      }
      if (performance.now() >= deadline) break;
    }
    if (this.#ready.size > 0 && !this.#pumpScheduled) {
      this.#pumpScheduled = true;
      setImmediate(() => this.#pump());
    }
  }

  #start(connection: Connection, frame: QueuedFrame): void {
    connection.inFlight++;
    const done = () => {
      connection.inFlight--;
      this.#wake(connection);
    };
    let running: Promise<void>;
    try {
      running = this.#onFrame(connection, frame.data, frame.isBinary);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(done, (error: unknown) => {
      this.#options.log.error(`Client ${connection.id}: a frame could not be handled`, error);
      done();
    });
  }

  async #onFrame(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      connection.reply(null, {
        error: { code: 'BAD_FRAME', message: 'Binary frames are not accepted; send JSON text.' },
      });
      return;
    }
    const text = data.toString();
    const parsed = parseBoundedJson(text, { maxDepth: MAX_FRAME_DEPTH, maxChars: MAX_FRAME_BYTES });
    if (!parsed.ok) {
      connection.reply(peekRequestId(text), { error: { code: 'BAD_FRAME', message: parsed.message } });
      return;
    }
    const json = parsed.value;
    const id = requestIdOf(json);
    const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    if (type !== 'req') {
      const message =
        type === 'hello'
          ? 'Already greeted: hello is only the first frame.'
          : `Unknown frame type ${describeForeign(type ?? null)}; expected "req".`;
      connection.reply(id, { error: { code: type === undefined ? 'BAD_FRAME' : 'UNKNOWN_TYPE', message } });
      return;
    }
    const frame = RequestFrame.safeParse(json);
    if (!frame.success) {
      connection.reply(id, {
        error: { code: 'BAD_FRAME', message: describeZodError('request', frame.error) },
      });
      return;
    }
    const { id: requestId, method, params } = frame.data;
    try {
      if (!isMethodName(method)) {
        throw new AgentError('UNKNOWN_METHOD', `Unknown method ${describeForeign(method)}.`);
      }
      if (method === 'subscribe') {
        const { topic, sinceSeq } = parseParams('subscribe', params);
        await this.#options.beforeSubscribe?.(topic, sinceSeq);
        // Synchronous from registering to replaying, so no live event can slip in between.
        const replay = this.#subscribe(connection, requestId, params);
        for (const event of replay) connection.sendFrame(event);
        return;
      }
      connection.reply(requestId, { result: await this.#dispatch(connection, method, params) });
    } catch (error) {
      if (error instanceof AgentError) {
        connection.reply(requestId, { error: error.toInfo() });
      } else if (error instanceof HomeAccessError) {
        // A state file that cannot be written (disk full, read-only): the person can fix that.
        this.#options.log.error(`${method} failed`, error);
        connection.reply(requestId, { error: { code: 'UNAVAILABLE', message: error.message } });
      } else {
        this.#options.log.error(`${method} failed`, error);
        connection.reply(requestId, {
          error: { code: 'INTERNAL', message: `${method} failed inside ff-agent; details are in its log.` },
        });
      }
    }
  }

  /** Answers a subscribe request and returns the missed events to send right after the answer. */
  #subscribe(connection: Connection, requestId: RequestFrame['id'], rawParams: unknown): EventFrame[] {
    const { topic, sinceSeq } = parseParams('subscribe', rawParams);
    const hub = this.#options.hub;
    if (!hub.isSubscribed(topic, connection) && hub.topicCount(connection) >= MAX_TOPICS_PER_CONNECTION) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `This connection already follows ${MAX_TOPICS_PER_CONNECTION} topics, the most it may; unsubscribe from some first.`,
      );
    }
    const outcome = hub.subscribe(topic, connection, sinceSeq);
    connection.reply(requestId, {
      result: checkResult('subscribe', {
        topic,
        seq: outcome.seq,
        replayed: outcome.replay.length,
        gap: outcome.gap,
      }),
    });
    return outcome.replay;
  }

  async #dispatch(connection: Connection, method: Exclude<MethodName, 'subscribe'>, rawParams: unknown) {
    if (method === 'unsubscribe') {
      const { topic } = parseParams(method, rawParams);
      return checkResult(method, { topic, wasSubscribed: this.#options.hub.unsubscribe(topic, connection) });
    }
    const handler = this.#options.handlers[method] as (p: unknown, c: RequestContext) => unknown;
    return checkResult(method, await handler(parseParams(method, rawParams), { connection }));
  }

  #startHeartbeat(): void {
    // Pings find clients that vanished without a close (sleep, crash, network drop).
    this.#heartbeat = setInterval(() => {
      for (const connection of this.#connections) {
        if (!connection.alive) {
          this.#options.log.info(`Client ${connection.id} stopped answering pings; dropping it`);
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }, this.#options.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
  }
}

function parseParams<M extends MethodName>(method: M, raw: unknown): ParsedParams<M> {
  const parsed = methods[method].params.safeParse(raw);
  if (!parsed.success) throw new AgentError('INVALID_PARAMS', describeZodError('params', parsed.error));
  return parsed.data as ParsedParams<M>;
}

/** What we send is validated as strictly as what we receive: a shape bug surfaces here, not in a UI. */
function checkResult<M extends MethodName>(method: M, result: unknown): MethodResult<M> {
  const checked = methods[method].result.safeParse(result);
  if (!checked.success) {
    throw new Error(`${method} produced an invalid result: ${describeZodError('result', checked.error)}`);
  }
  return checked.data as MethodResult<M>;
}

function requestIdOf(json: unknown): ResponseFrame['id'] {
  if (typeof json !== 'object' || json === null) return null;
  const id = (json as { id?: unknown }).id;
  if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  return null;
}

function rejectUpgrade(socket: Duplex, status: 403 | 503, message: string): void {
  const body = `${message}\n`;
  const text = status === 403 ? 'Forbidden' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
