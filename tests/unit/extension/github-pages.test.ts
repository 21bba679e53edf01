import { describe, expect, it } from 'vitest';
import { detectPage, projectRef } from '../../../extension/lib/github-pages.js';

describe('detectPage', () => {
  it.each([
    ['https://github.com/octo/app/issues/12', { kind: 'issue', owner: 'octo', repo: 'app', number: 12 }],
    [
      'https://github.com/octo/app/issues/12?foo=1#issuecomment-3',
      { kind: 'issue', owner: 'octo', repo: 'app', number: 12 },
    ],
    [
      'https://github.com/octo/app/pull/7',
      { kind: 'pull', owner: 'octo', repo: 'app', number: 7, tab: 'conversation' },
    ],
    [
      'https://github.com/octo/app/pull/7/files',
      { kind: 'pull', owner: 'octo', repo: 'app', number: 7, tab: 'files' },
    ],
    [
      'https://github.com/octo/app/pull/7/commits',
      { kind: 'pull', owner: 'octo', repo: 'app', number: 7, tab: 'commits' },
    ],
    [
      'https://github.com/octo/app/pull/7/checks',
      { kind: 'pull', owner: 'octo', repo: 'app', number: 7, tab: 'checks' },
    ],
    ['https://github.com/octo/app/issues', { kind: 'issues', owner: 'octo', repo: 'app' }],
    [
      'https://github.com/octo/app/issues?q=is%3Aopen+label%3Abug',
      { kind: 'issues', owner: 'octo', repo: 'app' },
    ],
    [
      'https://github.com/my.org/my-repo_1/issues/3',
      { kind: 'issue', owner: 'my.org', repo: 'my-repo_1', number: 3 },
    ],
  ])('%s', (url, page) => {
    expect(detectPage(url)).toEqual(page);
  });

  it.each([
    'https://github.com/',
    'https://github.com/octo',
    'https://github.com/octo/app',
    'https://github.com/octo/app/issues/new',
    'https://github.com/octo/app/issues/12/edit',
    'https://github.com/octo/app/pull/7/unknown-tab',
    'https://github.com/octo/app/pulls',
    'https://github.com/settings/profile/issues/1',
    'https://github.com/notifications',
    'https://github.com/orgs/octo/issues/1',
    // GitHub's own pages that the list ff kept by hand lacked (github-url-detection's list has them).
    'https://github.com/copilot/tasks/issues/1',
    'https://github.com/enterprises/acme/issues/1',
    'https://github.com/readme/featured/issues/2',
    'https://github.com/Settings/profile/issues/1',
    'https://gist.github.com/octo/app/issues/1',
    'https://evil.example/octo/app/issues/1',
  ])('%s is not a page ff works on', (url) => {
    expect(detectPage(url)).toBeUndefined();
  });

  it('works for a GitHub Enterprise host when asked', () => {
    expect(detectPage('https://ghe.example.com/t/s/issues/1', 'ghe.example.com')).toMatchObject({
      kind: 'issue',
    });
  });
});

describe('projectRef', () => {
  it.each([
    ['github.com', 'github.com/octo/app'],
    ['ghe.example.com', 'ghe.example.com/octo/app'],
  ])('on %s a page names its repo %s', (host, ref) => {
    expect(projectRef(host, 'octo', 'app')).toBe(ref);
  });
});
