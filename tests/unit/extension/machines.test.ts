import { describe, expect, it } from 'vitest';
import {
  compareMachines,
  connectedRemotes,
  groupByMachine,
  machineStatus,
  mergeBoardPush,
  offlineNotice,
  reconnectKey,
  remoteCameUp,
  showMachineHeaders,
  startLabel,
} from '../../../extension/lib/machines.js';
import type { Board, WorkspaceCard } from '../../../shared/board.js';
import type { RemoteView } from '../../../shared/protocol.js';
import { WorkspaceRatchet } from '../../../shared/ratchet.js';

const NOW = Date.parse('2026-12-01T04:00:00Z');
const remote = (name: string, state: RemoteView['state'], since: string, extra: Partial<RemoteView> = {}) =>
  ({ name, destination: `me@${name}`, options: [], state, since, ...extra }) as RemoteView;

describe('machine order and groups', () => {
  it('puts this computer first, then remotes by name', () => {
    expect(['zeta', 'local', 'devbox', 'alpha'].sort(compareMachines)).toEqual([
      'local',
      'alpha',
      'devbox',
      'zeta',
    ]);
  });

  it('groups items by machine, untagged ones as local, keeping their order within', () => {
    const items = [
      { id: 1, machine: 'devbox' },
      { id: 2 },
      { id: 3, machine: 'local' },
      { id: 4, machine: 'devbox' },
      { id: 5, machine: 'builder' },
    ];
    expect(groupByMachine(items).map((g) => [g.machine, g.items.map((i) => i.id)])).toEqual([
      ['local', [2, 3]],
      ['builder', [5]],
      ['devbox', [1, 4]],
    ]);
  });

  it.each([
    [[], false],
    [['local'], false],
    [['devbox'], true],
    [['local', 'devbox'], true],
  ])('headers for machines %j: %s', (machines, shown) => {
    expect(showMachineHeaders(machines)).toBe(shown);
  });
});

describe('a remote coming (back) up', () => {
  const at = (state: RemoteView['state'], since: string) => [remote('devbox', state, since)];
  it.each([
    ['it connects', at('connecting', 't1'), at('connected', 't2'), true],
    ['it reconnects after being away', at('connected', 't1'), at('connected', 't3'), true],
    ['it stays connected', at('connected', 't1'), at('connected', 't1'), false],
    ['it goes away', at('connected', 't1'), at('unreachable', 't2'), false],
    ['the first list names a connected remote', undefined, at('connected', 't1'), true],
    ['no remote at all', undefined, [], false],
  ] as const)('%s → %s', (_name, before, now, cameUp) => {
    expect(remoteCameUp(connectedRemotes(before), connectedRemotes(now))).toBe(cameUp);
  });
});

describe('machineStatus', () => {
  const remotes = [
    remote('up', 'connected', '2026-12-01T03:00:00Z', { latencyMs: 3.25 }),
    remote('down', 'unreachable', '2026-12-01T03:55:58Z', { error: 'ssh: connection lost' }),
    remote('coming', 'connecting', '2026-12-01T03:59:59Z'),
  ];

  it.each([
    ['local', 'local', 'this computer', true],
    ['up', 'connected', 'connected', true],
    ['down', 'unreachable', 'unreachable since 4m 2s ago', false],
    ['coming', 'connecting', 'connecting…', false],
    ['gone', 'unknown', 'not a remote any more', false],
  ] as const)('%s is %s: "%s", reachable %s', (machine, state, label, reachable) => {
    expect(machineStatus(machine, remotes, NOW)).toMatchObject({ machine, state, label, reachable });
  });

  it('says why and since when on hover', () => {
    expect(machineStatus('down', remotes, NOW).title).toMatch(
      /^me@down · last seen .+ · ssh: connection lost$/,
    );
    expect(machineStatus('up', remotes, NOW).title).toMatch(/round trip 3\.3 ms$/);
  });

  it('refuses nothing before the remote list has come', () => {
    expect(machineStatus('devbox', undefined, NOW)).toMatchObject({ state: 'connecting', reachable: true });
  });

  it('an unreachable machine tells the chat it cannot send, and that the transcript is the last known', () => {
    expect(offlineNotice(machineStatus('up', remotes, NOW))).toBeUndefined();
    expect(offlineNotice(machineStatus('local', remotes, NOW))).toBeUndefined();
    expect(offlineNotice(machineStatus('down', remotes, NOW))).toBe(
      'down is unreachable since 4m 2s ago. This is the last known transcript; sending resumes when it is back, and the sessions there keep running.',
    );
    expect(offlineNotice(machineStatus('coming', remotes, NOW))).toMatch(/^Connecting to coming…/);
  });

  it('the reconnect key changes when a remote comes back, not while it stays up or down', () => {
    const up1 = reconnectKey('box', [remote('box', 'connected', '2026-12-01T03:00:00Z')]);
    const down = reconnectKey('box', [remote('box', 'unreachable', '2026-12-01T03:10:00Z')]);
    const up2 = reconnectKey('box', [remote('box', 'connected', '2026-12-01T03:12:00Z')]);
    expect(new Set([up1, down, up2]).size).toBe(3);
    expect(reconnectKey('box', [remote('box', 'connected', '2026-12-01T03:12:00Z', { latencyMs: 2 })])).toBe(
      up2,
    );
    expect(reconnectKey('local', [])).toBe('');
  });

  it('the Start button names the machine when it is not this computer', () => {
    expect(startLabel('local')).toBe('Start workspace');
    expect(startLabel('devbox')).toBe('Start workspace on devbox');
  });
});

