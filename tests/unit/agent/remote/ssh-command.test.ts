import { describe, expect, it } from 'vitest';
import { remoteCheck } from '../../../../agent/cli/doctor.js';
import { formatRemotes } from '../../../../agent/cli/remotes.js';
import {
  backoffMs,
  controlArgs,
  controlPath,
  latencyChanged,
  masterArgs,
  remoteCommandArgs,
  type SshTarget,
  sshErrorLine,
} from '../../../../agent/remote/ssh-command.js';
import { RemoteAddParams } from '../../../../shared/protocol.js';

const target: SshTarget = {
  name: 'box',
  destination: 'me@dev.example',
  port: 2222,
  identity: '/k/id',
  options: ['ProxyJump=bastion', 'ServerAliveInterval=30'],
};

describe('ssh argv for a remote', () => {
  it('the master multiplexes, runs nothing, and puts the destination after --', () => {
    const args = masterArgs(target, '/h/ssh/box-%C');
    expect(args.slice(0, 7)).toEqual([
      '-N',
      '-o',
      'ControlMaster=yes',
      '-o',
      'ControlPersist=no',
      '-o',
      'ExitOnForwardFailure=yes',
    ]);
    expect(args.slice(-2)).toEqual(['--', 'me@dev.example']);
    expect(args).toContain('ControlPath=/h/ssh/box-%C');
    expect(args.join(' ')).toContain('-p 2222 -i /k/id');
  });

  it("the user's -o come before ff's defaults, so theirs win (ssh keeps the first value)", () => {
    const args = masterArgs(target, '/p');
    expect(args.indexOf('ServerAliveInterval=30')).toBeLessThan(args.indexOf('ServerAliveInterval=5'));
    expect(args.indexOf('ControlPath=/p')).toBeLessThan(args.indexOf('ProxyJump=bastion'));
  });

  it('a forward is loopback to loopback', () => {
    expect(controlArgs(target, '/p', 'forward', { localPort: 5000, remotePort: 47100 }).slice(0, 4)).toEqual([
      '-O',
      'forward',
      '-L',
      '127.0.0.1:5000:127.0.0.1:47100',
    ]);
  });

  it('a remote command is one fixed string after the destination, never a master', () => {
    const args = remoteCommandArgs(target, '/p', 'ff-agent status --json');
    expect(args.slice(0, 2)).toEqual(['-o', 'ControlMaster=no']);
    expect(args.slice(-3)).toEqual(['--', 'me@dev.example', 'ff-agent status --json']);
  });

  it('the control socket stays under the unix socket length limit', () => {
    expect(controlPath('/home/me/.ff', 'box')).toBe('/home/me/.ff/ssh/box-%C');
    const deep = `/tmp/${'x'.repeat(80)}`;
    const path = controlPath(deep, 'box');
    expect(path).toMatch(/^\/tmp\/ff-ssh-[0-9a-f]{10}\/box-%C$/);
    expect(path.replace('%C', 'f'.repeat(40)).length).toBeLessThanOrEqual(100);
    expect(controlPath(`/tmp/${'y'.repeat(80)}`, 'box')).not.toBe(path);
  });
});

describe('reconnect backoff', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [3, 8_000],
    [5, 30_000],
    [40, 30_000],
  ])('after %i failures waits %i ms', (attempt, ms) => {
    expect(backoffMs(attempt)).toBe(ms);
  });
});

describe('latencyChanged: which health-check round trips are published', () => {
  it.each<[number | undefined, number, boolean, string]>([
    [undefined, 0.9, true, 'the first one'],
    [1.2, 1.3, false, 'a tenth of a millisecond'],
    [1.2, 2.1, false, 'under a millisecond, though 75% more'],
    [1.2, 2.3, true, 'a millisecond and more'],
    [40, 45, false, 'a millisecond and more, but an eighth'],
    [40, 52, true, 'a quarter more'],
    [40, 28, true, 'a quarter less'],
  ])('%s ms → %s ms: %s (%s)', (before, now, changed) => {
    expect(latencyChanged(before, now)).toBe(changed);
  });
});

describe('remote add input', () => {
  const base = { name: 'box', destination: 'me@host', options: [] as string[] };
  it.each([
    [{ ...base }, true],
    [{ ...base, name: 'Box' }, false],
    [{ ...base, name: '../x' }, false],
    [{ ...base, destination: '-oProxyCommand=evil' }, false],
    [{ ...base, destination: 'me@host rm' }, false],
    [{ ...base, options: ['ProxyJump=bastion'] }, true],
    [{ ...base, options: ['-F/etc/x'] }, false],
    [{ ...base, options: ['ProxyJump=a\nHost *'] }, false],
  ])('%j valid: %s', (params, ok) => {
    expect(RemoteAddParams.safeParse(params).success).toBe(ok);
  });
});

describe('ssh errors and remote list text', () => {
  it("keeps ssh's last real line", () => {
    expect(
      sshErrorLine(
        "Warning: Permanently added '[127.0.0.1]:22' (ED25519) to the list of known hosts.\r\nssh: connect to host x port 22: Connection refused\r\n",
      ),
    ).toBe('ssh: connect to host x port 22: Connection refused');
    expect(sshErrorLine('')).toBe('ssh failed without a message');
  });

  it('says connected, or unreachable since when and why', () => {
    const now = Date.parse('2026-01-01T00:05:00Z');
    expect(
      formatRemotes(
        [
          {
            name: 'box',
            destination: 'me@h',
            options: [],
            state: 'connected',
            since: '2026-01-01T00:00:00Z',
            localPort: 5000,
            agentVersion: '0.1.0',
          },
          {
            name: 'gpu',
            destination: 'gpu',
            port: 2222,
            options: [],
            state: 'unreachable',
            since: '2026-01-01T00:03:00Z',
            error: 'connection lost',
          },
        ],
        now,
      ),
    ).toBe(
      'box  me@h  connected (ff-agent 0.1.0, 127.0.0.1:5000)\ngpu  gpu:2222  unreachable since 2026-01-01T00:03:00Z (2m 0s ago): connection lost\n',
    );
    expect(formatRemotes([])).toMatch(/No remotes/);
  });
});

describe('doctor on a remote', () => {
  const up = {
    name: 'box',
    destination: 'me@h',
    options: [],
    state: 'connected' as const,
    since: '2026-01-01T00:00:00Z',
    agentVersion: '1.0.0',
    latencyMs: 3.2,
  };
  it.each([
    [up, 'ok', /ff-agent 1\.0\.0, round trip 3\.2 ms/],
    [{ ...up, agentVersion: '0.9.0' }, 'warn', /0\.9\.0 there, 1\.0\.0 here/],
    [{ ...up, latencyMs: undefined }, 'fail', /did not answer/],
    [
      { ...up, state: 'unreachable' as const, error: 'connection lost' },
      'fail',
      /unreachable since .*connection lost/,
    ],
    [{ ...up, state: 'connecting' as const }, 'warn', /connecting/],
  ])('%j → %s', (remote, status, detail) => {
    const check = remoteCheck(remote, '1.0.0');
    expect(check.status).toBe(status);
    expect(check.detail).toMatch(detail);
  });
});
