import { describe, expect, it } from 'vitest';
import { notGitHubProblem } from '../../../agent/github/api-url.js';
import { agentSidePath, callerSidePath } from '../../../agent/user-path.js';

describe('agentSidePath', () => {
  it.each([
    { value: '~', out: { ok: true, path: '/home/mona' } },
    { value: '~/app', out: { ok: true, path: '/home/mona/app' } },
    { value: ' ~/src/../app/ ', out: { ok: true, path: '/home/mona/app' } },
    { value: '/srv/app', out: { ok: true, path: '/srv/app' } },
    {
      value: 'app',
      out: { ok: false, error: expect.stringMatching(/^app is a relative path: give an absolute one/) },
    },
    { value: '.', out: { ok: false, error: expect.stringMatching(/relative/) } },
    { value: '~bob/app', out: { ok: false, error: expect.stringMatching(/~user paths are not supported/) } },
  ])('$value', ({ value, out }) => {
    expect(agentSidePath(value, '/home/mona')).toEqual(out);
  });
});

describe('callerSidePath', () => {
  it.each([
    { value: '.', remote: undefined, out: { ok: true, path: '/home/mona/src/app' } },
    { value: '../other', remote: undefined, out: { ok: true, path: '/home/mona/src/other' } },
    { value: '~/app', remote: undefined, out: { ok: true, path: '~/app' } },
    { value: '/abs', remote: 'devbox', out: { ok: true, path: '/abs' } },
    { value: '~/app', remote: 'devbox', out: { ok: true, path: '~/app' } },
    {
      value: 'app',
      remote: 'devbox',
      out: { ok: false, error: expect.stringContaining('a path on devbox') },
    },
  ])('$value (remote: $remote)', ({ value, remote, out }) => {
    expect(callerSidePath(value, '/home/mona/src/app', remote)).toEqual(out);
  });
});

describe('notGitHubProblem', () => {
  it.each([
    { host: 'github.com', hosts: [], ok: true },
    { host: 'GitHub.com', hosts: [], ok: true },
    { host: 'ghe.example.com', hosts: ['ghe.example.com'], ok: true },
    { host: 'gitlab.com', hosts: ['ghe.example.com'], ok: false },
    { host: 'bitbucket.org', hosts: [], ok: false },
  ])('$host with $hosts', ({ host, hosts, ok }) => {
    const problem = notGitHubProblem(host, hosts);
    if (ok) expect(problem).toBeUndefined();
    else expect(problem).toContain(`settings set githubEnterpriseHosts ${host.toLowerCase()}`);
  });
});
