import { describe, expect, it } from 'vitest';
import { resolveHome } from '../../../../agent/store/home.js';
import { bwrapArgv, sandboxedSetup, setupIsSandboxed } from '../../../../agent/workspaces/setup-sandbox.js';

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

describe('sandboxedSetup', () => {
  it.runIf(process.platform === 'linux')(
    "without bwrap a fork's setup does not run, and the failure names the install command",
    () => {
      expect(() =>
        sandboxedSetup({
          workspace: { id: 'w1', path: '/nowhere/w1' },
          project: { host: 'github.com', path: '/nowhere/app' },
          worktreeRoots: [],
          paths: resolveHome('/nowhere/ff', {}),
          env: { PATH: '/nowhere/bin', HOME: '/nowhere/home' },
        }),
      ).toThrow(/bwrap is not installed: sudo apt-get install bubblewrap, then retry/);
    },
  );

  it("puts tokens out of the setup's environment", () => {
    const argv = bwrapArgv('/usr/bin/bwrap', { denyRead: [], allowWrite: [] }, new Map(), ['true']);
    for (const name of ['GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'ANTHROPIC_API_KEY'])
      expect(argv[argv.indexOf(name) - 1]).toBe('--unsetenv');
  });
});
