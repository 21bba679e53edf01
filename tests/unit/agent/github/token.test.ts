import { describe, expect, it } from 'vitest';
import { classifyGitHubFailure } from '../../../../agent/github/client.js';
import { missingTokenMessage, tokenFromEnv } from '../../../../agent/github/token.js';

describe('a GitHub token from the environment', () => {
  it.each([
    ['github.com', { GITHUB_TOKEN: 'a', GH_TOKEN: 'b' }, { token: 'a', source: 'GITHUB_TOKEN' }],
    ['github.com', { GITHUB_TOKEN: ' ', GH_TOKEN: ' b\n' }, { token: 'b', source: 'GH_TOKEN' }],
    ['github.com', { GH_ENTERPRISE_TOKEN: 'e' }, undefined],
    [
      'ghe.example.com',
      { GH_ENTERPRISE_TOKEN: 'e', GITHUB_ENTERPRISE_TOKEN: 'f' },
      { token: 'e', source: 'GH_ENTERPRISE_TOKEN' },
    ],
    ['ghe.example.com', { GITHUB_ENTERPRISE_TOKEN: 'f' }, { token: 'f', source: 'GITHUB_ENTERPRISE_TOKEN' }],
    // github.com's token is never sent to another host.
    ['ghe.example.com', { GITHUB_TOKEN: 'a', GH_TOKEN: 'b' }, undefined],
    ['ghe.example.com', { GH_ENTERPRISE_TOKEN: '' }, undefined],
  ])('%s with %j → %j', (host, env, expected) => {
    expect(tokenFromEnv(host, env)).toEqual(expected);
  });
});

describe('how to fix a missing or refused token', () => {
  it('github.com: GITHUB_TOKEN or gh auth login', () => {
    expect(missingTokenMessage('github.com')).toBe(
      'No GitHub token: set GITHUB_TOKEN or run `gh auth login`, then `ff-agent restart`.',
    );
  });

  it('an Enterprise host: names the host, GH_ENTERPRISE_TOKEN and gh auth login --hostname', () => {
    expect(missingTokenMessage('ghe.example.com')).toBe(
      'No GitHub token for ghe.example.com: set GH_ENTERPRISE_TOKEN or run `gh auth login --hostname ghe.example.com`, then `ff-agent restart`.',
    );
  });

  it.each([
    ['github.com', 'GitHub refused the token (401): set GITHUB_TOKEN or run `gh auth login`.'],
    [
      'ghe.example.com',
      'ghe.example.com refused the token (401): set GH_ENTERPRISE_TOKEN or run `gh auth login --hostname ghe.example.com`.',
    ],
  ])('a 401 from %s says which token to fix', (host, message) => {
    expect(classifyGitHubFailure({ status: 401, message: 'Bad credentials' }, 0, host).message).toBe(message);
  });

  it.each([
    [{ status: 502 }, 'ghe.example.com is having trouble (502).'],
    [{ message: 'fetch failed' }, 'Cannot reach ghe.example.com: fetch failed'],
    [{ name: 'TimeoutError', message: 'aborted' }, 'ghe.example.com did not answer in time.'],
  ])('other failures of an Enterprise host name it: %j', (error, message) => {
    expect(classifyGitHubFailure(error, 0, 'ghe.example.com').message).toBe(message);
  });
});
