import type { AgentClient } from '../../shared/agent-client.js';
import { errorText } from '../../shared/error-text.js';
import {
  type EventFrame,
  eventData,
  type TerminalEvent,
  type Topic,
  type TopicEvent,
  type TopicKind,
  topicKind,
} from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import { RingBuffer } from '../terminal/ring-buffer.js';
import { SCROLLBACK_CHARS } from '../terminal/terminals.js';
import type { Found } from './remote-lists.js';
import { type OwnerRef, topicOwnerRef } from './route.js';
import { topicRules } from './topic-rules.js';

/**
 * Relayed events of one remote session kept here, the newest: a client that
 * missed only these is replayed from here, and any client from here while the
 * remote is unreachable. Older ones are read from the remote a page at a time.
 */
const SESSION_RING = 200;
/** The most events one page read from a remote holds (session.events's most). */
const PAGE_EVENTS = 5_000;
/** The most bytes session.events pages (shared/protocol.ts). */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** How long a remote topic nobody here follows any more is still followed (a popup reopened soon needs no replay). */
export const RELEASE_IDLE_MS = 60_000;

/** Followed on every remote while it is connected: their events are everyone's. */
const ALWAYS_FOLLOWED: Topic[] = ['board', 'ratchet'];

/**
 * What is kept here of a remote's session or terminal, so the local hub
 * replays it with the remote's seqs (this machine's own sessions and
 * terminals number those topics here: a relayed one is served by this).
 */
interface Kept {
  add(frame: EventFrame): void;
  readFrom(topic: Topic, since: number, lastSeq: number): EventFrame[];
}

/** A session's relayed events, the newest SESSION_RING of them (the remote keeps the whole transcript). */
class SessionEvents implements Kept {
  #frames: EventFrame[] = [];

  add(frame: EventFrame): void {
    this.#frames.push(frame);
    if (this.#frames.length > SESSION_RING) this.#frames.shift();
  }

  /** Forgets what is kept (events are missing after it: a drop). */
  clear(): void {
    this.#frames = [];
  }

  /** Whether every event after `since`, up to the last one relayed, is kept here. */
  covers(since: number, lastSeq: number): boolean {
    const oldest = this.#frames[0]?.seq;
    return since >= lastSeq || (oldest !== undefined && oldest <= since + 1);
  }

  readFrom(_topic: Topic, since: number): EventFrame[] {
    return this.#frames.filter((frame) => frame.seq > since);
  }
}

/** A terminal's screen, as the remote keeps it: a reattaching client gets it as one snapshot, then live output. */
class TerminalScreen implements Kept {
  #screen = new RingBuffer(SCROLLBACK_CHARS);
  #exitCode: number | undefined;

  add(frame: EventFrame): void {
    // Checked against the terminal topic's schema before it is kept (#read).
    const event = frame.data as TerminalEvent;
    if (event.kind === 'exit') this.#exitCode = event.exitCode;
    else {
      // A snapshot is the whole screen (the remote's answer to following from an older seq).
      if (event.kind === 'snapshot') this.#screen = new RingBuffer(SCROLLBACK_CHARS);
      this.#screen.push(event.data);
    }
  }

