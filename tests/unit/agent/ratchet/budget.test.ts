import { describe, expect, it } from 'vitest';
import { FixerBudget, fixerSpend } from '../../../../agent/ratchet/budget.js';
import { Session } from '../../../../shared/domain.js';

const session = (workspaceId: string, costUsd: number, createdAt: string, kind = 'ratchet') =>
  Session.parse({
    id: `${workspaceId}-${createdAt}`,
    workspaceId,
    kind,
    status: 'idle',
    permissionMode: 'bypassPermissions',
    costUsd,
    createdAt,
  });

describe('what fixers have cost', () => {
  const sessions = [
    session('w1', 1.5, '2026-11-24T23:59:00.000Z'),
    session('w1', 2, '2026-11-25T08:00:00.000Z'),
    session('w2', 0.25, '2026-11-25T09:00:00.000Z'),
    session('w2', 9, '2026-11-25T09:30:00.000Z', 'chat'),
  ];

  it('a PR counts every fixer it ever had; the day counts the fixers started that UTC day; chats count for neither', () => {
    const spend = fixerSpend(sessions, '2026-11-25');
    expect(Object.fromEntries(spend.byWorkspace)).toEqual({ w1: 3.5, w2: 0.25 });
    expect(spend.day).toBe(2.25);
  });

  it('is summed when counted: a decision reads the count of its tick, and a PR without fixers has spent nothing', () => {
    const live = [...sessions];
    const budget = new FixerBudget(() => live);
    budget.count(new Date('2026-11-25T10:00:00.000Z'));
    live.push(session('w3', 4, '2026-11-25T10:00:01.000Z'));
    expect(budget.spentOn('w1')).toEqual({ pr: 3.5, day: 2.25 });
    expect(budget.spentOn('w3')).toEqual({ pr: 0, day: 2.25 });
    budget.count(new Date('2026-11-26T00:00:00.000Z'));
    expect(budget.spentOn('w3')).toEqual({ pr: 4, day: 0 });
  });
});
