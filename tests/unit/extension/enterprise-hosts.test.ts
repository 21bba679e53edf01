import { describe, expect, it } from 'vitest';
import {
  grantedHosts,
  originPattern,
  parseEnterpriseHost,
  planScripts,
  scriptId,
} from '../../../extension/lib/enterprise-hosts.js';

describe('parseEnterpriseHost', () => {
  it.each([
    ['ghe.example.com', 'ghe.example.com'],
    ['  GHE.Example.com ', 'ghe.example.com'],
    ['https://ghe.example.com/', 'ghe.example.com'],
    ['https://ghe.example.com/octo/app/issues/1', 'ghe.example.com'],
    ['ghe.example.com:8443', 'ghe.example.com'],
    ['git.corp.internal', 'git.corp.internal'],
    ['ghe.example.com/*', 'ghe.example.com'],
  ])('%j → %s', (input, host) => {
    expect(parseEnterpriseHost(input)).toEqual({ host });
  });

  it.each([
    ['', /Type the host/],
    ['http://ghe.example.com', /https/],
    ['github.com', /works without adding it/],
    ['https://gist.github.com', /works without adding it/],
    ['localhost', /not a host name/],
    ['ghe example com', /not a host name/],
    ['javascript:alert(1)', /not a host name|https/],
  ])('%j is refused: %s', (input, why) => {
    const result = parseEnterpriseHost(input);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(why);
  });
});

describe('planScripts', () => {
  it('registers a script for each host both asked for and granted, once', () => {
    expect(planScripts({ wanted: ['a.test', 'b.test'], granted: ['a.test'], registered: [] })).toEqual({
      register: ['a.test'],
      unregister: [],
    });
    expect(
      planScripts({ wanted: ['a.test'], granted: ['a.test'], registered: [scriptId('a.test')] }),
    ).toEqual({ register: [], unregister: [] });
  });

  it("unregisters hosts removed in Options or revoked in the browser; leaves others' scripts alone", () => {
    expect(
      planScripts({
        wanted: ['a.test'],
        granted: ['b.test'],
        registered: [scriptId('a.test'), scriptId('b.test'), 'someone-else'],
      }),
    ).toEqual({ register: [], unregister: [scriptId('a.test'), scriptId('b.test')] });
  });
});

describe('grantedHosts', () => {
  it('reads hosts from granted origins, not github.com and not wildcards', () => {
    expect(
      grantedHosts([
        'https://github.com/*',
        originPattern('ghe.example.com'),
        'https://*/*',
        'https://x.test/path/*',
      ]),
    ).toEqual(['ghe.example.com']);
  });
});
