import { describe, expect, it } from 'vitest';
import {
  badgeText,
  costBars,
  fleetRows,
  formatDuration,
  inbox,
  sortRows,
  spansMachines,
} from '../../../extension/lib/fleet-model.js';
import type { SessionView, WorkspaceView } from '../../../shared/domain.js';
import { permissionsWaiting } from '../../../shared/session-counts.js';

const workspace = (id: string, project: string, issue: number) =>
  ({
    id,
    project,
    branch: `ff/${issue}`,
    issue: { number: issue, title: `task ${issue}` },
  }) as unknown as WorkspaceView;
const session = (id: string, workspaceId: string, over: Partial<SessionView> = {}) =>
  ({
    id,
    workspaceId,
    kind: 'chat',
    title: '',
    status: 'idle',
    costUsd: 0,
    turns: 0,
    createdAt: '2026-11-01T00:00:00Z',
    pendingPermissions: [],
    ...over,
  }) as SessionView;
const ask = (requestId: string, at: string) => ({ requestId, toolName: 'Write', input: {}, at });

describe('fleet model', () => {
  const workspaces = [workspace('w1', 'octo/app', 1), workspace('w2', 'octo/web', 2)];
  const sessions = [
    session('s1', 'w1', {
      status: 'waiting-permission',
      pendingPermissions: [ask('r3', '2026-11-01T10:03:00Z')],
      costUsd: 2,
    }),
    session('s2', 'w2', {
      status: 'waiting-permission',
      pendingPermissions: [ask('r1', '2026-11-01T10:01:00Z'), ask('r2', '2026-11-01T10:02:00Z')],
      costUsd: 5,
    }),
    session('s3', 'w1', { status: 'running', costUsd: 1 }),
  ];

  it('the inbox holds every pending request across sessions, oldest first, with its repo and workspace', () => {
    expect(
      inbox(sessions, workspaces).map((i) => [i.request.requestId, i.sessionId, i.repo, i.workspace]),
    ).toEqual([
      ['r1', 's2', 'octo/web', '#2 task 2'],
      ['r2', 's2', 'octo/web', '#2 task 2'],
      ['r3', 's1', 'octo/app', '#1 task 1'],
    ]);
    // The toolbar badge counts the same requests.
    expect(permissionsWaiting(sessions)).toBe(inbox(sessions, workspaces).length);
  });

  it.each([
    [0, ''],
    [3, '3'],
    [120, '99+'],
  ])('the badge for %i waiting is %j', (count, text) => {
    expect(badgeText(count)).toBe(text);
  });

  it('rows show each session sandboxed (a shield) or not (a warning), and count what its sandbox blocked', () => {
    const rows = fleetRows(
      [
        session('a', 'w1', {
          permissionMode: 'bypassPermissions',
          sandbox: { state: 'on', network: 'project' },
          blocked: 3,
        }),
        session('b', 'w1', { permissionMode: 'bypassPermissions', sandbox: { state: 'off' } }),
      ],
      workspaces,
      [],
      0,
    );
    expect(rows.map((r) => [r.safety.icon, r.safety.label, r.blocked])).toEqual([
      ['shield', 'sandboxed', 3],
      ['alert', 'unsandboxed · no prompts', 0],
    ]);
  });

  it('rows carry the live figures, and sort by any column either way', () => {
    const rows = fleetRows(
      sessions,
      workspaces,
      [
        {
          sessionId: 's3',
          statusSince: '2026-11-01T10:00:00Z',
          tool: { name: 'Bash', summary: 'npm test', since: '2026-11-01T10:00:00Z' },
          process: { pid: 9, cpuPercent: 50, rssBytes: 200 * 1024 * 1024 },
        },
      ],
      Date.parse('2026-11-01T10:01:30Z'),
    );
    expect(rows.find((r) => r.id === 's3')).toMatchObject({
      tool: 'Bash npm test',
      inStateMs: 90_000,
      cpuPercent: 50,
    });
    expect(sortRows(rows, 'costUsd', true).map((r) => r.id)).toEqual(['s2', 's1', 's3']);
    expect(sortRows(rows, 'costUsd', false).map((r) => r.id)).toEqual(['s3', 's1', 's2']);
    // By state: what needs you first.
    expect(sortRows(rows, 'status', false).map((r) => r.status)).toEqual([
      'waiting-permission',
      'waiting-permission',
      'running',
    ]);
    // Sessions without a process sort below those with one.
    expect(sortRows(rows, 'cpuPercent', true)[0]?.id).toBe('s3');
  });

  it('rows say which machine they run on; sorting by it puts this computer first, remotes by name', () => {
    const on = (machine: string, id: string, project: string, issue: number) => ({
      ...workspace(id, project, issue),
      machine,
    });
    const spread = [
      on('zeta', 'wz', 'octo/app', 5),
      on('devbox', 'wd', 'octo/app', 4),
      on('local', 'wl', 'octo/web', 3),
    ];
    const rows = fleetRows(
      [session('a', 'wz'), session('b', 'wl'), session('c', 'wd'), session('d', 'wd')],
      spread as WorkspaceView[],
      [],
      0,
    );
    expect(sortRows(rows, 'machine', false).map((r) => [r.machine, r.id])).toEqual([
      ['local', 'b'],
      ['devbox', 'c'],
      ['devbox', 'd'],
      ['zeta', 'a'],
    ]);
    expect(sortRows(rows, 'machine', true).map((r) => r.machine)).toEqual([
      'zeta',
      'devbox',
      'devbox',
      'local',
    ]);
    expect(spansMachines(rows)).toBe(true);
    // Without remotes (untagged rows from an agent that has none), the fleet names no machine.
    expect(spansMachines(fleetRows(sessions, workspaces, [], 0))).toBe(false);
  });

  it('stacks each day’s repos into one bar scaled to the costliest day', () => {
    const { bars, max } = costBars(
      {
        days: ['d1', 'd2'],
        repos: [
          { repo: 'a', usd: [1, 3] },
          { repo: 'b', usd: [1, 1] },
        ],
        totalUsd: 6,
      },
      200,
      100,
    );
    expect(max).toBe(4);
    expect(bars[1]?.segments).toEqual([
      { repo: 'a', y: 25, height: 75, usd: 3 },
      { repo: 'b', y: 0, height: 25, usd: 1 },
    ]);
    expect(bars[0]?.segments.map((s) => s.height)).toEqual([25, 25]);
    expect(bars.map((b) => b.x)).toEqual([0, 100]);
  });

  it.each([
    [450, true, '450ms'],
    [2340, true, '2.3s'],
    [45_000, false, '45s'],
    [192_000, false, '3m 12s'],
    [7_500_000, false, '2h 5m'],
  ])('%i ms reads %j', (ms, precise, text) => {
    expect(formatDuration(ms, precise as boolean)).toBe(text);
  });
});
