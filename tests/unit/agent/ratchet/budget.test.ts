import { describe, expect, it } from 'vitest';
import {
  estimateTurnUsd,
  FixerBudget,
  fixerSpend,
  heldUsd,
  recentFixerTurns,
  spentWith,
  turnPastBudget,
} from '../../../../agent/ratchet/budget.js';
import { Session } from '../../../../shared/domain.js';

const session = (
  workspaceId: string,
  costUsd: number,
  createdAt: string,
  extra: { kind?: string; status?: string; turnCostsUsd?: number[]; id?: string } = {},
) =>
  Session.parse({
    id: extra.id ?? `${workspaceId}-${createdAt}`,
    workspaceId,
    kind: extra.kind ?? 'ratchet',
    status: extra.status ?? 'idle',
    permissionMode: 'bypassPermissions',
    costUsd,
    createdAt,
    ...(extra.turnCostsUsd ? { turnCostsUsd: extra.turnCostsUsd } : {}),
  });

const caps = { maxCostUsdPerPr: 5, maxCostUsdPerDay: 10 };

describe('what fixers have cost', () => {
  const sessions = [
    session('w1', 1.5, '2026-11-24T23:59:00.000Z'),
    session('w1', 2, '2026-11-25T08:00:00.000Z'),
    session('w2', 0.25, '2026-11-25T09:00:00.000Z'),
    session('w2', 9, '2026-11-25T09:30:00.000Z', { kind: 'chat' }),
  ];

  it('a PR counts every fixer it ever had; the day counts the fixers started that UTC day; chats count for neither', () => {
    const spend = fixerSpend(sessions, '2026-11-25');
    expect(Object.fromEntries(spend.byWorkspace)).toEqual({ w1: 3.5, w2: 0.25 });
    expect(spend.day).toBe(2.25);
  });
});

describe('what a running fixer holds', () => {
  it.each([
    ['nothing spent yet: its reservation', { reservedUsd: 2, baseUsd: 1 }, { finishedUsd: 1, turnUsd: 0 }, 2],
    [
      'a turn running under it: still the reservation',
      { reservedUsd: 2, baseUsd: 1 },
      { finishedUsd: 1, turnUsd: 1.5 },
      2,
    ],
    [
      'a turn running past it: what the turn cost',
      { reservedUsd: 2, baseUsd: 1 },
      { finishedUsd: 1, turnUsd: 3 },
      3,
    ],
    [
      'a turn finished under it: the rest',
      { reservedUsd: 2, baseUsd: 1 },
      { finishedUsd: 2.5, turnUsd: 0 },
      0.5,
    ],
    [
      'turns finished past it: nothing more',
      { reservedUsd: 2, baseUsd: 1 },
      { finishedUsd: 4, turnUsd: 0 },
      0,
    ],
    [
      'turns finished past it and one running: that one',
      { reservedUsd: 2, baseUsd: 1 },
      { finishedUsd: 4, turnUsd: 0.7 },
      0.7,
    ],
  ])('%s', (_what, hold, costs, held) => {
    expect(heldUsd(hold, costs)).toBeCloseTo(held, 10);
  });

  it('counts toward its PR and, started today, toward the day; dayHeld says how much of the day is held', () => {
    const finished = { byWorkspace: new Map([['w1', 1]]), day: 3 };
    const holds = [
      { hold: { workspaceId: 'w1', reservedUsd: 2, baseUsd: 0, today: true }, held: 2 },
      { hold: { workspaceId: 'w2', reservedUsd: 4, baseUsd: 0, today: true }, held: 4 },
      { hold: { workspaceId: 'w3', reservedUsd: 8, baseUsd: 0, today: false }, held: 8 },
    ];
    expect(spentWith(finished, holds, 'w1')).toEqual({ pr: 3, day: 9, dayHeld: 6 });
    expect(spentWith(finished, holds, 'w4')).toEqual({ pr: 0, day: 9, dayHeld: 6 });
  });
});

describe('what a turn is expected to cost', () => {
  it.each([
    ['its session’s dearest recent turn', [0.5, 3, 1, 2, 1.5], [9], { pr: 5, day: 50 }, 2],
    ['capped at what the PR has left', [4], [], { pr: 2.5, day: 50 }, 2.5],
    ['a new session: the dearest recent fixer turn', [], [0.4, 1.2, 0.8], { pr: 5, day: 50 }, 1.2],
    ['nothing to go by: all the PR has left', [], [], { pr: 3.5, day: 50 }, 3.5],
    ['nothing to go by, less left today: what the day has left', [], [], { pr: 5, day: 3 }, 3],
    ['a PR with nothing left: nothing', [1], [], { pr: -0.2, day: 50 }, 0],
  ])('%s', (_what, own, recent, left, estimate) => {
    expect(estimateTurnUsd(own, recent, left)).toBe(estimate);
  });

  it('recent fixer turns are the newest fixers’ last turns, oldest first; chats do not count', () => {
    const sessions = [
      session('w2', 0, '2026-11-25T09:00:00.000Z', { turnCostsUsd: [3, 4] }),
      session('w1', 0, '2026-11-25T08:00:00.000Z', { turnCostsUsd: [1, 2] }),
      session('w3', 0, '2026-11-25T10:00:00.000Z', { kind: 'chat', turnCostsUsd: [50] }),
      session('w4', 0, '2026-11-25T11:00:00.000Z', { turnCostsUsd: [5] }),
    ];
    expect(recentFixerTurns(sessions, 4)).toEqual([2, 3, 4, 5]);
  });
});

