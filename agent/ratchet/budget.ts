import type { Session } from '../../shared/domain.js';

/** What fixers have cost (USD): each workspace's fixer sessions, and all fixers' today (UTC). */
export interface FixerSpend {
  byWorkspace: ReadonlyMap<string, number>;
  day: number;
}

/**
 * What fixers have cost — pure. `today` is a UTC date (`YYYY-MM-DD`): a
 * fixer counts toward the day it was started on.
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

/**
 * The fixers' budget as decisions weigh it: what they have cost, summed
 * once per tick (and per look at one PR) rather than once per PR, read per
 * workspace by each decision of that tick.
 */
export class FixerBudget {
  readonly #sessions: () => readonly Session[];
  #spend: FixerSpend = { byWorkspace: new Map(), day: 0 };

  constructor(sessions: () => readonly Session[]) {
    this.#sessions = sessions;
  }

  /** Sums what fixers have cost, as of `at` (its UTC day is "today"). */
  count(at: Date): void {
    this.#spend = fixerSpend(this.#sessions(), at.toISOString().slice(0, 10));
  }

  /** What a PR's next fix is weighed against: its fixers' cost, and all fixers' today. */
  spentOn(workspaceId: string): { pr: number; day: number } {
    return { pr: this.#spend.byWorkspace.get(workspaceId) ?? 0, day: this.#spend.day };
  }
}