  readFrom(topic: Topic, since: number, lastSeq: number): EventFrame[] {
    if (since >= lastSeq) return [];
    const data: TerminalEvent = {
      kind: 'snapshot',
      data: this.#screen.toString(),
      ...(this.#exitCode !== undefined ? { exitCode: this.#exitCode } : {}),
    };
    return [{ type: 'event', topic, seq: lastSeq, data }];
  }
}

/** One topic this agent follows on a remote for its own subscribers. */
interface Upstream {
  machine: string;
  topic: Topic;
  /** The last seq relayed: anything at or below it is a duplicate (a replay after a reconnect). */
  lastSeq: number;
  /** For session and terminal topics: what is kept for local replay (of a session, only its newest events). */
  kept?: Kept;
  /** While a session is followed again after a drop: its live events, held until its catch-up is set up (#catchUp). */
  held?: EventFrame[] | undefined;
}

export interface RelayedTopicsDeps {
  hub: EventHub;
  log: Logger;
  /** Which machine owns what a topic names: `local`, or a remote's name. */
  ownerOf: (ref: OwnerRef) => Promise<string>;
  /** The remote's connection while it is up. */
  clientOf: (machine: string) => AgentClient | undefined;
  /** What a relayed event showed the remote owns. */
  learn: (machine: string, found: Found) => void;
  releaseIdleMs?: number;
}

/**
 * The remotes' events republished here on the same topics: each topic
 * followed once on the machine that owns it (`board` and `ratchet` on every
 * remote), resubscribed with its last seq after a drop, so local subscribers
 * see nothing lost or doubled. A session keeps the remote transcript's seqs,
 * and its replay to a local client is read from the remote's transcript a
 * page at a time, each page once the client has read the one before (the
 * local hub's paging of any sourced topic): any size replays, and this agent
 * holds a page of it, not the transcript.
 */
export class RelayedTopics {
  readonly #deps: RelayedTopicsDeps;
  readonly #releaseIdleMs: number;
  /** `<machine>|<topic>` → what was relayed. */
  readonly #upstream = new Map<string, Upstream>();
  /** Idle remote topics, released when their timer fires unless someone subscribed again. */
  readonly #releasing = new Map<Topic, NodeJS.Timeout>();
  /** Topics whose unreadable events were already logged (once each, not once per event). */
  readonly #unreadable = new Set<string>();

