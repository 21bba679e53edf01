import { describe, expect, it } from 'vitest';
import {
  anthropicHost,
  claudeProjectFolder,
  claudeSandboxSettings,
  fileToolRules,
  githubHosts,
  homeRelative,
  isInside,
  type SandboxPlaces,
  sandboxPolicy,
} from '../../../../agent/claude/sandbox-policy.js';

const places: SandboxPlaces = {
  worktree: '/home/u/.ff/worktrees/app/fix-1',
  gitDir: '/home/u/src/app/.git/worktrees/fix-1',
  gitCommonDir: '/home/u/src/app/.git',
  clone: '/home/u/src/app',
  home: '/home/u',
  ffHome: '/home/u/.ff',
  ffHomeFiles: ['/home/u/.ff/agent.json', '/home/u/.ff/state.json', '/home/u/.ff/transcripts'],
  claudeConfigDir: '/home/u/.claude',
  worktreeRoots: ['/home/u/.ff/worktrees/app', '/srv/trees/other'],
  tmpDir: '/tmp/ff-sessions/s1',
};
const project = {
  kind: 'project' as const,
  api: 'api.anthropic.com',
  github: githubHosts('github.com'),
  allowed: ['npm.example.com'],
};
const policy = sandboxPolicy(places, project);

describe('sandboxPolicy: what a sandboxed session may touch', () => {
  it.each([
    ["ff's home (agent.json, state, transcripts)", '/home/u/.ff'],
    ['~/.ssh', '/home/u/.ssh'],
    ['~/.aws', '/home/u/.aws'],
    ['~/.config/gh', '/home/u/.config/gh'],
    ["Claude Code's credentials", '/home/u/.claude/.credentials.json'],
    ["Claude Code's account file", '/home/u/.claude.json'],
    ["other sessions' conversations", '/home/u/.claude/projects'],
    ["another project's worktrees", '/srv/trees/other'],
  ])('no command reads %s', (_, path) => {
    expect(policy.denyRead).toContain(path);
  });

  it("its own worktree and its own project's conversations stay readable inside the denied folders", () => {
    expect(policy.allowRead).toEqual([
      places.worktree,
      '/home/u/.claude/projects/-home-u--ff-worktrees-app-fix-1',
      '/home/u/.claude/projects/-home-u-src-app',
    ]);
  });

  it("writes only its worktree, its git folder, the clone's objects, refs and logs, and its temp folder", () => {
    expect(policy.allowWrite).toEqual([
      places.worktree,
      places.gitDir,
      '/home/u/src/app/.git/objects',
      '/home/u/src/app/.git/refs',
      '/home/u/src/app/.git/logs',
      places.tmpDir,
    ]);
    for (const wall of ['/home/u/src/app/.git/hooks', '/home/u/src/app/.git/config', '/home/u/.bashrc'])
      expect(policy.allowWrite.some((allowed) => isInside(wall, allowed))).toBe(false);
  });

  it('a plain clone (no linked worktree) writes its .git as one folder', () => {
    const plain = sandboxPolicy(
      { ...places, worktree: '/w/app', gitDir: '/w/app/.git', gitCommonDir: '/w/app/.git', clone: '/w/app' },
      project,
    );
    expect(plain.allowWrite).toEqual(['/w/app', '/w/app/.git', places.tmpDir]);
  });

  it('a local origin folder is writable, so a push to it works', () => {
    expect(sandboxPolicy({ ...places, originFolder: '/srv/origin.git' }, project).allowWrite).toContain(
      '/srv/origin.git',
    );
  });

  it("a worktree root that holds the home or the clone is not walled off (it would hide the session's own)", () => {
    const wide = sandboxPolicy({ ...places, worktreeRoots: ['/home', '/home/u/src'] }, project);
    expect(wide.denyRead).not.toContain('/home');
    expect(wide.denyRead).not.toContain('/home/u/src');
  });

  it("reaches the API, the project's GitHub hosts, package registries and its own hosts", () => {
    expect(policy.allowedDomains).toEqual(
      expect.arrayContaining([
        'api.anthropic.com',
        'github.com',
        'api.github.com',
        'registry.npmjs.org',
        'npm.example.com',
      ]),
    );
  });

  it('text by outside authors: the API only', () => {
    expect(sandboxPolicy(places, { ...project, kind: 'api' }).allowedDomains).toEqual(['api.anthropic.com']);
  });

  it("the file tools are denied ff's files by name, since ff's home holds the worktree", () => {
    expect(policy.fileToolDenies).not.toContain('/home/u/.ff');
    expect(policy.fileToolDenies).toEqual(
      expect.arrayContaining(['/home/u/.ff/agent.json', '/home/u/.ssh', '/srv/trees/other']),
    );
  });
});

describe("claudeSandboxSettings: Claude Code's settings for the session", () => {
  const settings = claudeSandboxSettings(policy, { asks: false }) as {
    sandbox: Record<string, unknown>;
    permissions: { deny: string[]; allow: string[] };
  };

  it('never falls back to running unsandboxed, and never retries a blocked command outside', () => {
    expect(settings.sandbox).toMatchObject({
      enabled: true,
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
      autoAllowBashIfSandboxed: true,
    });
  });

  it('an asking session lets no command through alone, and fetches nothing unasked', () => {
    const asking = claudeSandboxSettings(policy, { asks: true }) as typeof settings;
    expect(asking.sandbox.autoAllowBashIfSandboxed).toBe(false);
    expect(asking.permissions.allow).toEqual([]);
  });

  it('denies the file tools each denied path, as a folder and as a file', () => {
    expect(settings.permissions.deny).toEqual(
      expect.arrayContaining([
        'Read(//home/u/.ssh/**)',
        'Read(//home/u/.ssh)',
        'Edit(//home/u/.ssh/**)',
        'Edit(//home/u/.ff/agent.json)',
      ]),
    );
  });
});

describe('fileToolRules: what a session without prompts may do unasked', () => {
  it('reads anywhere but the denied paths, and fetches the named hosts it may reach, not wildcards', () => {
    expect(
      fileToolRules({ fileToolDenies: [], allowedDomains: ['a.test', '*.b.test'] }, { unasked: true }).allow,
    ).toEqual(['Read(//**)', 'WebFetch(domain:a.test)']);
  });
});

describe('hosts and names', () => {
  it.each([
    [{ ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000' }, '127.0.0.1'],
    [{ ANTHROPIC_BASE_URL: 'not a url' }, 'api.anthropic.com'],
    [{}, 'api.anthropic.com'],
  ])('the API host of %j is %s', (env, host) => {
    expect(anthropicHost(env)).toBe(host);
  });

  it('an Enterprise host reaches itself and its API host', () => {
    expect(githubHosts('git.example.com', 'https://api.git.example.com/graphql')).toEqual([
      'git.example.com',
      'api.git.example.com',
    ]);
  });

  it.each([
    ['/a/b', '/a', true],
    ['/a', '/a', true],
    ['/ab', '/a', false],
    ['/b', '/a', false],
  ])('%s inside %s: %s', (path, folder, inside) => {
    expect(isInside(path, folder)).toBe(inside);
  });

  it("names Claude Code's project folder the way it does", () => {
    expect(claudeProjectFolder('/home/u/.ff/x_y')).toBe('-home-u--ff-x-y');
  });

  it('shortens paths under the home', () => {
    expect(homeRelative('/home/u/.bashrc', '/home/u')).toBe('~/.bashrc');
    expect(homeRelative('/etc/passwd', '/home/u')).toBe('/etc/passwd');
  });
});
