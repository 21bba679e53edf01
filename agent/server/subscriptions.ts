import {
  AgentError,
  MAX_TOPICS_PER_CONNECTION,
  type MethodResult,
  type RequestFrame,
  type Topic,
} from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import type { Connection } from './connection.js';
import { checkResult, parseParams } from './method-checks.js';

export interface SubscriptionsOptions {
  hub: EventHub;
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
 * (the hub says from which seq, and whether there is a gap).
 */
export class Subscriptions {
  readonly #options: SubscriptionsOptions;

  constructor(options: SubscriptionsOptions) {
    this.#options = options;
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
    const outcome = hub.subscribe(topic, connection, sinceSeq);
    connection.reply(requestId, {
      result: checkResult('subscribe', {
        topic,
        seq: outcome.seq,
        replayed: outcome.replay.length,
        gap: outcome.gap,
      }),
    });
    for (const event of outcome.replay) connection.sendFrame(event);
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
