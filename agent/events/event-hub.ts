import type { EventFrame, EventOf, Topic } from '../../shared/protocol.js';

/** Something that receives events: a client connection. */
export interface Subscriber {
  send(frame: EventFrame): void;
}

/**
 * A topic whose events are persisted elsewhere (a session transcript): the
 * hub asks it for seqs and replays instead of keeping a ring.
 */
export interface TopicSource {
  lastSeq(topic: Topic): number;
  readFrom(topic: Topic, sinceSeq: number): EventFrame[];
}

export interface SubscribeOutcome {
  seq: number;
  replay: EventFrame[];
  gap: boolean;
}

interface RingTopic {
  seq: number;
  ring: EventFrame[];
  /** The newest seq dropped because the ring was full: a client behind it has a gap. */
  evictedThrough: number;
}

/**
 * Events that are whole snapshots name what they replace: a later event with
 * the same key makes an earlier one worthless, so the ring keeps only the
 * newest per key (a board per project, the one list of remotes). Without
 * this, a reconnecting client would be replayed up to `ringSize` full boards.
 */
export function snapshotKey(topic: Topic, data: unknown): string | undefined {
  if (topic === 'remotes') return 'remotes';
  const board = data as Partial<EventOf<'board'>> | null;
  if (topic === 'board' && board?.kind === 'board') {
    return `${board.machine ?? 'local'}\u0000${board.host}\u0000${board.project}`;
  }
  return undefined;
}

/**
 * Topics, their seq counters and their subscribers. In-memory topics keep
 * the last `ringSize` events so a client that reconnects quickly gets what it
 * missed; older history is reported as a gap (reload state instead).
 */
export class EventHub {
  readonly #ringSize: number;
  readonly #topics = new Map<Topic, RingTopic>();
  readonly #subscribers = new Map<Topic, Set<Subscriber>>();
  /** The reverse index, so a closing connection leaves in O(its topics) and caps can be checked. */
  readonly #topicsOf = new Map<Subscriber, Set<Topic>>();
  readonly #sources = new Map<string, TopicSource>();
  /** Single topics served by their own source (a remote's session, relayed with the remote's seqs). */
  readonly #topicSources = new Map<Topic, TopicSource>();
  readonly #idleListeners: Array<(topic: Topic) => void> = [];

  constructor(options: { ringSize?: number } = {}) {
    this.#ringSize = options.ringSize ?? 1000;
  }

  /** Routes every topic `<prefix>:<id>` to a persisted source. */
  registerSource(prefix: string, source: TopicSource): void {
    this.#sources.set(prefix, source);
  }

  /** Routes one topic to its own source, ahead of its prefix's. */
  registerTopicSource(topic: Topic, source: TopicSource): void {
    this.#topicSources.set(topic, source);
  }

  unregisterTopicSource(topic: Topic): void {
    this.#topicSources.delete(topic);
  }

  /** Calls `listener` with a topic whenever its last subscriber leaves (a relay can stop following it). */
  onIdle(listener: (topic: Topic) => void): void {
    this.#idleListeners.push(listener);
  }