  constructor(deps: RelayedTopicsDeps) {
    this.#deps = deps;
    this.#releaseIdleMs = deps.releaseIdleMs ?? RELEASE_IDLE_MS;
    deps.hub.onIdle((topic) => this.#idle(topic));
  }

  /** After a (re)connect: every followed topic of that remote again, from its last seq. */
  async resume(machine: string, client: AgentClient, restarted: boolean): Promise<void> {
    const topics = new Set<Topic>(ALWAYS_FOLLOWED);
    for (const upstream of this.#upstream.values())
      if (upstream.machine === machine) topics.add(upstream.topic);
    for (const topic of topics) {
      if (this.#deps.clientOf(machine) !== client) return;
      const upstream = this.#upstreamOf(machine, topic);
      // A restarted agent numbers its in-memory topics anew; transcripts keep theirs.
      if (restarted && topicKind(topic) !== 'session') upstream.lastSeq = 0;
      if (upstream.kept instanceof SessionEvents) await this.#catchUp(client, upstream, upstream.kept);
      else await this.#follow(client, upstream);
    }
  }

  /**
   * A session after a drop: followed live again, and what it wrote meanwhile
   * replayed to the subscribers here from its transcript, a page at a time as
   * they read (relayed at once, a long drop of a busy session could be more
   * than a client may have unread). Its live events wait until that is set up.
   */
  async #catchUp(client: AgentClient, upstream: Upstream, kept: SessionEvents): Promise<void> {
    const relayed = upstream.lastSeq;
    upstream.held = [];
    let held: EventFrame[] = [];
    try {
      await this.#follow(client, upstream, 'live');
    } catch (error) {
      // Followed again from the same place on the next connect.
      upstream.lastSeq = relayed;
      throw error;
    } finally {
      held = upstream.held;
      upstream.held = undefined;
    }
    if ((held[0]?.seq ?? upstream.lastSeq + 1) > relayed + 1 && upstream.lastSeq > relayed) {
      // Events are missing after what is kept: it no longer serves a replay from before the drop.
      kept.clear();
      this.#deps.hub.catchUp(upstream.topic, relayed);
    }
    // After the catch-up's start: subscribers replayed get them in its pages, the others now.
    for (const frame of held) this.#keepAndPublish(kept, frame);
  }

  /**
   * Follows a topic whose events start with an answer (a workspace just
   * made, a terminal just opened) from its first event, before that answer
   * is given. Released later like any, if nobody here subscribes.
   */
  async followFromStart(machine: string, client: AgentClient, topic: Topic): Promise<void> {
    if (this.#upstream.has(`${machine}|${topic}`)) return;
    await this.#follow(client, this.#upstreamOf(machine, topic), 0);
    if (this.#deps.hub.subscriberCount(topic) === 0) this.#idle(topic);
  }

  /**
   * Before a local client subscribes to a topic a remote owns: follow it on
   * the remote (once), so the local hub replays it with the remote's seqs
   * (a session's from the remote's transcript, #replayFrom).
   */
  async prepare(topic: Topic, sinceSeq: number | undefined): Promise<void> {
    const ref = topicOwnerRef(topic);
    if (!ref) return;
    clearTimeout(this.#releasing.get(topic));
    this.#releasing.delete(topic);
    const machine = await this.#deps.ownerOf(ref);
    if (machine === 'local') return;
    if (this.#upstream.has(`${machine}|${topic}`)) return;
    const upstream = this.#upstreamOf(machine, topic);
    const client = this.#deps.clientOf(machine);
    if (!client) return; // replayed from what was relayed; followed again on reconnect
    // A terminal from where the local client is (the remote answers with its screen); a session live.
    await this.#follow(
      client,
      upstream,
      upstream.kept instanceof TerminalScreen && sinceSeq !== undefined ? sinceSeq : 'live',
    );
  }

  /** What this agent follows on remotes for its subscribers (for tests and diagnostics). */
  followedTopics(): string[] {
    return [...this.#upstream.keys()];
  }

  #upstreamOf(machine: string, topic: Topic): Upstream {
    const key = `${machine}|${topic}`;
    let upstream = this.#upstream.get(key);
    if (!upstream) {
      const kind = topicKind(topic);
      const kept =
        kind === 'session' ? new SessionEvents() : kind === 'terminal' ? new TerminalScreen() : undefined;
      const created: Upstream = { machine, topic, lastSeq: 0, ...(kept ? { kept } : {}) };
      if (kept)
        this.#deps.hub.registerTopicSource(topic, {
          lastSeq: () => created.lastSeq,
          readFrom: (_topic, since, maxBytes) => this.#replayFrom(created, kept, since, maxBytes),
        });
      this.#upstream.set(key, created);
      upstream = created;
    }
    return upstream;
  }

  /** Follows a topic on the remote from `since` (default: after what was relayed; live only when nothing was). */
  async #follow(
    client: AgentClient,
    upstream: Upstream,
    since: number | 'live' = upstream.lastSeq > 0 ? upstream.lastSeq : 'live',
  ): Promise<void> {
    const from = since === 'live' ? undefined : since;
    if (from !== undefined) upstream.lastSeq = from;
    const result = await client.subscribe(upstream.topic, (frame) => this.#relay(upstream, frame), from);
    // Live only: what comes after this seq is what a reconnect must resume from.
    if (from === undefined) upstream.lastSeq = Math.max(upstream.lastSeq, result.seq);
  }

  /** One event from a remote, checked against its topic's schema, republished here once. */
  #relay(upstream: Upstream, frame: EventFrame): void {
    if (frame.seq <= upstream.lastSeq) return;
    upstream.lastSeq = frame.seq;
    const kind = topicKind(frame.topic);
    const data = kind && this.#read(kind, upstream.machine, frame);
    if (data === undefined) {
      // Only a remote of another ff version sends what this one cannot read; its clients could not read it either.
      if (!this.#unreadable.has(frame.topic))
        this.#deps.log.warn(
          `Dropped an event of ${frame.topic} from ${upstream.machine} that ff cannot read`,
        );
      this.#unreadable.add(frame.topic);
      return;
    }
    if (upstream.held) upstream.held.push({ ...frame, data });
    else if (upstream.kept) this.#keepAndPublish(upstream.kept, { ...frame, data });
    // In-memory topics are numbered here: a remote that restarts numbers its own anew. (Checked in #read:
    // the hub cannot tie a runtime topic to its payload type.)
    else this.#deps.hub.publish(frame.topic, data as never);
  }

  /** A relayed event of a session or terminal: kept for replays here, and published with the remote's seq. */
  #keepAndPublish(kept: Kept, frame: EventFrame): void {
    kept.add(frame);
    // Checked against the topic's schema in #read (the hub cannot tie a runtime topic to its payload type).
    this.#deps.hub.publish(frame.topic, frame.data as never, frame.seq);
  }

  #read<K extends TopicKind>(kind: K, machine: string, frame: EventFrame): TopicEvent<K> | undefined {
    const event = eventData(kind, frame);
    if (event === undefined) return undefined;
    const rule: (typeof topicRules)[K] = topicRules[kind];
    const stamped = rule.stamp ? rule.stamp(event, machine) : event;
    if (rule.found) this.#deps.learn(machine, rule.found(stamped));
    return stamped;
  }

