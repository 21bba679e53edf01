import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import {
  CloseCode,
  MAX_FRAME_BYTES,
  type MethodName,
  type MethodResultInput,
  type ParsedParams,
  type Topic,
} from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import { isAllowedHost } from './access.js';
import { Admission, type AdmissionOptions } from './admission.js';
import { Connection } from './connection.js';
import { Dispatcher } from './dispatch.js';
import { RequestScheduler } from './scheduler.js';
import { Subscriptions } from './subscriptions.js';

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

export interface AgentServerOptions extends AdmissionOptions {
  handlers: MethodHandlers;
  hub: EventHub;
  heartbeatMs?: number;
  /** How long a client may leave its answers unread while it still has requests waiting, before it is cut. */
  stallTimeoutMs?: number;
  /**
   * Awaited before a subscription is registered: a topic another machine owns
   * is made ready to replay here (see agent/remote/remote-relay.ts).
   */
  beforeSubscribe?: (topic: Topic, sinceSeq: number | undefined) => Promise<void>;
}

/**
 * The agent's WebSocket endpoint on 127.0.0.1, composed of its parts:
 * `Admission` (Host and Origin before the upgrade, then a hello with the
 * token or a pairing code as the first frame), `RequestScheduler` (each
 * client's requests in its own queue, run round-robin within budgets),
 * `Dispatcher` (a request to its handler, params and result checked) and
 * `Subscriptions` (topics with seq and replay). This class owns the sockets:
 * listening, the heartbeat, and closing. Nothing a client sends can take it
 * down: every bad frame gets an error response (or, before hello, a close).
 */
export class AgentServer {
  readonly #options: AgentServerOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #admission: Admission;
  readonly #scheduler: RequestScheduler;
  readonly #subscriptions: Subscriptions;
  #port = 0;
  #nextId = 1;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: AgentServerOptions) {
    this.#options = options;
    this.#admission = new Admission(options);
    this.#subscriptions = new Subscriptions({
      hub: options.hub,
      log: options.log,
      beforeSubscribe: options.beforeSubscribe,
    });
    const dispatcher = new Dispatcher({
      handlers: options.handlers,
      subscriptions: this.#subscriptions,
      log: options.log,
    });
    this.#scheduler = new RequestScheduler({
      run: (connection, frame) => dispatcher.handle(connection, frame),
      log: options.log,
      stallTimeoutMs: options.stallTimeoutMs,
    });
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
    return this.#admission.lastExtension;
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
    const waitingForHello = this.#connections.size - this.clientCount;
    if (!this.#admission.admitUpgrade(req, socket, this.#port, waitingForHello)) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, req, socket));
  }

  #onConnection(socket: WebSocket, req: IncomingMessage, raw: Duplex): void {
    const connection = new Connection(this.#nextId++, socket, req.headers.origin ?? 'cli', raw);
    this.#connections.add(connection);
    const endHelloWatch = this.#admission.watch(connection, raw);
    raw.on('drain', () => this.#scheduler.wake(connection));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      if (connection.authenticated) this.#scheduler.enqueue(connection, data, isBinary);
      else this.#admission.hello(connection, data, isBinary);
    });
    socket.on('error', (error) => this.#options.log.warn(`Connection ${connection.id}: ${error.message}`));
    socket.on('close', () => {
      endHelloWatch();
      this.#connections.delete(connection);
      this.#scheduler.forget(connection);
      this.#subscriptions.forget(connection);
      if (connection.authenticated) this.#options.log.info(`Client ${connection.id} disconnected`);
    });
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
