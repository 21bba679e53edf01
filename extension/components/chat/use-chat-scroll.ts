import type { RefObject } from 'preact';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { followsEnd, restoreStep, spotIn } from '../../lib/chat-scroll.js';
import { readScrollSpot, writeScrollSpot } from '../../lib/transcript-cache.js';

/** A scroll this long without another (ms) notes where the reader is. */
const NOTE_AFTER_MS = 250;

/**
 * Where a chat is scrolled, kept across openings: at the end (following new
 * messages), or a message at the height it was read at. The chat opens there
 * (before its frame paints, so never at the top first), follows its end while
 * the reader is there, and notes the spot as the reader scrolls and when the
 * page hides or the chat goes.
 *
 * `rendered` is what the transcript renders now: its items, how many of the
 * oldest are not rendered (`hidden`), whether all cached events are in
 * (`isComplete`) and anything else that changes their height (the markdown
 * renderer arriving). `reveal(n)` renders the newest n items; `nearTop` is
 * told when the reader scrolls up toward the first rendered ones.
 */
export function useChatScroll(
  sessionId: string,
  list: RefObject<HTMLDivElement>,
  rendered: {
    items: ReadonlyArray<{ seq: number }>;
    hidden: number;
    isComplete(): boolean;
    heights: unknown;
  },
  on: { reveal(shown: number): void; nearTop(): void },
): { onScroll(): void } {
  const spot = useMemo(() => readScrollSpot(sessionId), [sessionId]);
  const stick = useRef(spot?.atBottom ?? true);
  const restored = useRef(!spot || spot.atBottom);
  const lastTop = useRef(0);
  const noteTimer = useRef<ReturnType<typeof setTimeout>>();

  const note = useMemo(
    () => () => {
      const container = list.current;
      if (!container) return;
      const rows = [...container.querySelectorAll<HTMLElement>('[data-seq]')].map((row) => {
        const box = row.getBoundingClientRect();
        return { seq: Number(row.dataset.seq), top: box.top, bottom: box.bottom };
      });
      const now = spotIn(stick.current, container.getBoundingClientRect().top, rows);
      if (now) writeScrollSpot(sessionId, now);
    },
    [sessionId],
  );
  useLayoutEffect(() => {
    addEventListener('pagehide', note);
    return () => {
      removeEventListener('pagehide', note);
      clearTimeout(noteTimer.current);
      note();
    };
  }, [note]);

  // Before the frame paints, so it opens at the end (or where it was left), not at the top first.
  const { items, hidden, isComplete, heights } = rendered;
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (!restored.current && spot?.seq !== undefined) {
      const step = restoreStep({ seq: spot.seq, offset: spot.offset }, items, hidden, isComplete());
      if (step.kind === 'wait') return;
      if (step.kind === 'reveal') return on.reveal(step.shown);
      if (step.kind === 'scroll') {
        // Back where the user left it: that item, at the same height.
        const target = el.querySelector<HTMLElement>(`[data-seq="${step.seq}"]`);
        if (target)
          el.scrollTop += target.getBoundingClientRect().top - el.getBoundingClientRect().top - step.offset;
        restored.current = true;
        return;
      }
      // Gone from what is kept: follow the end.
      restored.current = true;
      stick.current = true;
    }
    if (stick.current) el.scrollTop = el.scrollHeight;
  }, [items.length, hidden, heights]);

  return {
    onScroll: () => {
      const el = list.current;
      if (!el || !restored.current) return; // our own scrolling while restoring
      // The reader scrolling up (not the chat following its end) nears the first rendered items.
      const up = el.scrollTop < lastTop.current;
      lastTop.current = el.scrollTop;
      if (up && el.scrollTop < el.clientHeight) on.nearTop();
      stick.current = followsEnd(el);
      clearTimeout(noteTimer.current);
      noteTimer.current = setTimeout(note, NOTE_AFTER_MS);
    },
  };
}
