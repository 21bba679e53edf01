import { type Signal, useSignal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { afterFirstPaint, hasPainted } from '../../lib/first-paint.js';

/** Items rendered at first (the newest); older ones one page at a time on request. */
export const PAGE_ITEMS = 100;
/**
 * Items in the page's first frame (more than the transcript's 320 px show):
 * the rest of the first page renders when the reader scrolls up, or once
 * the page is idle FILL_AFTER_MS after that frame.
 */
const FIRST_FRAME_ITEMS = 24;
const FILL_AFTER_MS = 500;

export interface ItemWindow {
  /** How many of the newest items are rendered. */
  shown: Signal<number>;
  /** Reads the older cached events and renders the first page in full. */
  fillFirstPage(): void;
  /** Renders one page of items more ("Show 100 earlier"). */
  showEarlier(): void;
}

/**
 * How many of a chat's newest items are rendered: fewer in the page's first
 * frame, the first page in full once the page is idle after it (or as the
 * reader scrolls up toward them), then a page more on each request.
 * `readOlder` brings the older cached events those pages may need.
 */
export function useItemWindow(readOlder: () => void): ItemWindow {
  const shown = useSignal(hasPainted() ? PAGE_ITEMS : FIRST_FRAME_ITEMS);
  const fillFirstPage = () => {
    readOlder();
    if (shown.value < PAGE_ITEMS) shown.value = PAGE_ITEMS;
  };
  const fill = useRef(fillFirstPage);
  fill.current = fillFirstPage;
  // Not before the agent's new events: a moment after the first frame, when the page is idle.
  useLayoutEffect(() => {
    let rest: ReturnType<typeof setTimeout> | undefined;
    let idle: number | undefined;
    const cancelRest = afterFirstPaint(() => {
      rest = setTimeout(() => {
        idle = requestIdleCallback(() => fill.current(), { timeout: 1000 });
      }, FILL_AFTER_MS);
    });
    const cancel = () => {
      cancelRest();
      clearTimeout(rest);
      if (idle !== undefined) cancelIdleCallback(idle);
    };
    addEventListener('pagehide', cancel);
    return () => {
      removeEventListener('pagehide', cancel);
      cancel();
    };
  }, []);
  return {
    shown,
    fillFirstPage,
    showEarlier: () => {
      fillFirstPage();
      shown.value += PAGE_ITEMS;
    },
  };
}
