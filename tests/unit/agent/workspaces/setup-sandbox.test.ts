import { describe, expect, it } from 'vitest';
import { bwrapArgv, setupIsSandboxed } from '../../../../agent/workspaces/setup-sandbox.js';

const fork = { headRefName: 'main', headRepository: 'stranger/app', fork: true, author: 'stranger' };
const teammate = { ...fork, headRepository: 'octo/app', fork: false, author: 'mona' };

describe('setupIsSandboxed', () => {
  it.each([
    ["an adopted fork's PR", { adopted: fork }, {}, true],
    [
      "a fork's PR in a project that opted out of the sandbox",
      { adopted: fork },
      { unsandboxed: true },
      false,
    ],
    ["a teammate's adopted PR", { adopted: teammate }, {}, false],
    ["ff's own workspace", {}, {}, false],
  ])('%s: %s', (_, workspace, project, sandboxed) => {
    expect(setupIsSandboxed(workspace, project)).toBe(sandboxed);
  });
});

describe('bwrapArgv', () => {
  const policy = {
    denyRead: ['/home/me/.ff', '/home/me/.ssh', '/home/me/.netrc', '/home/me/.aws'],
    allowWrite: ['/home/me/.ff/worktrees/app/1', '/src/app/.git/worktrees/1', '/tmp/ff-setup/1'],
  };
  const kinds = new Map<string, 'dir' | 'file'>([
    ['/home/me/.ff', 'dir'],
    ['/home/me/.ssh', 'dir'],
    ['/home/me/.netrc', 'file'],
    ['/home/me/.ff/worktrees/app/1', 'dir'],
    ['/src/app/.git/worktrees/1', 'dir'],
    ['/tmp/ff-setup/1', 'dir'],
  ]);
  const argv = bwrapArgv('/usr/bin/bwrap', policy, kinds, ['/bin/sh', '-c', 'npm ci']);
  const positionOf = (flag: string, path: string) =>
    argv.findIndex((a, i) => a === path && argv[i - 1] === flag);

  it('reads everything read-only, with no network, and runs the command after --', () => {
    expect(argv.slice(0, 7)).toEqual([
      '/usr/bin/bwrap',
      '--die-with-parent',
      '--new-session',
      '--unshare-all',
      '--ro-bind',
      '/',
      '/',
    ]);
    expect(argv.slice(argv.indexOf('--'))).toEqual(['--', '/bin/sh', '-c', 'npm ci']);
  });

  it('hides a denied folder under an empty one and a denied file under /dev/null; a missing one is skipped', () => {
    expect(positionOf('--tmpfs', '/home/me/.ssh')).toBeGreaterThan(0);
    expect(argv[argv.indexOf('/home/me/.netrc') - 1]).toBe('/dev/null');
    expect(argv).not.toContain('/home/me/.aws');
  });

  it("binds the worktree writable after hiding ff's home that holds it", () => {
    expect(positionOf('--bind', '/home/me/.ff/worktrees/app/1')).toBeGreaterThan(
      positionOf('--tmpfs', '/home/me/.ff'),
    );
    expect(positionOf('--bind', '/tmp/ff-setup/1')).toBeGreaterThan(0);
  });
});
