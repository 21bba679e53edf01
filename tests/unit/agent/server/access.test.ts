import { describe, expect, it } from 'vitest';
import { checkOrigin, isAllowedHost, tokensMatch } from '../../../../agent/server/access.js';

const chromeId = 'abcdefghijklmnopabcdefghijklmnop';

describe('isAllowedHost', () => {
  it.each([
    ['127.0.0.1:47100', true],
    ['localhost:47100', true],
    ['LOCALHOST:47100', true],
    ['127.0.0.1:47101', false],
    ['127.0.0.1', false],
    ['evil.example:47100', false],
    ['localhost.evil.example:47100', false],
    ['[::1]:47100', false],
    ['0.0.0.0:47100', false],
    ['', false],
    [undefined, false],
  ])('Host %j → %s', (host, allowed) => {
    expect(isAllowedHost(host, 47100)).toBe(allowed);
  });
});

describe('checkOrigin', () => {
  it.each([
    [undefined, [], true],
    [`chrome-extension://${chromeId}`, [], true],
    [`chrome-extension://${chromeId}/`, [], true],
    ['moz-extension://0b7c1a55-3f0e-4d8e-9c41-3f3d2b1a0c9e', [], true],
    [`chrome-extension://${chromeId}`, [chromeId], true],
    [`chrome-extension://${'b'.repeat(32)}`, [chromeId], false],
    ['https://evil.example', [], false],
    ['https://github.com', [], false],
    ['null', [], false],
    ['', [], false],
    ['http://127.0.0.1:47100', [], false],
    [`chrome-extension://${chromeId}.evil.example/path`, [], false],
    ['file://', [], false],
  ] as const)('Origin %j with allow-list %j → %s', (origin, ids, ok) => {
    expect(checkOrigin(origin, ids).ok).toBe(ok);
  });
});

describe('tokensMatch', () => {
  const token = 'f'.repeat(64);
  it.each([
    [token, token, true],
    ['f'.repeat(63), token, false],
    ['', token, false],
    [`${token}f`, token, false],
    ['F'.repeat(64), token, false],
    ['', '', false],
  ])('%j vs expected → %s', (given, expected, ok) => {
    expect(tokensMatch(given, expected)).toBe(ok);
  });
});
