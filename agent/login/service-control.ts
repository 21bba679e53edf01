import { posix } from 'node:path';
import { NATIVE_HOST_NAME } from '../../shared/extension-identity.js';
import { type InstallPlan, type LaunchedBy, SYSTEMD_UNIT } from './install-plan.js';

/**
 * How `ff-agent stop`, `start` and `restart` reach the agent — pure. An agent its login
 * service runs is stopped and started through that service's manager, so it does not come
 * straight back (or stay down at the next login); one started by hand or in the background
 * gets SIGTERM, its own clean shutdown; a start with no service runs it in the background.
 */
export type ServiceAction = 'stop' | 'start' | 'restart';

export type ControlStep =
  /** Run this command; `orElse` is tried when it fails (launchd: kickstart needs a loaded job). */
  | { kind: 'command'; argv: string[]; orElse?: string[] }
  | { kind: 'signal'; pid: number }
  | { kind: 'start-detached' };

export interface ControlContext {
  /** The running agent's pid and how it was started; undefined when none runs. */
  running?: { pid: number; launchedBy: LaunchedBy };
  /** The login service install set up (install.json), if any. */
  autostart?: InstallPlan['autostart'];
  uid: number;
  /** The user's home (the LaunchAgent's plist lives under it). */
  home: string;
}

export function launchdTarget(uid: number): string {
  return `gui/${uid}/${NATIVE_HOST_NAME}`;
}

function stopSteps(ctx: ControlContext): ControlStep[] {
  const running = ctx.running;
  if (!running) return [];
  if (running.launchedBy === 'systemd')
    return [{ kind: 'command', argv: ['systemctl', '--user', 'stop', SYSTEMD_UNIT] }];
  if (running.launchedBy === 'launchd')
    return [{ kind: 'command', argv: ['launchctl', 'bootout', launchdTarget(ctx.uid)] }];
  return [{ kind: 'signal', pid: running.pid }];
}

function startSteps(ctx: ControlContext): ControlStep[] {
  if (ctx.autostart === 'systemd')
    return [{ kind: 'command', argv: ['systemctl', '--user', 'start', SYSTEMD_UNIT] }];
  if (ctx.autostart === 'launchd') {
    const plist = posix.join(ctx.home, 'Library', 'LaunchAgents', `${NATIVE_HOST_NAME}.plist`);
    return [
      {
        kind: 'command',
        argv: ['launchctl', 'kickstart', launchdTarget(ctx.uid)],
        orElse: ['launchctl', 'bootstrap', `gui/${ctx.uid}`, plist],
      },
    ];
  }
  return [{ kind: 'start-detached' }];
}

/** The steps for an action, in order; an empty list means there is nothing to do. */
export function controlSteps(action: ServiceAction, ctx: ControlContext): ControlStep[] {
  if (action === 'stop') return stopSteps(ctx);
  if (action === 'start') return ctx.running ? [] : startSteps(ctx);
  // A service restarts in one step of its manager (it stops and starts its own process).
  if (ctx.running?.launchedBy === 'systemd')
    return [{ kind: 'command', argv: ['systemctl', '--user', 'restart', SYSTEMD_UNIT] }];
  if (ctx.running?.launchedBy === 'launchd')
    return [{ kind: 'command', argv: ['launchctl', 'kickstart', '-k', launchdTarget(ctx.uid)] }];
  return [...stopSteps(ctx), ...startSteps(ctx)];
}

/** How an agent started this way is described to the user. */
export function describeLaunch(how: LaunchedBy): string {
  return {
    systemd: `by systemd --user (${SYSTEMD_UNIT})`,
    launchd: `by launchd (${NATIVE_HOST_NAME})`,
    login: 'at login (XDG autostart)',
    detached: 'in the background',
    terminal: 'by hand (a terminal or npm start)',
  }[how];
}
