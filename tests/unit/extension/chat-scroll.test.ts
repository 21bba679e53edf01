import { describe, expect, it } from 'vitest';
import { followsEnd, restoreStep, spotIn } from '../../../extension/lib/chat-scroll.js';

describe('followsEnd', () => {
  it.each([
    ['at the very end', 680, true],
    ['a line above it', 650, true],
    ['a screen above it', 300, false],
  ])('%s: %s', (_name, scrollTop, follows) => {
    expect(followsEnd({ scrollTop, scrollHeight: 1000, clientHeight: 320 })).toBe(follows);
  });
});

describe('spotIn: where the reader left the chat', () => {
  const rows = [
    { seq: 1, top: -200, bottom: -20 },
    { seq: 4, top: -20, bottom: 60 },
    { seq: 9, top: 60, bottom: 300 },
  ];

  it('at the bottom while it follows the end', () => {
    expect(spotIn(true, 0, rows)).toEqual({ atBottom: true });
  });

  it('else the first message not wholly above the top, and how far below the top it starts', () => {
    expect(spotIn(false, 0, rows)).toEqual({ atBottom: false, seq: 4, offset: -20 });
    expect(spotIn(false, 100, rows)).toEqual({ atBottom: false, seq: 9, offset: -40 });
  });

  it('nothing when no message is in view', () => {
    expect(spotIn(false, 500, rows)).toBeUndefined();
  });
});

describe('restoreStep: back to where the reader left it', () => {
  const items = [1, 2, 3, 4, 5].map((seq) => ({ seq }));
  it.each([
    ['waits while nothing is loaded', 7, [], 0, false, { kind: 'wait' }],
    ['waits for the older cached events', 0, items, 0, false, { kind: 'wait' }],
    ['follows the end when the message is gone from what is kept', 0, items, 0, true, { kind: 'follow' }],
    [
      'renders the message first when it is among the hidden',
      2,
      items,
      3,
      true,
      { kind: 'reveal', shown: 4 },
    ],
    [
      'scrolls to the rendered message at its height',
      4,
      items,
      1,
      true,
      { kind: 'scroll', seq: 4, offset: 12 },
    ],
  ] as const)('%s', (_name, seq, list, hidden, complete, step) => {
    expect(restoreStep({ seq, offset: 12 }, list, hidden, complete)).toEqual(step);
  });
});