  /**
   * The last local subscriber of a remote's workspace, session or terminal
   * left: after a grace period, stop following it there and drop what was
   * relayed (a session's up to SESSION_RING events). The remote keeps the
   * transcript, so a later subscriber is replayed from it.
   */
  #idle(topic: Topic): void {
    if (!topicOwnerRef(topic) || this.#releasing.has(topic)) return;
    const timer = setTimeout(() => {
      this.#releasing.delete(topic);
      if (this.#deps.hub.subscriberCount(topic) > 0) return;
      for (const [key, upstream] of this.#upstream) {
        if (upstream.topic !== topic) continue;
        this.#upstream.delete(key);
        this.#deps.hub.unregisterTopicSource(topic);
        this.#deps
          .clientOf(upstream.machine)
          ?.unsubscribe(topic)
          .catch((error: unknown) =>
            // Harmless: the remote drops its subscriptions with the connection anyway.
            this.#deps.log.info(`Could not release ${topic} on ${upstream.machine}: ${errorText(error)}`),
          );
        this.#deps.log.info(`No one here follows ${topic} any more: released on ${upstream.machine}`);
      }
    }, this.#releaseIdleMs);
    timer.unref();
    this.#releasing.set(topic, timer);
  }

  /**
   * A local replay's next events after `since`: a session's from the remote's
   * transcript, about `maxBytes` (what is kept here when it holds them all,
   * or while the remote is unreachable); a terminal's one snapshot.
   */
  #replayFrom(
    upstream: Upstream,
    kept: Kept,
    since: number,
    maxBytes: number | undefined,
  ): EventFrame[] | Promise<EventFrame[]> {
    const client = this.#deps.clientOf(upstream.machine);
    if (!(kept instanceof SessionEvents) || !client || kept.covers(since, upstream.lastSeq))
      return kept.readFrom(upstream.topic, since, upstream.lastSeq);
    return this.#pageOf(client, upstream, since, maxBytes);
  }

  /** One page of a remote session's transcript after `since`, up to the last event relayed here. */
  async #pageOf(
    client: AgentClient,
    upstream: Upstream,
    since: number,
    maxBytes: number | undefined,
  ): Promise<EventFrame[]> {
    const page = await client.call('session.events', {
      sessionId: upstream.topic.slice('session:'.length),
      sinceSeq: since,
      limit: PAGE_EVENTS,
      oldestFirst: true,
      ...(maxBytes !== undefined && Number.isFinite(maxBytes)
        ? { maxBytes: Math.min(Math.max(1, Math.round(maxBytes)), MAX_PAGE_BYTES) }
        : {}),
    });
    const frames: EventFrame[] = [];
    for (const { seq, event } of page.events) {
      // Not relayed yet: it comes live, after this replay (the hub holds live events back until then).
      if (seq > upstream.lastSeq) break;
      frames.push({ type: 'event', topic: upstream.topic, seq, data: event });
    }
    return frames;
  }
}
