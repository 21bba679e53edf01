import { describe, expect, it } from 'vitest';
import { defaultBranchName, MAX_SLUG, slugify, withSuffix } from '../../../../agent/git/branch-name.js';

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
