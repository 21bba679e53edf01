import { describe, expect, it } from 'vitest';
import { menuPlacement } from '../../../extension/lib/menu-placement.js';

describe('a menu opens where it has room and stops short of the window edge', () => {
  it.each([
    // button top/bottom, window height, menu height → side, max height
    [{ top: 100, bottom: 130 }, 600, 200, 'below', 320],
    [{ top: 230, bottom: 260 }, 600, 336, 'below', 320],
    // The popup's quick actions: 4 items with descriptions under a button low in a 600 px window.
    [{ top: 400, bottom: 430 }, 600, 336, 'above', 320],
    [{ top: 300, bottom: 330 }, 400, 200, 'above', 288],
    [{ top: 200, bottom: 230 }, 560, 400, 'below', 318],
  ] as const)(
    'button %j in a %i px window, menu %i px → %s, at most %i px',
    (button, window, menu, side, max) => {
      const placed = menuPlacement(button, window, menu);
      expect(placed).toEqual({ side, maxHeight: max });
      const end = side === 'below' ? button.bottom + 4 + placed.maxHeight : button.top - 4 - placed.maxHeight;
      expect(end).toBeLessThanOrEqual(window - 8);
      expect(end).toBeGreaterThanOrEqual(8);
    },
  );
});
