import { describe, expect, it } from 'vitest';
import { parseRemoteUrl } from '../../../../agent/git/remote.js';

describe('parseRemoteUrl', () => {
  it.each([
    ['https://github.com/octo/app.git', 'github.com', 'octo', 'app'],
    ['https://github.com/octo/app', 'github.com', 'octo', 'app'],
    ['https://github.com/octo/app/', 'github.com', 'octo', 'app'],
    ['http://github.com/octo/app.git', 'github.com', 'octo', 'app'],
    ['https://x-access-token:secret@github.com/octo/app.git', 'github.com', 'octo', 'app'],
    ['git@github.com:octo/app.git', 'github.com', 'octo', 'app'],
    ['git@github.com:octo/app', 'github.com', 'octo', 'app'],
    ['ssh://git@github.com/octo/app.git', 'github.com', 'octo', 'app'],
    ['ssh://git@github.com:22/octo/app.git', 'github.com', 'octo', 'app'],
    ['git://github.com/octo/app.git', 'github.com', 'octo', 'app'],
    ['https://ghe.example.com/team/service.git', 'ghe.example.com', 'team', 'service'],
    ['git@GHE.Example.com:team/service.git', 'ghe.example.com', 'team', 'service'],
    ['https://github.com/my-org/my.repo_name.git', 'github.com', 'my-org', 'my.repo_name'],
  ])('%s → %s %s/%s', (url, host, owner, repo) => {
    expect(parseRemoteUrl(url)).toEqual({ host, owner, repo });
  });

  it.each([
    '',
    '/local/path/repo.git',
    'file:///tmp/repo.git',
    'https://github.com/octo',
    'https://github.com/octo/app/tree/main',
    'https://github.com/../app.git',
    'https://github.com/octo/..',
    'git@github.com:octo/a b.git',
    'ftp://github.com/octo/app.git',
    'not a url',
  ])('%j is not a GitHub-style remote', (url) => {
    expect(parseRemoteUrl(url)).toBeUndefined();
  });

  it('never keeps credentials', () => {
    expect(JSON.stringify(parseRemoteUrl('https://user:ghp_secret@github.com/octo/app.git'))).not.toContain(
      'secret',
    );
  });
});