  /**
   * Publishes an event. For sourced topics pass the seq the source assigned
   * (after persisting); in-memory topics number their own events. The
   * payload's type follows from the topic (shared/protocol.ts `TopicEvents`).
   */
  publish<T extends Topic>(topic: T, data: EventOf<T>, seq?: number): EventFrame {
    let frame: EventFrame;
    const source = this.#sourceFor(topic);
    if (source) {
      frame = { type: 'event', topic, seq: seq ?? source.lastSeq(topic), data };
    } else {
      const state = this.#ring(topic);
      state.seq += 1;
      frame = { type: 'event', topic, seq: state.seq, data };
      const key = snapshotKey(topic, data);
      if (key !== undefined) {
        const stale = state.ring.findIndex((old) => snapshotKey(topic, old.data) === key);
        if (stale !== -1) state.ring.splice(stale, 1);
      }
      state.ring.push(frame);
      if (state.ring.length > this.#ringSize) {
        const evicted = state.ring.splice(0, state.ring.length - this.#ringSize);
        state.evictedThrough = evicted[evicted.length - 1]!.seq;
      }
    }
    for (const subscriber of this.#subscribers.get(topic) ?? []) subscriber.send(frame);
    return frame;
  }

  /** Adds a subscriber and returns what it missed since `sinceSeq` (nothing when omitted). */
  subscribe(topic: Topic, subscriber: Subscriber, sinceSeq?: number): SubscribeOutcome {
    let set = this.#subscribers.get(topic);
    if (!set) {
      set = new Set();
      this.#subscribers.set(topic, set);
    }
    set.add(subscriber);
    let topics = this.#topicsOf.get(subscriber);
    if (!topics) {
      topics = new Set();
      this.#topicsOf.set(subscriber, topics);
    }
    topics.add(topic);
    const source = this.#sourceFor(topic);
    if (source) {
      const seq = source.lastSeq(topic);
      if (sinceSeq === undefined) return { seq, replay: [], gap: false };
      if (sinceSeq > seq) return { seq, replay: source.readFrom(topic, 0), gap: true };
      return { seq, replay: source.readFrom(topic, sinceSeq), gap: false };
    }
    // Looked up, not created: subscribing to a topic nobody publishes on must leave nothing behind.
    const state = this.#topics.get(topic) ?? { seq: 0, ring: [], evictedThrough: 0 };
    if (sinceSeq === undefined) return { seq: state.seq, replay: [], gap: false };
    // sinceSeq ahead of us: the agent restarted and numbering began again.
    // Behind what the full ring dropped: events were lost. (A snapshot
    // replaced by a newer one with the same key is not lost.)
    const gap = sinceSeq > state.seq || sinceSeq < state.evictedThrough;
    const replay = gap ? [...state.ring] : state.ring.filter((frame) => frame.seq > sinceSeq);
    return { seq: state.seq, replay, gap };
  }

  unsubscribe(topic: Topic, subscriber: Subscriber): boolean {
    const set = this.#subscribers.get(topic);
    const had = set?.delete(subscriber) ?? false;
    if (set && set.size === 0) {
      this.#subscribers.delete(topic);
      if (had) for (const listener of this.#idleListeners) listener(topic);
    }
    const topics = this.#topicsOf.get(subscriber);
    topics?.delete(topic);
    if (topics && topics.size === 0) this.#topicsOf.delete(subscriber);
    return had;
  }

  /** Drops a subscriber from every topic (its connection closed). */
  removeSubscriber(subscriber: Subscriber): void {
    for (const topic of [...(this.#topicsOf.get(subscriber) ?? [])]) this.unsubscribe(topic, subscriber);
  }

  /** How many topics this subscriber follows. */
  topicCount(subscriber: Subscriber): number {
    return this.#topicsOf.get(subscriber)?.size ?? 0;
  }

  isSubscribed(topic: Topic, subscriber: Subscriber): boolean {
    return this.#subscribers.get(topic)?.has(subscriber) ?? false;
  }

  /** Topics with bookkeeping of any kind (subscribers or an event ring): what the hub holds in memory. */
  get topicsHeld(): number {
    return new Set([...this.#subscribers.keys(), ...this.#topics.keys()]).size;
  }

  subscriberCount(topic: Topic): number {
    return this.#subscribers.get(topic)?.size ?? 0;
  }

  #ring(topic: Topic): RingTopic {
    let state = this.#topics.get(topic);
    if (!state) {
      state = { seq: 0, ring: [], evictedThrough: 0 };
      this.#topics.set(topic, state);
    }
    return state;
  }

  #sourceFor(topic: Topic): TopicSource | undefined {
    const own = this.#topicSources.get(topic);
    if (own) return own;
    const colon = topic.indexOf(':');
    return colon === -1 ? undefined : this.#sources.get(topic.slice(0, colon));
  }
}