describe('mergeBoardPush', () => {
  let n = 0;
  const card = (issue: number, machine?: string): WorkspaceCard => {
    n++;
    return {
      workspace: {
        id: `w${n}`,
        projectId: 'p',
        branch: `ff/${issue}`,
        baseBranch: 'main',
        path: `/wt/${n}`,
        status: 'ready',
        warnings: [],
        ratchet: WorkspaceRatchet.parse({}),
        issue: { number: issue, title: `issue ${issue}`, url: `https://github.com/octo/app/issues/${issue}` },
        createdAt: '2026-12-01T00:00:00Z',
        updatedAt: '2026-12-01T00:00:00Z',
      },
      sessions: { total: 1, running: 1, waitingForYou: 0, list: [] },
      ...(machine ? { machine } : {}),
    } as WorkspaceCard;
  };
  const issue = (number: number) => ({
    number,
    title: `issue ${number}`,
    url: `https://github.com/octo/app/issues/${number}`,
    labels: [],
    updatedAt: '2026-12-01T00:00:00Z',
  });
  const board = (working: WorkspaceCard[], issues: number[] = [], fetched?: string): Board => ({
    project: 'octo/app',
    columns: { issues: issues.map(issue), working, waiting: [], done: [] },
    ...(fetched ? { issuesFetchedAt: fetched } : {}),
  });
  const ids = (b: Board) =>
    b.columns.working.map((c) => [c.workspace.issue?.number, (c as { machine?: string }).machine]);

  it("replaces only the pushing machine's cards, tags them with it, and orders local first", () => {
    const local = mergeBoardPush(undefined, board([card(1)], [7, 8], 'T1'), 'local');
    // The push's machine wins over what a relay left on its cards.
    const both = mergeBoardPush(local, board([card(2, 'local'), card(3)]), 'devbox');
    expect(ids(both)).toEqual([
      [1, 'local'],
      [2, 'devbox'],
      [3, 'devbox'],
    ]);
    // devbox pushes again with one card left: local's card stays, devbox's are replaced.
    const again = mergeBoardPush(both, board([card(3, 'devbox')]), 'devbox');
    expect(ids(again)).toEqual([
      [1, 'local'],
      [3, 'devbox'],
    ]);
    // A push without fetched issues keeps the ones the board had.
    expect(again.columns.issues.map((i) => i.number)).toEqual([7, 8]);
    expect(again.issuesFetchedAt).toBe('T1');
  });

  it('an issue already on a card of another machine is not offered again', () => {
    const local = mergeBoardPush(undefined, board([], [7, 8], 'T1'), 'local');
    const merged = mergeBoardPush(local, board([card(8, 'devbox')], [7, 8], 'T2'), 'devbox');
    expect(merged.columns.issues.map((i) => i.number)).toEqual([7]);
    expect(merged.issuesFetchedAt).toBe('T2');
  });
});
