import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../../agent/terminal/ring-buffer.js';

describe('RingBuffer', () => {
  it.each([
    [['abc', 'def'], 10, 'abcdef'],
    [['abc', 'def'], 4, 'cdef'],
    [['abcdef'], 3, 'def'],
    [['a', 'b', 'c', 'd', 'e'], 2, 'de'],
    [[], 5, ''],
  ])('%j with capacity %i keeps %j', (chunks, capacity, kept) => {
    const ring = new RingBuffer(capacity);
    for (const chunk of chunks) ring.push(chunk);
    expect(ring.toString()).toBe(kept);
    expect(ring.length).toBe(kept.length);
  });

  it('never holds more than its capacity, however much goes in', () => {
    const ring = new RingBuffer(1000);
    for (let n = 0; n < 10_000; n++) ring.push(`line ${n}\n`);
    expect(ring.length).toBe(1000);
    expect(ring.toString().endsWith('line 9999\n')).toBe(true);
  });
});
