import { describe, expect, it } from 'vitest';
import { allowedHostsAfter } from '../../../../agent/workspaces/projects.js';
import { AllowedHost } from '../../../../shared/domain.js';

describe("allowedHostsAfter: a project's extra hosts after `project set --allow-host/--disallow-host`", () => {
  it.each([
    ['adds in the order given', [], ['a.test', 'b.test'], [], ['a.test', 'b.test']],
    ['keeps one of each', ['a.test'], ['a.test', 'b.test'], [], ['a.test', 'b.test']],
    ['removes what is disallowed', ['a.test', 'b.test'], [], ['a.test'], ['b.test']],
    ['a host both added and removed is removed', [], ['a.test'], ['a.test'], []],
  ])('%s', (_, hosts, add, remove, expected) => {
    expect(allowedHostsAfter(hosts, add, remove)).toEqual(expected);
  });
});

describe('AllowedHost: what --allow-host accepts', () => {
  it.each(['example.com', '*.example.com', 'Registry.Example.COM', '10.0.0.2'])('%s', (host) => {
    expect(AllowedHost.safeParse(host).success).toBe(true);
  });
  it.each(['https://example.com', 'example.com:443', '*', 'a..b', 'exa mple.com', '*.*.example.com'])(
    'refuses %s',
    (host) => {
      expect(AllowedHost.safeParse(host).success).toBe(false);
    },
  );
});
