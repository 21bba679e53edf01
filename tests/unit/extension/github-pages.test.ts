import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as library from 'github-url-detection';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { detectPage, projectRef } from '../../../extension/lib/github-pages.js';

// The library's isIssue reads the page's title (a logged-out 404 has GitHub's home title): an issue's title here.
beforeAll(() => {
  vi.stubGlobal('document', { title: 'Add dark mode · Issue #12 · octo/app' });
});

/**
 * github-url-detection's own test URLs: each detection's `@example`s, as
 * the package ships them in its type declarations (its build writes them
 * there from the tests it runs).
 */
function libraryTestUrls(): string[] {
  const entry = createRequire(import.meta.url).resolve('github-url-detection');
  const types = readFileSync(join(dirname(entry), 'index.d.ts'), 'utf8');
  return [...new Set([...types.matchAll(/@example (https?:\/\/\S+)/g)].map((m) => m[1]!))];
}

describe('detectPage agrees with github-url-detection on its own test URLs', () => {
  const urls = libraryTestUrls().filter((url) => new URL(url).hostname === 'github.com');
  it('finds them (the package still ships its examples)', () => {
    expect(urls.length).toBeGreaterThan(150);
  });
  it.each(urls)('%s', (url) => {
    const u = new URL(url);
    const expected = library.isRepoIssueList(u)
      ? 'issues'
      : library.isIssue(u)
        ? 'issue'
        : library.isPRConversation(u)
          ? 'conversation'
          : undefined;
    const page = detectPage(url);
    const got =
      page?.kind === 'pull' ? (page.tab === 'conversation' ? 'conversation' : undefined) : page?.kind;
    expect(got).toBe(expected);
  });
});

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
    ['https://github.com/octo/app/issues', { kind: 'issues', owner: 'octo', repo: 'app' }],
    [
      'https://github.com/octo/app/issues?q=is%3Aopen+label%3Abug',
      { kind: 'issues', owner: 'octo', repo: 'app' },
    ],
    // Issue lists GitHub serves at other URLs: label pages, saved views, an author's issues.
    ['https://github.com/octo/app/labels/bug', { kind: 'issues', owner: 'octo', repo: 'app' }],
    [
      'https://github.com/octo/app/labels/good%20first%20issue',
      { kind: 'issues', owner: 'octo', repo: 'app' },
    ],
    ['https://github.com/octo/app/issues/views/4537', { kind: 'issues', owner: 'octo', repo: 'app' }],
    ['https://github.com/octo/app/issues/mona', { kind: 'issues', owner: 'octo', repo: 'app' }],
    ['https://github.com/Octo/App/issues/12', { kind: 'issue', owner: 'Octo', repo: 'App', number: 12 }],
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
    'https://github.com/octo/app/issues/new/choose',
    'https://github.com/octo/app/issues/views',
    'https://github.com/octo/app/labels',
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
