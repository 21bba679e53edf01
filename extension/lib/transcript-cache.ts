/**
 * The chats' transcript cache, in the extension's localStorage: a reopened
 * popup reads it synchronously as the chat mounts (chrome.storage would
 * cost a round trip to the browser process and a structured clone of
 * thousands of events first), then asks the agent only for what is newer.
 * The most recently shown sessions are kept; when the origin's quota is
 * reached, the oldest go first.
 */
const PREFIX = 'ff.transcript.';
const SCROLL_PREFIX = 'ff.scroll.';
const INDEX_KEY = 'ff.transcript-index';
const KEEP_SESSIONS = 20;
/**
 * The cached events' shape. Bumped when it changes (2: a CLI line is the
 * agent's entries, no longer the line): caches of another shape are dropped
 * once, and the agent replays.
 */
const FORMAT = '2';
const FORMAT_KEY = 'ff.transcript-format';

function dropOtherFormats(storage: Storage): void {
  if (storage.getItem(FORMAT_KEY) === FORMAT) return;
  for (const id of readIndex(storage)) forget(id, storage);
  storage.removeItem(INDEX_KEY);
  try {
    storage.setItem(FORMAT_KEY, FORMAT);
  } catch {
    // Over quota even now: asked again next time.
  }
}

/**
 * The newest events are kept under a key of their own: a reopened popup
 * parses only them before its first paint (a long chat's 2,000 events
 * cost more to parse than the popup has for its first frame), and the
 * older ones after it.
 */
const TAIL_PREFIX = 'ff.transcript-tail.';
export const TAIL_EVENTS = 300;

/**
 * A cached array of events. Only this module writes these keys, from events
 * the worker checked against their schema, under this FORMAT; checking each
 * again here would load zod into the popup's first paint, which it keeps
 * small. So the shape is trusted by FORMAT (a change of shape bumps it and
 * drops the old caches), and anything but an array is no cache.
 */
function readArray<T>(storage: Storage, key: string): T[] {
  const raw = storage.getItem(key);
  const parsed: unknown = raw ? JSON.parse(raw) : [];
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

/** Every cached event of a session, oldest first. */
export function readTranscriptCache<T>(sessionId: string, storage: Storage = localStorage): T[] {
  try {
    dropOtherFormats(storage);
    return [...readArray<T>(storage, PREFIX + sessionId), ...readArray<T>(storage, TAIL_PREFIX + sessionId)];
  } catch {
    return []; // unreadable: the agent replays everything
  }
}

/**
 * The newest cached events (at most TAIL_EVENTS) and whether they are all
 * there is; `readTranscriptOlder` brings the rest, after the first paint.
 */
export function readTranscriptTail<T>(
  sessionId: string,
  storage: Storage = localStorage,
): { events: T[]; complete: boolean } {
  try {
    dropOtherFormats(storage);
    const events = readArray<T>(storage, TAIL_PREFIX + sessionId);
    if (events.length === 0) return { events: readTranscriptCache<T>(sessionId, storage), complete: true };
    return { events, complete: storage.getItem(PREFIX + sessionId) === null };
  } catch {
    return { events: [], complete: true };
  }
}

/** The cached events older than the tail. */
export function readTranscriptOlder<T>(sessionId: string, storage: Storage = localStorage): T[] {
  try {
    return readArray<T>(storage, PREFIX + sessionId);
  } catch {
    return [];
  }
}

export function writeTranscriptCache(
  sessionId: string,
  events: readonly unknown[],
  storage: Storage = localStorage,
): void {
  dropOtherFormats(storage);
  const index = readIndex(storage).filter((id) => id !== sessionId);
  index.unshift(sessionId);
  for (const id of index.splice(KEEP_SESSIONS)) forget(id, storage);
  const split = Math.max(0, events.length - TAIL_EVENTS);
  const older = split > 0 ? JSON.stringify(events.slice(0, split)) : undefined;
  const tail = JSON.stringify(events.slice(split));
  for (;;) {
    try {
      if (older === undefined) storage.removeItem(PREFIX + sessionId);
      else storage.setItem(PREFIX + sessionId, older);
      storage.setItem(TAIL_PREFIX + sessionId, tail);
      break;
    } catch {
      // Over quota: drop the least recently shown session's cache and try again; alone, give up.
      const oldest = index.length > 1 ? index.pop() : undefined;
      if (!oldest) {
        forget(sessionId, storage);
        index.shift();
        break;
      }
      forget(oldest, storage);
    }
  }
  storage.setItem(INDEX_KEY, JSON.stringify(index));
}

function readIndex(storage: Storage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(INDEX_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

function forget(sessionId: string, storage: Storage): void {
  storage.removeItem(PREFIX + sessionId);
  storage.removeItem(TAIL_PREFIX + sessionId);
  storage.removeItem(SCROLL_PREFIX + sessionId);
}

/** Where a chat was scrolled: at the bottom (following new messages), or an item (by seq) this far below the top. */
export interface ScrollSpot {
  atBottom: boolean;
  seq?: number;
  offset?: number;
}

export function readScrollSpot(sessionId: string, storage: Storage = localStorage): ScrollSpot | undefined {
  try {
    return scrollSpotFrom(JSON.parse(storage.getItem(SCROLL_PREFIX + sessionId) ?? 'null'));
  } catch {
    return undefined;
  }
}

/** A stored scroll spot, whatever storage holds: only its own fields, each of its own type. */
function scrollSpotFrom(stored: unknown): ScrollSpot | undefined {
  if (typeof stored !== 'object' || stored === null || !('atBottom' in stored)) return undefined;
  if (typeof stored.atBottom !== 'boolean') return undefined;
  const seq = 'seq' in stored && Number.isInteger(stored.seq) ? Number(stored.seq) : undefined;
  const offset = 'offset' in stored && typeof stored.offset === 'number' ? stored.offset : undefined;
  return {
    atBottom: stored.atBottom,
    ...(seq === undefined ? {} : { seq }),
    ...(offset === undefined ? {} : { offset }),
  };
}

export function writeScrollSpot(sessionId: string, spot: ScrollSpot, storage: Storage = localStorage): void {
  try {
    storage.setItem(SCROLL_PREFIX + sessionId, JSON.stringify(spot));
  } catch {
    // Over quota: the chat opens at the bottom, as it would anyway.
  }
}
