import { describe, expect, it } from 'vitest';
import { checkOrigin, isAllowedHost, tokensMatch } from '../../../../agent/server/access.js';
import { CHROME_EXTENSION_ID } from '../../../../shared/extension-identity.js';

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
  const firefoxUuid = '0b7c1a55-3f0e-4d8e-9c41-3f3d2b1a0c9e';
  it.each([
    ['the CLI', undefined, [], true],
    ["ff's Chrome build", `chrome-extension://${CHROME_EXTENSION_ID}`, [], true],
    ["ff's Chrome build, trailing slash", `chrome-extension://${CHROME_EXTENSION_ID}/`, [], true],
    ['another extension, nothing added', `chrome-extension://${chromeId}`, [], false],
    ['another extension, nothing added, trailing slash', `chrome-extension://${chromeId}/`, [], false],
    ['another extension the user added', `chrome-extension://${chromeId}`, [chromeId], true],
    ["ff's build while another is added", `chrome-extension://${CHROME_EXTENSION_ID}`, [chromeId], true],
    ['a third extension', `chrome-extension://${'b'.repeat(32)}`, [chromeId], false],
    ['Firefox (per-install UUID), nothing pinned', `moz-extension://${firefoxUuid}`, [], true],
    ['Firefox, its UUID pinned', `moz-extension://${firefoxUuid}`, [firefoxUuid], true],
    [
      'Firefox, another UUID pinned',
      `moz-extension://${firefoxUuid}`,
      ['1b7c1a55-3f0e-4d8e-9c41-3f3d2b1a0c9e'],
      false,
    ],
    ['Firefox, only a Chrome id added', `moz-extension://${firefoxUuid}`, [chromeId], true],
    ['a web page', 'https://evil.example', [], false],
    ['GitHub', 'https://github.com', [], false],
    ['a sandboxed frame', 'null', [], false],
    ['empty', '', [], false],
    ['the agent itself', 'http://127.0.0.1:47100', [], false],
    ['a look-alike host', `chrome-extension://${CHROME_EXTENSION_ID}.evil.example/path`, [], false],
    ['file', 'file://', [], false],
  ] as const)('%s: Origin %j with added ids %j → %s', (_name, origin, ids, ok) => {
    expect(checkOrigin(origin, ids).ok).toBe(ok);
  });

  it('says how to allow an extension it refuses', () => {
    expect(checkOrigin(`chrome-extension://${chromeId}`, [])).toEqual({
      ok: false,
      reason: expect.stringMatching(/FF_EXTENSION_IDS.*allowedExtensionIds.*--extension-id/),
    });
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
