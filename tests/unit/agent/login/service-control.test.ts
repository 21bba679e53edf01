import { describe, expect, it } from 'vitest';
import {
  type ControlContext,
  controlSteps,
  type ServiceAction,
} from '../../../../agent/login/service-control.js';

const home = '/Users/mona';
const ctx = (over: Partial<ControlContext>): ControlContext => ({ uid: 501, home, ...over });
const running = (launchedBy: NonNullable<ControlContext['running']>['launchedBy']) => ({
  running: { pid: 42, launchedBy },
});

describe('controlSteps', () => {
  it.each<{ case: string; action: ServiceAction; context: ControlContext; steps: unknown[] }>([
    {
      case: 'stop: an agent systemd runs is stopped by systemd, so Restart= does not bring it back',
      action: 'stop',
      context: ctx({ ...running('systemd'), autostart: 'systemd' }),
      steps: [{ kind: 'command', argv: ['systemctl', '--user', 'stop', 'ff-agent.service'] }],
    },
    {
      case: 'stop: an agent launchd runs is booted out of launchd',
      action: 'stop',
      context: ctx({ ...running('launchd'), autostart: 'launchd' }),
      steps: [{ kind: 'command', argv: ['launchctl', 'bootout', 'gui/501/dev.ff.agent'] }],
    },
    {
      case: 'stop: one started by hand, in the background or by XDG autostart gets SIGTERM',
      action: 'stop',
      context: ctx({ ...running('terminal'), autostart: 'systemd' }),
      steps: [{ kind: 'signal', pid: 42 }],
    },
    { case: 'stop: nothing runs, nothing to do', action: 'stop', context: ctx({}), steps: [] },
    {
      case: 'start: through the installed systemd service',
      action: 'start',
      context: ctx({ autostart: 'systemd' }),
      steps: [{ kind: 'command', argv: ['systemctl', '--user', 'start', 'ff-agent.service'] }],
    },
    {
      case: 'start: launchd kickstarts a loaded job, else loads it again',
      action: 'start',
      context: ctx({ autostart: 'launchd' }),
      steps: [
        {
          kind: 'command',
          argv: ['launchctl', 'kickstart', 'gui/501/dev.ff.agent'],
          orElse: [
            'launchctl',
            'bootstrap',
            'gui/501',
            '/Users/mona/Library/LaunchAgents/dev.ff.agent.plist',
          ],
        },
      ],
    },
    {
      case: 'start: without a service manager (XDG autostart, none), in the background',
      action: 'start',
      context: ctx({ autostart: 'xdg' }),
      steps: [{ kind: 'start-detached' }],
    },
    {
      case: 'start: already running, nothing to do',
      action: 'start',
      context: ctx(running('detached')),
      steps: [],
    },
    {
      case: 'restart: systemd restarts its own process in one step',
      action: 'restart',
      context: ctx({ ...running('systemd'), autostart: 'systemd' }),
      steps: [{ kind: 'command', argv: ['systemctl', '--user', 'restart', 'ff-agent.service'] }],
    },
    {
      case: 'restart: launchd kills and starts its job (kickstart -k)',
      action: 'restart',
      context: ctx({ ...running('launchd'), autostart: 'launchd' }),
      steps: [{ kind: 'command', argv: ['launchctl', 'kickstart', '-k', 'gui/501/dev.ff.agent'] }],
    },
    {
      case: 'restart: one started by hand stops, then starts through the installed service',
      action: 'restart',
      context: ctx({ ...running('terminal'), autostart: 'systemd' }),
      steps: [
        { kind: 'signal', pid: 42 },
        { kind: 'command', argv: ['systemctl', '--user', 'start', 'ff-agent.service'] },
      ],
    },
    {
      case: 'restart: nothing runs and no service: it starts in the background',
      action: 'restart',
      context: ctx({}),
      steps: [{ kind: 'start-detached' }],
    },
  ])('$case', ({ action, context, steps }) => {
    expect(controlSteps(action, context)).toEqual(steps);
  });
});
