import type { Session } from '../../shared/domain.js';

/** What fixers have cost (USD): each workspace's fixer sessions, and all fixers' today (UTC). */
export interface FixerSpend {
  byWorkspace: ReadonlyMap<string, number>;
  day: number;
}

/**
 * What fixers have cost, summed once per tick — pure. `today` is a UTC date
 * (`YYYY-MM-DD`): a fixer counts toward the day it was started on.
 */
export function fixerSpend(sessions: readonly Session[], today: string): FixerSpend {
  const byWorkspace = new Map<string, number>();
  let day = 0;
  for (const session of sessions) {
    if (session.kind !== 'ratchet') continue;
    byWorkspace.set(session.workspaceId, (byWorkspace.get(session.workspaceId) ?? 0) + session.costUsd);
    if (session.createdAt.startsWith(today)) day += session.costUsd;
  }
  return { byWorkspace, day };
}

/** What decide weighs a PR's next fix against: its fixers' spend, and all fixers' today. */
export function spentOn(spend: FixerSpend, workspaceId: string): { pr: number; day: number } {
  return { pr: spend.byWorkspace.get(workspaceId) ?? 0, day: spend.day };
}

/** The UTC date of an instant (`YYYY-MM-DD`): the day a budget counts toward. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
