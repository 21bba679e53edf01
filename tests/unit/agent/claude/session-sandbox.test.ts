import { describe, expect, it } from 'vitest';
import {
  decideSandbox,
  githubCredentialEnv,
  sandboxAtSpawn,
} from '../../../../agent/claude/session-sandbox.js';

const available = { available: true, detail: 'bubblewrap, socat and ripgrep found' };
const missing = {
  available: false,
  detail:
    'bwrap not found: sessions ask before each tool until you install them (sudo apt-get install bubblewrap)',
};

describe('decideSandbox: a new session’s mode and walls', () => {
  it.each([
    [
      'a trusted session runs sandboxed, without prompts, reaching the project’s hosts',
      {
        permissionMode: 'bypassPermissions',
        untrusted: false,
        projectUnsandboxed: false,
        sandbox: available,
      },
      { permissionMode: 'bypassPermissions', sandbox: { state: 'on', network: 'project' } },
    ],
    [
      'text by an outside author: sandboxed, asking, network to the API only',
      {
        permissionMode: 'ask',
        permissionReason: 'outside',
        untrusted: true,
        projectUnsandboxed: false,
        sandbox: available,
      },
      { permissionMode: 'ask', permissionReason: 'outside', sandbox: { state: 'on', network: 'api' } },
    ],
    [
      'no sandbox here: it asks, and says why with the install command',
      { permissionMode: 'bypassPermissions', untrusted: false, projectUnsandboxed: false, sandbox: missing },
      {
        permissionMode: 'ask',
        permissionReason: `Asks before each tool: no OS sandbox here (${missing.detail}).`,
        sandbox: { state: 'unavailable', detail: missing.detail },
      },
    ],
    [
      'a project that chose --no-sandbox runs unsandboxed in the mode asked for',
      { permissionMode: 'bypassPermissions', untrusted: false, projectUnsandboxed: true, sandbox: missing },
      { permissionMode: 'bypassPermissions', sandbox: { state: 'off' } },
    ],
  ] as const)('%s', (_, input, expected) => {
    expect(decideSandbox(input)).toEqual(expected);
  });
});

describe('sandboxAtSpawn: the sandbox settled when a process starts', () => {
  it('a session from before the sandbox is decided as a new one', () => {
    expect(sandboxAtSpawn({ permissionMode: 'bypassPermissions' }, false, available)).toEqual({
      permissionMode: 'bypassPermissions',
      sandbox: { state: 'on', network: 'project' },
    });
  });
  it('an old session that asked for a reason keeps its network to the API', () => {
    expect(
      sandboxAtSpawn({ permissionMode: 'ask', permissionReason: 'outside' }, false, available)?.sandbox,
    ).toEqual({ state: 'on', network: 'api' });
  });
  it('a sandboxed session on a machine that lost its sandbox asks from now on', () => {
    expect(
      sandboxAtSpawn(
        { permissionMode: 'bypassPermissions', sandbox: { state: 'on', network: 'project' } },
        false,
        missing,
      ),
    ).toMatchObject({ permissionMode: 'ask', sandbox: { state: 'unavailable' } });
  });
  it('a settled session starts as it was', () => {
    expect(
      sandboxAtSpawn(
        { permissionMode: 'bypassPermissions', sandbox: { state: 'on', network: 'project' } },
        false,
        available,
      ),
    ).toBeUndefined();
  });
});

describe('githubCredentialEnv: git and gh use the host’s token', () => {
  it('github.com: GH_TOKEN, and git’s helper for the host after one that drops the user’s', () => {
    expect(githubCredentialEnv('github.com', 't0k', {})).toEqual({
      GH_TOKEN: 't0k',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'credential.https://github.com.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'credential.https://github.com.helper',
      GIT_CONFIG_VALUE_1:
        '!f() { test "$1" = get && echo username=x-access-token && echo "password=$GH_TOKEN"; }; f',
    });
  });
  it('an Enterprise host: gh’s Enterprise variables, after the entries already in the environment', () => {
    const env = githubCredentialEnv('git.example.com', 't0k', { GIT_CONFIG_COUNT: '1' });
    expect(env).toMatchObject({
      GH_ENTERPRISE_TOKEN: 't0k',
      GH_HOST: 'git.example.com',
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_1: 'credential.https://git.example.com.helper',
    });
    expect(env.GIT_CONFIG_VALUE_2).toContain('$GH_ENTERPRISE_TOKEN');
  });
});
