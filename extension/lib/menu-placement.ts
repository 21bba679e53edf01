/**
 * Where a menu opens and how tall it may be — pure. Below its button when
 * it fits there (or there is more room there than above), else above; never
 * taller than the room on its side, less a margin, so it never runs into
 * the window's edge (a popup's window ends where its content does).
 */
export interface MenuPlacement {
  side: 'below' | 'above';
  maxHeight: number;
}

/** Space between the button and the menu, and between the menu and the window's edge (px). */
const GAP = 4;
const MARGIN = 8;
/** A menu never gets shorter than this: with less room, it scrolls the page a little rather than vanish. */
const MIN_HEIGHT = 96;

export function menuPlacement(
  button: { top: number; bottom: number },
  windowHeight: number,
  menuHeight: number,
  cap = 320,
): MenuPlacement {
  const below = windowHeight - button.bottom - GAP - MARGIN;
  const above = button.top - GAP - MARGIN;
  const side = menuHeight <= below || below >= above ? 'below' : 'above';
  const room = side === 'below' ? below : above;
  return { side, maxHeight: Math.max(MIN_HEIGHT, Math.min(cap, room)) };
}
