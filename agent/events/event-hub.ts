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
  /**
   * Events after `sinceSeq`, in order. A source that pages (a transcript)
   * returns only the first, about `maxBytes` of them and at least one while
   * any are left; one that does not returns all. One that must ask for them
   * (a remote's session) answers later: none of its pages is read at once.
   */
  readFrom(topic: Topic, sinceSeq: number, maxBytes?: number): EventFrame[] | Promise<EventFrame[]>;
}

/**
 * The rest of a sourced topic's replay, a page at a time. Until its last
 * page is sent, live events of the topic are held back from the subscriber
 * (they are in the source, and come in a later page): so it gets everything
 * once, in order, without the replay being read at once.
 */
export interface ReplayPages {
  /**
   * Reads the next page, about `maxBytes`, and sends it to the subscriber;
   * nothing once done (caught up, or the subscription ended or was replaced).
   * Rejects when the source could not be read: the subscriber has a hole.
   */
  sendNext(maxBytes: number): Promise<void>;
  readonly done: boolean;
}

export interface SubscribeOutcome {
  seq: number;
  /** The first of what it missed: all of it for in-memory topics, the first page for sourced ones. */
  replay: EventFrame[];
  /** Present while a sourced topic has more to replay: the subscriber is live once it is done. */
  more?: ReplayPages;
  /** How many seqs the replay covers: events in (seq - replayed, seq], some possibly skipped (a terminal's one snapshot). */
  replayed: number;
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
  /** Sends the pages of a replay catchUp starts (the server's subscriptions, which know its sockets). */
  #replayer: ((subscriber: Subscriber, topic: Topic, pages: ReplayPages) => void) | undefined;
  /** Subscribers still being replayed a sourced topic: live events of it wait in the source for them. */
  readonly #catchingUp = new Map<Subscriber, Map<Topic, ReplayPages>>();

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

  /** Calls `replayer` with each replay `catchUp` starts: it sends the pages as the subscriber reads them. */
  onReplay(replayer: (subscriber: Subscriber, topic: Topic, pages: ReplayPages) => void): void {
    this.#replayer = replayer;
  }

  /**
   * Replays a sourced topic to each of its subscribers from `sinceSeq`, the
   * last seq they were sent: events its source got without their being
   * published here (a remote session's, written while the link was down)
   * come a page at a time, and live ones after them. A subscriber with a
   * replay under way gets them in it.
   */
  catchUp(topic: Topic, sinceSeq: number): void {
    const source = this.#sourceFor(topic);
    const replayer = this.#replayer;
    if (!source || !replayer) return;
    for (const subscriber of this.#subscribers.get(topic) ?? []) {
      if (this.#catchingUp.get(subscriber)?.has(topic)) continue;
      replayer(subscriber, topic, this.#replayPages(topic, subscriber, source, sinceSeq).pages);
    }
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
    for (const subscriber of this.#subscribers.get(topic) ?? [])
      if (!this.#catchingUp.get(subscriber)?.has(topic)) subscriber.send(frame);
    return frame;
  }

  /**
   * Adds a subscriber and returns what it missed since `sinceSeq` (nothing
   * when omitted). A sourced topic's replay starts with about `pageBytes`;
   * the rest comes from `more`.
   */
  subscribe(
    topic: Topic,
    subscriber: Subscriber,
    sinceSeq?: number,
    pageBytes = Number.POSITIVE_INFINITY,
  ): SubscribeOutcome {
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
    // A subscription again (a client repairing a gap) replaces a replay still under way.
    this.#caughtUp(subscriber, topic);
    const source = this.#sourceFor(topic);
    if (source) {
      const seq = source.lastSeq(topic);
      if (sinceSeq === undefined || sinceSeq === seq) return { seq, replay: [], replayed: 0, gap: false };
      const gap = sinceSeq > seq;
      const from = gap ? 0 : sinceSeq;
      const { replay, pages } = this.#replayPages(topic, subscriber, source, from, pageBytes);
      return { seq, replay, ...(pages.done ? {} : { more: pages }), replayed: seq - from, gap };
    }
    // Looked up, not created: subscribing to a topic nobody publishes on must leave nothing behind.
    const state = this.#topics.get(topic) ?? { seq: 0, ring: [], evictedThrough: 0 };
    if (sinceSeq === undefined) return { seq: state.seq, replay: [], replayed: 0, gap: false };
    // sinceSeq ahead of us: the agent restarted and numbering began again.
    // Behind what the full ring dropped: events were lost. (A snapshot
    // replaced by a newer one with the same key is not lost.)
    const gap = sinceSeq > state.seq || sinceSeq < state.evictedThrough;
    const replay = gap ? [...state.ring] : state.ring.filter((frame) => frame.seq > sinceSeq);
    return { seq: state.seq, replay, replayed: replay.length, gap };
  }

  /** The first page of a replay, about `pageBytes` (none yet when the source answers later, or without them), and the rest. */
  #replayPages(
    topic: Topic,
    subscriber: Subscriber,
    source: TopicSource,
    from: number,
    pageBytes?: number,
  ): { replay: EventFrame[]; pages: ReplayPages } {
    let cursor = from;
    let done = false;
    let firstRead: Promise<EventFrame[]> | undefined;
    // A page as it is taken: the one that catches up makes the subscriber live, right after its own events.
    const take = (frames: EventFrame[]): EventFrame[] => {
      if (done) return [];
      if (this.#catchingUp.get(subscriber)?.get(topic) !== pages) {
        done = true;
        return [];
      }
      cursor = frames[frames.length - 1]?.seq ?? cursor;
      // Caught up: from here on it gets live events, the next of which is after `cursor`.
      if (frames.length === 0 || cursor >= source.lastSeq(topic)) {
        done = true;
        this.#caughtUp(subscriber, topic);
      }
      return frames;
    };
    const pages: ReplayPages = {
      get done() {
        return done;
      },
      sendNext: async (maxBytes) => {
        if (done) return;
        const read = firstRead ?? source.readFrom(topic, cursor, maxBytes);
        firstRead = undefined;
        // Taken and sent in one go, with nothing in between that could publish.
        for (const frame of take(await read)) subscriber.send(frame);
      },
    };
    let replaying = this.#catchingUp.get(subscriber);
    if (!replaying) {
      replaying = new Map();
      this.#catchingUp.set(subscriber, replaying);
    }
    replaying.set(topic, pages);
    if (pageBytes === undefined) return { replay: [], pages };
    const first = source.readFrom(topic, from, pageBytes);
    if (Array.isArray(first)) return { replay: take(first), pages };
    firstRead = first;
    // Its failure is the first sendNext's: not an unhandled rejection meanwhile.
    first.catch(() => {});
    return { replay: [], pages };
  }

  #caughtUp(subscriber: Subscriber, topic: Topic): void {
    const replaying = this.#catchingUp.get(subscriber);
    if (!replaying?.delete(topic)) return;
    if (replaying.size === 0) this.#catchingUp.delete(subscriber);
  }

  unsubscribe(topic: Topic, subscriber: Subscriber): boolean {
    const set = this.#subscribers.get(topic);
    const had = set?.delete(subscriber) ?? false;
    this.#caughtUp(subscriber, topic);
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
