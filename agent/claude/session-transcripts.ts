import { join } from 'node:path';
import { type ClaudeLine, lineForTranscript } from '../../shared/claude-messages.js';
import type { SessionEvent } from '../../shared/protocol.js';
import type { ClaudeEntry } from '../../shared/transcript-entry.js';
import type { EventHub } from '../events/event-hub.js';
import { type TranscriptEntry, TranscriptLog } from '../store/transcript-log.js';
import { type OwnEventData, sessionEventOf } from './session-event.js';
import { undeliveredMessages } from './session-status.js';

/** Open transcripts past which those of sessions without a process are closed (file descriptors). */
const MAX_OPEN_TRANSCRIPTS = 200;
/** About how much JSON session.events answers with at most (the browser relays it in one message). */
const EVENTS_BYTES = 4 * 1024 * 1024;
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface EventsPage {
  events: Array<{ seq: number; event: SessionEvent }>;
  firstSeq: number;
  lastSeq: number;
}

/**
 * Each session's transcript (`transcripts/<id>.jsonl`): every event is
 * appended there first (after `append` returns it is on disk), then
 * published on `session:<id>` with the transcript's seq. The hub replays the
 * topic from here, so a session's seqs are its transcript's.
 */
export class SessionTranscripts {
  readonly #dir: string;
  readonly #hub: EventHub;
  /** Whether a session with this id is on record (a transcript is only opened for one). */
  readonly #known: (id: string) => boolean;
  /** Whether its process runs (its transcript stays open). */
  readonly #live: (id: string) => boolean;
  readonly #open = new Map<string, TranscriptLog>();

  constructor(deps: {
    dir: string;
    hub: EventHub;
    known: (id: string) => boolean;
    live: (id: string) => boolean;
  }) {
    this.#dir = deps.dir;
    this.#hub = deps.hub;
    this.#known = deps.known;
    this.#live = deps.live;
    this.#hub.registerSource('session', {
      lastSeq: (topic) => this.lastSeq(topic.slice('session:'.length)),
      // A page at a time (about maxBytes of lines): a subscriber's replay is never read whole.
      readFrom: (topic, since, maxBytes) => {
        const log = this.#ifExists(topic.slice('session:'.length));
        return (log?.readFrom(since, maxBytes === undefined ? {} : { bytes: maxBytes }) ?? []).map(
          (entry) => ({
            type: 'event',
            topic,
            seq: entry.seq,
            data: sessionEventOf(entry.data, entry.ts),
          }),
        );
      },
    });
  }

  lastSeq(id: string): number {
    return this.#ifExists(id)?.lastSeq ?? 0;
  }

  /** Appends one of ff's own events, then publishes it; returns its seq. */
  append(id: string, data: OwnEventData): number {
    const entry = this.#transcript(id).append(data);
    this.#hub.publish(`session:${id}`, { ...data, ts: entry.ts }, entry.seq);
    return entry.seq;
  }

  /** A CLI line: the transcript keeps it raw, subscribers get its entries. */
  appendClaude(id: string, line: ClaudeLine, entries: ClaudeEntry[]): void {
    const entry = this.#transcript(id).append({ kind: 'claude', line: lineForTranscript(line) });
    this.#hub.publish(`session:${id}`, { kind: 'claude', ts: entry.ts, entries }, entry.seq);
  }

  /**
   * The newest events after `sinceSeq`: at most `limit`, and about EVENTS_BYTES of JSON. Read
   * forward in pages, keeping only the newest EVENTS_BYTES, so an answer costs about its own size.
   */
  page(id: string, sinceSeq: number, limit: number): EventsPage {
    const log = this.#ifExists(id);
    if (!log) return { events: [], firstSeq: 0, lastSeq: 0 };
    const kept: Array<{ seq: number; event: SessionEvent; bytes: number }> = [];
    let head = 0;
    let bytes = 0;
    const lastSeq = log.lastSeq;
    for (const entry of pagedEntries(log, Math.max(sinceSeq, lastSeq - limit))) {
      if (entry.seq > lastSeq) break;
      const event = sessionEventOf(entry.data, entry.ts);
      const size = JSON.stringify(event).length;
      kept.push({ seq: entry.seq, event, bytes: size });
      bytes += size;
      // The oldest leave while the rest still make EVENTS_BYTES (the newest is always kept).
      while (kept.length - head > 1 && bytes - kept[head]!.bytes >= EVENTS_BYTES)
        bytes -= kept[head++]!.bytes;
      if (head > 1024) {
        kept.splice(0, head);
        head = 0;
      }
    }
    const events = kept.slice(head).map(({ seq, event }) => ({ seq, event }));
    return { events, firstSeq: events[0]?.seq ?? lastSeq, lastSeq };
  }

  /**
   * The first events after `sinceSeq`: at most `limit`, and about `maxBytes` of transcript (at
   * least one while any are left). A page of a replay read forward: one read, whatever the size.
   */
  pageFrom(id: string, sinceSeq: number, limit: number, maxBytes = EVENTS_BYTES): EventsPage {
    const log = this.#ifExists(id);
    if (!log) return { events: [], firstSeq: 0, lastSeq: 0 };
    const lastSeq = log.lastSeq;
    const events = log
      .readFrom(sinceSeq, { entries: limit, bytes: Math.min(maxBytes, EVENTS_BYTES) })
      .map((entry) => ({ seq: entry.seq, event: sessionEventOf(entry.data, entry.ts) }));
    return { events, firstSeq: events[0]?.seq ?? lastSeq, lastSeq };
  }

  /**
   * Messages acknowledged to a process that died before it got them: read from
   * the transcript after `deliveredThrough` (before it, every one was delivered).
   */
  undelivered(id: string, deliveredThrough = 0): Array<{ messageId: string; text: string }> {
    const log = this.#ifExists(id);
    return log ? undeliveredMessages(dataOf(pagedEntries(log, deliveredThrough))) : [];
  }

  closeAll(): void {
    for (const log of this.#open.values()) log.close();
    this.#open.clear();
  }

  #transcript(id: string): TranscriptLog {
    let log = this.#open.get(id);
    if (!log) {
      log = TranscriptLog.open(join(this.#dir, `${id}.jsonl`));
      this.#open.set(id, log);
      this.#closeIdle();
    }
    return log;
  }

  #ifExists(id: string): TranscriptLog | undefined {
    if (!SESSION_ID.test(id)) return undefined;
    if (!this.#open.has(id) && !this.#known(id)) return undefined;
    return this.#transcript(id);
  }

  /** Keeps file descriptors bounded: transcripts of sessions without a process are reopened on demand. */
  #closeIdle(): void {
    if (this.#open.size <= MAX_OPEN_TRANSCRIPTS) return;
    for (const [id, log] of this.#open) {
      if (this.#open.size <= MAX_OPEN_TRANSCRIPTS) break;
      if (!this.#live(id)) {
        log.close();
        this.#open.delete(id);
      }
    }
  }
}

/** Every entry after `sinceSeq`, read a page (about EVENTS_BYTES) at a time. */
function* pagedEntries(log: TranscriptLog, sinceSeq: number): Generator<TranscriptEntry> {
  for (let since = sinceSeq; since < log.lastSeq; ) {
    const entries = log.readFrom(since, { bytes: EVENTS_BYTES });
    if (entries.length === 0) return;
    yield* entries;
    since = entries[entries.length - 1]!.seq;
  }
}

function* dataOf(entries: Iterable<TranscriptEntry>): Generator<unknown> {
  for (const entry of entries) yield entry.data;
}
