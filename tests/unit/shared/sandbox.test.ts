import { describe, expect, it } from 'vitest';
import type { PermissionMode } from '../../../shared/permission-mode.js';
import {
  projectSandbox,
  type SessionSandbox,
  sandboxInstallCommand,
  sessionSafety,
} from '../../../shared/sandbox.js';

describe('sessionSafety: what every surface says of a session’s walls', () => {
  it.each<[PermissionMode, SessionSandbox | undefined, string, string, string]>([
    ['bypassPermissions', { state: 'on', network: 'project' }, 'safe', 'shield', 'sandboxed'],
    ['ask', { state: 'on', network: 'api' }, 'safe', 'shield', 'sandboxed · asks'],
    ['ask', { state: 'unavailable', detail: 'bwrap not found' }, 'warn', 'alert', 'no sandbox · asks'],
    ['bypassPermissions', { state: 'off' }, 'warn', 'alert', 'unsandboxed · no prompts'],
    ['ask', { state: 'off' }, 'warn', 'alert', 'unsandboxed · asks'],
    ['bypassPermissions', undefined, 'warn', 'alert', 'unsandboxed · no prompts'],
  ])('%s with %j: %s, %s, %s', (permissionMode, sandbox, tone, icon, label) => {
    expect(sessionSafety({ permissionMode, sandbox })).toMatchObject({ tone, icon, label });
  });

  it('a session on a machine without the sandbox says what is missing', () => {
    expect(
      sessionSafety({ permissionMode: 'ask', sandbox: { state: 'unavailable', detail: 'bwrap not found' } })
        .title,
    ).toContain('bwrap not found');
  });

  it('a session of outside text says its commands reach the API only', () => {
    expect(
      sessionSafety({ permissionMode: 'ask', sandbox: { state: 'on', network: 'api' } }).title,
    ).toContain('Anthropic API only');
  });
});

describe('projectSandbox', () => {
  it('a sandboxed project reaches the API, its GitHub host, package registries, then the hosts it allows', () => {
    expect(
      projectSandbox({ host: 'github.example.com', allowedHosts: ['npm.example.com', '*.corp.example'] }),
    ).toMatchObject({
      tone: 'safe',
      icon: 'shield',
      label: 'sandboxed',
      hosts: ['the API', 'github.example.com', 'package registries', 'npm.example.com', '*.corp.example'],
    });
  });

  it('a project that opted out is a warning, lists no hosts, and names the command that turns it back on', () => {
    const off = projectSandbox({ host: 'github.com', unsandboxed: true, allowedHosts: ['npm.example.com'] });
    expect(off).toMatchObject({ tone: 'warn', icon: 'alert', label: 'unsandboxed', hosts: [] });
    expect(off.title).toContain('project set --sandbox');
  });
});

describe('sandboxInstallCommand', () => {
  it.each([
    [['socat'], 'sudo apt-get install socat'],
    [['bwrap', 'rg'], 'sudo apt-get install bubblewrap ripgrep'],
    [[], 'sudo apt-get install bubblewrap socat ripgrep'],
  ])('%j → %s', (missing, command) => {
    expect(sandboxInstallCommand(missing)).toBe(command);
  });
});
