import { describe, expect, it } from 'vitest';
import { githubApiUrl, githubName, parseApiUrlOverrides } from '../../../../agent/github/api-url.js';

describe('the API URL of a GitHub host', () => {
  const overrides = { 'ghe.corp.example': 'https://api.ghe.corp.example' };
  it.each([
    ['github.com', {}, 'https://api.github.com'],
    ['github.com', { FF_GITHUB_API_URL: 'http://127.0.0.1:4000/' }, 'http://127.0.0.1:4000'],
    ['github.com', { FF_GITHUB_API_URL: '  ' }, 'https://api.github.com'],
    ['ghe.example.com', {}, 'https://ghe.example.com/api'],
    ['GHE.Example.com', {}, 'https://ghe.example.com/api'],
    // FF_GITHUB_API_URL is github.com's alone: an Enterprise host never follows it.
    ['ghe.example.com', { FF_GITHUB_API_URL: 'http://127.0.0.1:4000' }, 'https://ghe.example.com/api'],
    ['ghe.corp.example', {}, 'https://api.ghe.corp.example'],
  ])('%s with %j → %s', (host, env, expected) => {
    expect(githubApiUrl(host, env, overrides)).toBe(expected);
  });

  it('messages call github.com "GitHub" and any other host by its name', () => {
    expect(githubName('github.com')).toBe('GitHub');
    expect(githubName('ghe.example.com')).toBe('ghe.example.com');
  });
});

describe('FF_GITHUB_API_URLS', () => {
  it.each([
    [undefined, {}],
    ['', {}],
    ['{}', {}],
    [
      '{"GHE.example.com": "https://ghe.example.com/custom/api/"}',
      { 'ghe.example.com': 'https://ghe.example.com/custom/api/' },
    ],
    [
      '{"a.example": "http://127.0.0.1:9999", "b.example": "https://b.example/api"}',
      {
        'a.example': 'http://127.0.0.1:9999',
        'b.example': 'https://b.example/api',
      },
    ],
  ])('%j is read as %j', (raw, urls) => {
    expect(parseApiUrlOverrides(raw)).toEqual({ urls });
  });

  it.each([
    ['{ghe.example.com: x}', /not JSON/],
    ['["https://ghe.example.com/api"]', /must be a JSON object/],
    ['{"ghe.example.com": 42}', /"ghe\.example\.com"/],
    ['{"ghe.example.com": "not a url"}', /http\(s\) URL at "ghe\.example\.com"/],
    ['{"ghe.example.com": "ftp://ghe.example.com/api"}', /http\(s\) URL/],
  ])('%j is ignored as a whole, with a warning that says what is wrong', (raw, problem) => {
    const parsed = parseApiUrlOverrides(raw);
    expect(parsed.urls).toEqual({});
    expect(parsed.problem).toMatch(/^FF_GITHUB_API_URLS is ignored: /);
    expect(parsed.problem).toMatch(problem);
    expect(parsed.problem).toContain('{"ghe.example.com": "https://ghe.example.com/api"}');
  });
});
