import { type RawData, WebSocket } from 'ws';
import { MAX_IN_FLIGHT_PER_CONNECTION, MAX_QUEUED_PER_CONNECTION } from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import type { Connection, QueuedFrame } from './connection.js';

/** Queued requests at which the agent stops reading a client's socket (TCP pushes back), and resumes below the low mark. */
const QUEUE_HIGH_WATER = 64;
const QUEUE_LOW_WATER = 16;

/** The longest the scheduler runs requests before letting the event loop read other sockets and timers. */
const SLICE_MS = 4;

const DEFAULT_STALL_TIMEOUT_MS = 10_000;

/** What a connection's queue allows now — pure. */
export type Readiness = 'nothing-queued' | 'closed' | 'at-in-flight-limit' | 'congested' | 'ready';

export function readiness(connection: {
  queued: number;
  open: boolean;
  inFlight: number;
  outputCongested: boolean;
}): Readiness {
  if (connection.queued === 0) return 'nothing-queued';
  if (!connection.open) return 'closed';
  if (connection.inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) return 'at-in-flight-limit';
  // Its answers are piling up unread: it must read before it gets more work done.
  if (connection.outputCongested) return 'congested';
  return 'ready';
}

export interface SchedulerOptions {
  /** Handles one frame; the scheduler counts it in flight until the promise settles. */
  run: (connection: Connection, frame: QueuedFrame) => Promise<void>;
  log: Logger;
  /** How long a client may leave its answers unread while it still has requests waiting, before it is cut. */
  stallTimeoutMs?: number | undefined;
}

/**
 * Fair turns for every client's requests: each connection's requests wait
 * in its own queue and run round-robin with everyone else's, a few
 * milliseconds at a time, at most MAX_IN_FLIGHT_PER_CONNECTION at once, and
 * only while the client reads its answers. A client that floods is cut at
 * MAX_QUEUED_PER_CONNECTION; one that stops reading, after the stall timeout.
 */
export class RequestScheduler {
  readonly #options: SchedulerOptions;
  /** Connections with queued requests that may run now, in round-robin order. */
  readonly #ready = new Set<Connection>();
  #pumpScheduled = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  enqueue(connection: Connection, data: RawData, isBinary: boolean): void {
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
    this.wake(connection);
  }

  /** Puts a connection back in the round-robin if it has work it may start now (its socket drained, a request ended). */
  wake(connection: Connection): void {
    const now = readiness({
      queued: connection.queued,
      open: connection.socket.readyState === WebSocket.OPEN,
      inFlight: connection.inFlight,
      outputCongested: connection.outputCongested,
    });
    if (now === 'congested') this.#watchStall(connection);
    if (now !== 'ready') return;
    clearTimeout(connection.stallTimer);
    connection.stallTimer = undefined;
    this.#ready.add(connection);
    if (!this.#pumpScheduled) {
      this.#pumpScheduled = true;
      setImmediate(() => this.#pump());
    }
  }

  /** A connection closed: nothing of it runs any more. */
  forget(connection: Connection): void {
    clearTimeout(connection.stallTimer);
    this.#ready.delete(connection);
    connection.clearQueue();
  }

  /** A client with requests waiting that does not read its answers is cut once it stays that way. */
  #watchStall(connection: Connection): void {
    if (connection.stallTimer) return;
    connection.stallTimer = setTimeout(() => {
      connection.stallTimer = undefined;
      if (connection.outputCongested && connection.queued > 0) {
        this.#options.log.warn(`Client ${connection.id} stopped reading its answers; cutting it`);
        connection.cut('too-slow');
      } else this.wake(connection);
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
        this.wake(connection);
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
      this.wake(connection);
    };
    let running: Promise<void>;
    try {
      running = this.#options.run(connection, frame);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(done, (error: unknown) => {
      this.#options.log.error(`Client ${connection.id}: a frame could not be handled`, error);
      done();
    });
  }
}
