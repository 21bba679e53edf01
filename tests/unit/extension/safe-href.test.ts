import { describe, expect, it } from 'vitest';
import { safeHref } from '../../../extension/lib/safe-href.js';

describe('safeHref', () => {
  it.each([
    ['https://github.com/o/r/pull/1', 'https://github.com/o/r/pull/1'],
    ['http://ghe.internal/o/r/issues/2', 'http://ghe.internal/o/r/issues/2'],
    ['javascript:alert(1)', undefined],
    [' JavaScript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['/relative', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (url, href) => {
    expect(safeHref(url)).toBe(href);
  });
});
