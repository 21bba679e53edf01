import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  defaultBranchName,
  isValidBranchNameSync,
  MAX_SLUG,
  normalizeBranchInput,
  slugify,
  withSuffix,
} from '../../../../agent/git/branch-name.js';

describe('slugify', () => {
  it.each([
    ['Fix the login bug!', 'fix-the-login-bug'],
    ['  Leading and trailing  ', 'leading-and-trailing'],
    ['Ünïcödé café', 'unicode-cafe'],
    ['--upload-pack=touch /tmp/pwned', 'upload-pack-touch-tmp-pwned'],
    ['../../etc/passwd', 'etc-passwd'],
    ['$(reboot)', 'reboot'],
    ['`rm -rf /`; echo hi', 'rm-rf-echo-hi'],
    ['🚀🔥'.repeat(150), ''],
    ['', ''],
    ['a..b@{c}~d^e:f?g*h[i\\j', 'a-b-c-d-e-f-g-h-i-j'],
    ['refs/heads/main.lock', 'refs-heads-main-lock'],
  ])('%j → %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('is at most 50 characters and never ends with a dash', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG);
    expect(slug).not.toMatch(/-$/);
  });
});

describe('defaultBranchName', () => {
  it.each([
    [{ issueNumber: 12, title: 'Fix the login bug', shortId: 'abcd1234' }, 'ff/12-fix-the-login-bug'],
    [{ issueNumber: 12, title: '', shortId: 'abcd1234' }, 'ff/12'],
    [{ issueNumber: 7, title: '🚀', shortId: 'abcd1234' }, 'ff/7'],
    [{ shortId: 'abcd1234' }, 'ff/abcd1234'],
  ])('%j → %s', (input, name) => {
    expect(defaultBranchName(input)).toBe(name);
  });

  it('suffixes taken names', () => {
    expect([1, 2, 3].map((n) => withSuffix('ff/1-x', n))).toEqual(['ff/1-x', 'ff/1-x-2', 'ff/1-x-3']);
  });
});

describe('isValidBranchNameSync agrees with git check-ref-format --branch', () => {
  const names = [
    'ff/12-fix-the-login-bug',
    'main',
    'feature/a.b',
    'a/b/c',
    'x.lock.y',
    'ünïcode',
    'a@b',
    '',
    'HEAD',
    '-leading-dash',
    '.hidden',
    'a/.hidden',
    'a/b.lock',
    'a..b',
    'a@{b',
    'a//b',
    '/a',
    'a/',
    'a.',
    'a b',
    'a\tb',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    'a\u007fb',
    'ff/0',
  ];
  it.each(names)('%j', (name) => {
    const git = spawnSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' }).status === 0;
    expect(isValidBranchNameSync(name)).toBe(git && !name.startsWith('-'));
  });
  it('"@" is refused (git --branch reads it as the current branch, not a name)', () => {
    expect(isValidBranchNameSync('@')).toBe(false);
  });
});

describe('normalizeBranchInput', () => {
  it.each([
    ['x', 'branch', { branch: 'x' }],
    ['refs/heads/x', 'branch', { branch: 'x' }],
    ['refs/heads/feature/y', 'branch', { branch: 'feature/y' }],
    ['refs/heads/refs/heads/x', 'branch', { error: '"refs/heads/refs/heads/x" is not a valid branch name.' }],
    ['refs/tags/v1', 'branch', { error: expect.stringContaining('"refs/tags/v1" is not a branch') }],
    ['refs/remotes/origin/main', 'branch', { error: expect.stringContaining('is not a branch') }],
    ['origin/main', 'base', { branch: 'main' }],
    ['refs/remotes/origin/release/2', 'base', { branch: 'release/2' }],
    ['refs/heads/main', 'base', { branch: 'main' }],
    ['refs/heads/', 'branch', { error: '"refs/heads/" is not a valid branch name.' }],
    ['bad..name', 'branch', { error: '"bad..name" is not a valid branch name.' }],
    ['-x', 'base', { error: '"-x" is not a valid branch name.' }],
  ] as const)('%s as a %s → %o', (input, kind, expected) => {
    expect(normalizeBranchInput(input, kind)).toEqual(expected);
  });
});
