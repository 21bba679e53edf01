import {
  AgentError,
  MAX_TOPICS_PER_CONNECTION,
  type MethodResult,
  type RequestFrame,
  type Topic,
} from '../../shared/protocol.js';
import type { EventHub, ReplayPages } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import { Connection } from './connection.js';
import { checkResult, parseParams } from './method-checks.js';

/**
 * A replay leaves in pages of about this many bytes, each once the client has
 * read all but REPLAY_UNSENT_BYTES of what went before: a 90 MB transcript
 * costs the agent a page of memory, and the client is never sent more than
 * it reads (everything at once passed the 32 MB a slow client may have
 * unread, and cut it). Both stay under the 1 MB at which a client's next
 * requests wait (connection.ts), so a replay does not hold up its requests.
 */
const REPLAY_PAGE_BYTES = 256 * 1024;
const REPLAY_UNSENT_BYTES = 256 * 1024;

export interface SubscriptionsOptions {
  hub: EventHub;
  log?: Logger | undefined;
  /**
   * Awaited before a subscription is registered: a topic another machine owns
   * is made ready to replay here (see agent/remote/remote-relay.ts).
   */
  beforeSubscribe?: ((topic: Topic, sinceSeq: number | undefined) => Promise<void>) | undefined;
}

/**
 * `subscribe` and `unsubscribe`, which the server answers itself: a
 * connection follows at most MAX_TOPICS_PER_CONNECTION topics, and a
 * subscription with `sinceSeq` gets what it missed right after its answer
 * (the hub says from which seq, and whether there is a gap): the first page
 * at once, the rest as the client reads it.
 */
export class Subscriptions {
  readonly #options: SubscriptionsOptions;

  constructor(options: SubscriptionsOptions) {
    this.#options = options;
    // A replay the hub starts by itself (a remote session catching up after a drop) is sent like any.
    options.hub.onReplay((subscriber, topic, pages) => {
      if (subscriber instanceof Connection) void this.#pump(subscriber, topic, pages);
    });
  }

  async subscribe(connection: Connection, requestId: RequestFrame['id'], rawParams: unknown): Promise<void> {
    const { topic, sinceSeq } = parseParams('subscribe', rawParams);
    await this.#options.beforeSubscribe?.(topic, sinceSeq);
    // Synchronous from registering to replaying, so no live event can slip in between.
    const hub = this.#options.hub;
    if (!hub.isSubscribed(topic, connection) && hub.topicCount(connection) >= MAX_TOPICS_PER_CONNECTION) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `This connection already follows ${MAX_TOPICS_PER_CONNECTION} topics, the most it may; unsubscribe from some first.`,
      );
    }
    const outcome = hub.subscribe(topic, connection, sinceSeq, REPLAY_PAGE_BYTES);
    connection.reply(requestId, {
      result: checkResult('subscribe', {
        topic,
        seq: outcome.seq,
        replayed: outcome.replayed,
        gap: outcome.gap,
      }),
    });
    for (const event of outcome.replay) connection.sendFrame(event);
    if (outcome.more) void this.#pump(connection, topic, outcome.more);
  }

  /** Sends the rest of a replay a page at a time, each once the client has read most of what went before. */
  async #pump(connection: Connection, topic: Topic, pages: ReplayPages): Promise<void> {
    try {
      while (!pages.done) {
        if (!(await connection.drained(REPLAY_UNSENT_BYTES))) return;
        await pages.sendNext(REPLAY_PAGE_BYTES);
      }
    } catch (error) {
      // The subscriber would wait for the rest for ever: it is disconnected, and resubscribes from what it has.
      this.#options.log?.error(`Replaying ${topic} to client ${connection.id}`, error);
      connection.socket.terminate();
    }
  }

  unsubscribe(connection: Connection, rawParams: unknown): MethodResult<'unsubscribe'> {
    const { topic } = parseParams('unsubscribe', rawParams);
    return checkResult('unsubscribe', {
      topic,
      wasSubscribed: this.#options.hub.unsubscribe(topic, connection),
    });
  }

  /** A connection closed: it leaves every topic. */
  forget(connection: Connection): void {
    this.#options.hub.removeSubscriber(connection);
  }
}
