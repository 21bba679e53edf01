/**
 * How a session is walled in, as every surface says it: inside the OS sandbox or not, and
 * whether it asks before tools. The agent decides (agent/claude/session-sandbox.ts); the
 * popup, workspace page, fleet, PR panel and CLI read `sessionSafety` so they all say the
 * same thing. Pure; the extension imports it without zod's weight (the schema is lazy).
 */
import { z } from 'zod';
import type { PermissionMode } from './permission-mode.js';

/**
 * `on`: inside the OS sandbox (writes only its worktree, the git data it commits with, its temp
 * dir; reads all but ff's home, credentials and other workspaces; network only to allowed hosts).
 * `off`: its project runs sessions unsandboxed (`project set --no-sandbox`), an explicit choice.
 * `unavailable`: this machine has no OS sandbox; the session asks before each tool instead.
 * `network`: `project` (the API, the project's GitHub host, package registries and the hosts the
 * project allows) or `api` (the API only: text by people outside the repo, a fork's PR).
 */
export const SessionSandbox = z.lazy(() =>
  z.object({
    state: z.enum(['on', 'off', 'unavailable']),
    network: z.enum(['project', 'api']).optional(),
    /** For `unavailable`: what is missing and the one command that installs it. */
    detail: z.string().optional(),
  }),
);
export type SessionSandbox = z.infer<typeof SessionSandbox>;

export interface SessionSafety {
  /** `safe`: sandboxed. `warn`: no sandbox (by choice, or none here). */
  tone: 'safe' | 'warn';
  icon: 'shield' | 'alert';
  /** A few words for a badge: "sandboxed", "unsandboxed · no prompts", … */
  label: string;
  /** The sentence behind the badge (its title, the CLI's line). */
  title: string;
}

/** What a session's mode and sandbox mean, in the words every surface shows — pure. */
export function sessionSafety(session: {
  permissionMode: PermissionMode;
  sandbox?: SessionSandbox | undefined;
}): SessionSafety {
  const asks = session.permissionMode === 'ask';
  const sandbox = session.sandbox ?? { state: 'off' };
  if (sandbox.state === 'on') {
    const network =
      sandbox.network === 'api'
        ? 'its commands reach the Anthropic API only'
        : "its commands reach only the API, the project's GitHub host, package registries and the hosts the project allows";
    return {
      tone: 'safe',
      icon: 'shield',
      label: asks ? 'sandboxed · asks' : 'sandboxed',
      title: `Runs inside the OS sandbox${asks ? ' and asks before each tool' : ', without permission prompts'}: it writes only its worktree, cannot read ff's home, your credentials or other workspaces, and ${network}.`,
    };
  }
  if (sandbox.state === 'unavailable')
    return {
      tone: 'warn',
      icon: 'alert',
      label: 'no sandbox · asks',
      title: `No OS sandbox on this machine, so it asks before each tool. ${sandbox.detail ?? ''}`.trim(),
    };
  return asks
    ? {
        tone: 'warn',
        icon: 'alert',
        label: 'unsandboxed · asks',
        title: 'Runs outside the OS sandbox and asks before each tool.',
      }
    : {
        tone: 'warn',
        icon: 'alert',
        label: 'unsandboxed · no prompts',
        title:
          'Runs outside the OS sandbox without permission prompts (the project chose `--no-sandbox`): any command, with your rights, network and credentials.',
      };
}

/** A project's sandbox as its lists say it (Options, `project list`): on or off, and where its sessions may reach. */
export interface ProjectSandbox {
  tone: SessionSafety['tone'];
  icon: SessionSafety['icon'];
  label: 'sandboxed' | 'unsandboxed';
  /** What its sandboxed sessions' commands may reach, in order; empty when off. */
  hosts: string[];
  /** The sentence behind it, with the CLI command that changes it (Options shows, the CLI edits). */
  title: string;
}

/** What a project's `unsandboxed` and `allowedHosts` mean, in the words its lists show — pure. */
export function projectSandbox(project: {
  host: string;
  unsandboxed?: boolean | undefined;
  allowedHosts?: readonly string[] | undefined;
}): ProjectSandbox {
  if (project.unsandboxed)
    return {
      tone: 'warn',
      icon: 'alert',
      label: 'unsandboxed',
      hosts: [],
      title: 'Its sessions run outside the OS sandbox (`ff-agent project set --sandbox` turns it on).',
    };
  return {
    tone: 'safe',
    icon: 'shield',
    label: 'sandboxed',
    hosts: ['the API', project.host, 'package registries', ...(project.allowedHosts ?? [])],
    title:
      'Its sessions run inside the OS sandbox; `ff-agent project set --allow-host <host>` lets them reach one more host.',
  };
}

/** The Debian/Ubuntu packages the Linux sandbox needs, by the command each provides. */
export const LINUX_SANDBOX_PACKAGES: ReadonlyArray<readonly [command: string, pkg: string]> = [
  ['bwrap', 'bubblewrap'],
  ['socat', 'socat'],
  ['rg', 'ripgrep'],
];

/** The one command that installs what is missing (Debian/Ubuntu) — pure. */
export function sandboxInstallCommand(missing: readonly string[]): string {
  const packages = LINUX_SANDBOX_PACKAGES.filter(([command]) => missing.includes(command)).map(
    ([, pkg]) => pkg,
  );
  return `sudo apt-get install ${(packages.length ? packages : LINUX_SANDBOX_PACKAGES.map(([, p]) => p)).join(' ')}`;
}