describe('a running turn and its budgets', () => {
  const turn = { prFinished: 0, dayFinished: 0, turnUsd: 0, today: true, othersHeld: 0 };
  it.each([
    ['within both', { turnUsd: 4.9 }, undefined],
    ['exactly at the PR budget: not past it', { turnUsd: 5 }, undefined],
    ['past the PR budget', { prFinished: 3, turnUsd: 2.5 }, { budget: 'pr', spentUsd: 5.5 }],
    ['starting with the PR budget spent', { prFinished: 5 }, { budget: 'pr', spentUsd: 5 }],
    [
      'past the day with what the others hold',
      { dayFinished: 4, turnUsd: 3, othersHeld: 3.5 },
      { budget: 'day', spentUsd: 10.5 },
    ],
    ['starting with the day spent', { dayFinished: 10 }, { budget: 'day', spentUsd: 10 }],
    [
      'a fixer of another day is not weighed against today',
      { dayFinished: 9, turnUsd: 3, today: false },
      undefined,
    ],
  ] as const)('%s', (_what, input, passed) => {
    expect(turnPastBudget({ ...turn, ...input }, caps)).toEqual(passed);
  });
});

describe('FixerBudget', () => {
  const T = '2026-11-25T10:00:00.000Z';

  function world() {
    const sessions: Session[] = [];
    const turns = new Map<string, number>();
    const budget = new FixerBudget({ all: () => sessions, turnUsd: (id) => turns.get(id) ?? 0 });
    return { sessions, turns, budget };
  }

  it('three PRs failing at once: the day budget is reserved as each fixer is dispatched, so the third waits', () => {
    const { budget } = world();
    budget.count(new Date(T));
    for (const w of ['w1', 'w2']) {
      const spent = budget.spentOn(w);
      expect(spent.day).toBeLessThan(10);
      budget.reserve(
        w,
        budget.estimate(undefined, {
          pr: caps.maxCostUsdPerPr - spent.pr,
          day: caps.maxCostUsdPerDay - spent.day,
        }),
      );
    }
    expect(budget.spentOn('w3')).toEqual({ pr: 0, day: 10, dayHeld: 10 });
  });

  it('a turn is stopped past its budget, counting what the other running fixers hold; spent is shown live', () => {
    const { sessions, turns, budget } = world();
    sessions.push(session('w1', 1, T, { id: 's1', status: 'running' }));
    sessions.push(session('w2', 0, T, { id: 's2', status: 'running' }));
    budget.count(new Date(T));
    budget.reserve('w1', 2, 's1');
    budget.reserve('w2', 5, 's2');
    const hold = budget.holdOf('s1')!;
    turns.set('s1', 3);
    expect(budget.spentLive('w1')).toBe(4);
    expect(budget.pastBudget(hold, caps)).toBeUndefined();
    turns.set('s1', 4.5); // 1 + 4.5 + 5 held by w2 > 10 a day
    expect(budget.pastBudget(hold, caps)).toEqual({ budget: 'pr', spentUsd: 5.5 });
    expect(budget.pastBudget(hold, { ...caps, maxCostUsdPerPr: 50 })).toEqual({
      budget: 'day',
      spentUsd: 10.5,
    });
  });

  it('a fixer that no longer spends (idle, crashed, gone) holds nothing at the next count', () => {
    const { sessions, budget } = world();
    sessions.push(session('w1', 0, T, { id: 's1', status: 'running' }));
    budget.count(new Date(T));
    budget.reserve('w1', 3);
    budget.started('w1', 's1');
    expect(budget.spentOn('w1').pr).toBe(3);
    sessions[0]!.status = 'crashed';
    budget.count(new Date(T));
    expect(budget.spentOn('w1').pr).toBe(0);
    expect(budget.holdOf('s1')).toBeUndefined();
  });

  it('telling a busy fixer adds to what it holds; a new fixer replaces what an old one held', () => {
    const { sessions, budget } = world();
    sessions.push(session('w1', 0, T, { id: 's1', status: 'running' }));
    budget.count(new Date(T));
    budget.reserve('w1', 1, 's1');
    budget.reserve('w1', 2, 's1');
    expect(budget.spentOn('w1').pr).toBe(3);
    budget.reserve('w1', 0.5);
    expect(budget.spentOn('w1').pr).toBe(0.5);
  });

  it('finished turns are summed when counted: a decision reads the count of its tick', () => {
    const { sessions, budget } = world();
    sessions.push(session('w1', 3.5, T));
    budget.count(new Date(T));
    sessions.push(session('w3', 4, '2026-11-25T10:00:01.000Z'));
    expect(budget.spentOn('w3')).toEqual({ pr: 0, day: 3.5, dayHeld: 0 });
    budget.count(new Date('2026-11-26T00:00:00.000Z'));
    expect(budget.spentOn('w3')).toEqual({ pr: 4, day: 0, dayHeld: 0 });
  });
});
