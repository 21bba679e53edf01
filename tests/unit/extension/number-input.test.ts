import { describe, expect, it } from 'vitest';
import { readNumber } from '../../../extension/lib/number-input.js';

const budget = { label: 'Budget per PR (USD)', min: 0, max: 10_000 };
const days = { label: 'Days', min: 0, max: 3650, whole: true };

describe('a number typed into Options', () => {
  it.each([
    ['5', budget, 5],
    [' 12.5 ', budget, 12.5],
    ['$7', budget, 7],
    ['0.105', budget, 0.11],
    ['0', budget, 0],
    ['14', days, 14],
  ])('%j for %o is %d', (typed, rule, value) => {
    expect(readNumber(typed, rule)).toEqual({ ok: true, value });
  });

  it.each([
    ['', budget],
    ['five', budget],
    ['-1', budget],
    ['10001', budget],
    ['1.5', days],
    ['Infinity', budget],
  ])('%j for %o is refused, saying what the field takes', (typed, rule) => {
    const entry = readNumber(typed, rule);
    expect(entry.ok).toBe(false);
    expect(!entry.ok && entry.error).toMatch(
      new RegExp(
        `^${rule.label.replace(/[()]/g, '\\$&')}: a (whole )?number from ${rule.min} to ${rule.max}; nothing changed\\.$`,
      ),
    );
  });
});
