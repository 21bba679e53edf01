import { describe, expect, it } from 'vitest';
import { previewToOpen } from '../../../../agent/cli/workspaces.js';
import {
  forwardFailure,
  forwardKey,
  forwardUrl,
  idleForwards,
  missesAfter,
  stdioForwardArgs,
} from '../../../../agent/remote/preview-forwards.js';
import { previewOn } from '../../../../agent/remote/preview-open.js';
import type { Preview } from '../../../../shared/domain.js';

const route = {
  target: { name: 'box', destination: 'me@box', port: 2222, identity: '/k/id', options: ['User=me'] },
  path: '/h/ssh/box-%C',
};

describe('stdioForwardArgs: one connection over the remote link, as an argv (never a shell)', () => {
  it('reuses the master, carries the remote add options, and reaches only the remote loopback port', () => {
    const args = stdioForwardArgs(route, '127.0.0.1', 5173);
    expect(args.slice(0, 2)).toEqual(['-o', 'ControlMaster=no']);
    expect(args).toContain('ControlPath=/h/ssh/box-%C');
    expect(args.join(' ')).toContain('-p 2222 -i /k/id -o IdentitiesOnly=yes -o User=me');
    expect(args.join(' ')).toContain('BatchMode=yes');
    expect(args.slice(-4)).toEqual(['-W', '127.0.0.1:5173', '--', 'me@box']);
  });

  it('an IPv6 loopback is bracketed, as ssh reads host:port', () => {
    expect(stdioForwardArgs(route, '::1', 5173).slice(-4, -2)).toEqual(['-W', '[::1]:5173']);
  });

  it('a destination that looks like an option stays the destination (after --)', () => {
    const args = stdioForwardArgs(
      { ...route, target: { ...route.target, destination: '-oProxyCommand=x' } },
      '127.0.0.1',
      80,
    );
    expect(args.indexOf('--')).toBe(args.length - 2);
  });
});

describe('forwards are named and addressed on loopback', () => {
  it.each([
    ['box', 5173, 'box:5173'],
    ['gpu-2', 80, 'gpu-2:80'],
  ])('%s port %i is forward %s', (remote, port, key) => {
    expect(forwardKey(remote, port)).toBe(key);
  });

  it('the URL names 127.0.0.1, where the forward listens', () => {
    expect(forwardUrl(40123)).toBe('http://127.0.0.1:40123/');
  });
});

describe('idleForwards: a forward closes only once nothing has used it for the idle time', () => {
  const now = 1_000_000;
  it.each([
    ['unused for exactly the idle time', { connections: 0, lastUsedAt: now - 600 }, true],
    ['unused for longer', { connections: 0, lastUsedAt: now - 5_000 }, true],
    ['used a moment ago', { connections: 0, lastUsedAt: now - 599 }, false],
    ['an open page holds a connection, however long ago it came', { connections: 1, lastUsedAt: 0 }, false],
  ])('%s: closed %s', (_, use, closed) => {
    expect(idleForwards([{ key: 'box:1', ...use }], now, 600)).toEqual(closed ? ['box:1'] : []);
  });
});

const preview = (port: number): Preview => ({
  port,
  url: `http://localhost:${port}/`,
  pid: 1,
  command: 'vite',
});

describe('previewOn: only a port the workspace listens on opens', () => {
  const ready = { id: 'w1', status: 'ready' as const, previews: [preview(5173), preview(8080)] };

  it('a listed port is its preview', () => {
    expect(previewOn(ready, 8080, 'box')).toEqual(preview(8080));
  });

  it.each([
    [
      'another port, naming the ones there are',
      ready,
      22,
      /Port 22 is not a preview of workspace w1 on box: its previews are 5173, 8080\. ff opens only/,
    ],
    [
      'a workspace that listens on nothing, saying how to start its app',
      { ...ready, previews: [] },
      5173,
      /nothing it started listens on a port \(start its app: `ff-agent workspace run w1`\)/,
    ],
    [
      'a workspace without previews (not measured)',
      { id: 'w1', status: 'ready' as const },
      5173,
      /not a preview of workspace w1 on box/,
    ],
    [
      'an archived workspace',
      { ...ready, status: 'archived' as const },
      5173,
      /Workspace w1 on box is archived: only a ready workspace has previews/,
    ],
  ])('refused: %s', (_, workspace, port, message) => {
    expect(() => previewOn(workspace, port, 'box')).toThrow(message);
  });

  it('a local workspace is not said to be "on local"', () => {
    expect(() => previewOn(ready, 22, 'local')).toThrow(/^Port 22 is not a preview of workspace w1: /);
  });
});

describe('previewToOpen: `workspace open` without --port opens the only preview', () => {
  it.each([
    ['the port asked for, as asked', [preview(1)], 9, 9],
    ['the only preview', [preview(5173)], undefined, 5173],
  ])('%s', (_, previews, port, expected) => {
    expect(previewToOpen({ id: 'w1', previews }, port)).toBe(expected);
  });

  it.each([
    ['none', [], /has no previews.*workspace run w1/],
    ['several', [preview(1), preview(2)], /has 2 previews \(1, 2\): choose one with --port/],
  ])('refused with %s', (_, previews, message) => {
    expect(() => previewToOpen({ id: 'w1', previews }, undefined)).toThrow(message);
  });
});

describe('forwardFailure: a forward that cannot open says why, and what to do', () => {
  it.each([
    [
      'nothing listens (direct connection)',
      'channel 0: open failed: connect failed: Connection refused\nstdio forwarding failed\n',
      /: channel 0: open failed: connect failed: Connection refused\. Nothing listens on port 5173 there now/,
    ],
    [
      'the sshd forbids forwarding',
      'channel 0: open failed: administratively prohibited: open failed\nstdio forwarding failed\n',
      /administratively prohibited.*must allow TCP forwarding \(AllowTcpForwarding yes\)/,
    ],
    [
      'through the master',
      'Stdio forwarding request failed: Session open refused by peer\n',
      /over ssh: Stdio forwarding request failed: Session open refused by peer\.$/,
    ],
    [
      'the host is gone',
      'ssh: connect to host box port 22: No route to host\n',
      /^Could not forward port 5173 on box over ssh: ssh: connect to host box port 22: No route to host\.$/,
    ],
  ])('%s', (_, stderr, message) => {
    expect(forwardFailure(stderr, 5173, 'box')).toMatch(message);
  });
});

describe('missesAfter: a forward closes once its port is found no preview twice in a row', () => {
  it.each([
    ['still a preview: none', 1, true, 0],
    ['no preview: one more', 0, false, 1],
    ['no preview again: two', 1, false, 2],
    ['the remote cannot say (unreachable, slow): as it was', 1, undefined, 1],
  ])('%s', (_, misses, stillPreview, after) => {
    expect(missesAfter(misses, stillPreview)).toBe(after);
  });
});
