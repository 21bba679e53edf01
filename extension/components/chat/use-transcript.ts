import { type Signal, useSignal } from '@preact/signals';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import type { AgentPort } from '../../lib/agent-port.js';
import { changesSessionView, followFrom, withNewEvents, withOlderEvents } from '../../lib/chat-events.js';
import { afterFirstPaint, hasPainted } from '../../lib/first-paint.js';
import { followSession, type SessionEntry } from '../../lib/session-feed.js';
import { readTranscriptOlder, readTranscriptTail, writeTranscriptCache } from '../../lib/transcript-cache.js';

/** A pause in the stream this long (ms) writes the cache; the popup closing writes it at once. */
const SAVE_AFTER_MS = 300;

export interface Transcript {
  /** The session's events, oldest first (at most MAX_CACHED). */
  events: Signal<SessionEntry[]>;
  /** Whether `events` holds all of the cache (its older part is read, or there was none). */
  isComplete(): boolean;
  /** Reads the cached events older than those painted first (once; a no-op after). */
  readOlder(): void;
}

/**
 * One session's events: the newest cached ones in the first frame (read as
 * the chat mounts, it is keyed by session), the older cached ones when asked
 * (`readOlder`), then the agent's from the last cached seq on, in the
 * worker's batches (one render each). What arrives before the first frame
 * waits for it, so the cached chat paints first. The cache is written after
 * a pause in the stream, and at once when the page hides (a popup closes the
 * moment it loses focus). Each new `resumeKey` follows the session again
 * from its last event; `onViewChange` hears of a batch that changes what
 * `session.get` says.
 */
export function useTranscript(
  agent: AgentPort,
  sessionId: string,
  resumeKey: string,
  onViewChange: () => void,
): Transcript {
  const cached = useMemo(() => readTranscriptTail<SessionEntry>(sessionId), [sessionId]);
  const events = useSignal<SessionEntry[]>(cached.events);
  const complete = useRef(cached.complete);
  const viewChanged = useRef(onViewChange);
  viewChanged.current = onViewChange;
  const transcript = useMemo<Transcript>(
    () => ({
      events,
      isComplete: () => complete.current,
      readOlder: () => {
        if (complete.current) return;
        complete.current = true;
        events.value = withOlderEvents(events.value, readTranscriptOlder<SessionEntry>(sessionId));
      },
    }),
    [sessionId],
  );

  // A layout effect: the subscription goes out before the first paint, so the agent's answer overlaps it.
  useLayoutEffect(() => {
    let save: ReturnType<typeof setTimeout> | undefined;
    // The cache must keep the older events too: they are read before it is written.
    const keep = () => {
      clearTimeout(save);
      transcript.readOlder();
      writeTranscriptCache(sessionId, events.value);
    };
    const early: SessionEntry[] = [];
    let cancelEarly: (() => void) | undefined;
    const apply = (batch: SessionEntry[]) => {
      if (!hasPainted()) {
        early.push(...batch);
        cancelEarly ??= afterFirstPaint(() => apply(early.splice(0)));
        return;
      }
      events.value = withNewEvents(events.value, batch);
      clearTimeout(save);
      save = setTimeout(keep, SAVE_AFTER_MS);
      if (changesSessionView(batch)) viewChanged.current();
    };
    const unsubscribe = followSession(agent, sessionId, followFrom(events.value), {
      loaded: (loaded) => {
        complete.current = true;
        events.value = loaded;
      },
      events: apply,
    });
    addEventListener('pagehide', keep);
    return () => {
      cancelEarly?.();
      unsubscribe();
      removeEventListener('pagehide', keep);
      keep();
    };
  }, [agent, sessionId, resumeKey]);

  return transcript;
}
