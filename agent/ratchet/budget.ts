import type { Session } from '../../shared/domain.js';
import type { RatchetSettings } from '../../shared/ratchet.js';

/**
 * What fixers cost, and what they may still spend. Budgets are reserved
 * before a fixer's turn starts (an estimate from its session's recent turns),
 * enforced while it runs (a turn that passes its PR's or the day's budget is
 * stopped) and shown live (spent so far includes the running turn). The
 * rules are pure functions here, table-tested in
 * tests/unit/agent/ratchet/budget.test.ts; `FixerBudget` keeps the holds.
 */

/** What fixers' finished turns have cost (USD): each workspace's fixer sessions, and all fixers' today (UTC). */
export interface FixerSpend {
  byWorkspace: ReadonlyMap<string, number>;
  day: number;
}

/**
 * What fixers' finished turns have cost — pure. `today` is a UTC date
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

/**
 * A fixer the ratchet dispatched, from the decision to start or tell it
 * until its session is idle again: what it reserved, and what its session
 * had cost by then (what it finishes since is taken from the reservation).
 */
export interface FixerHold {
  workspaceId: string;
  /** Its session, once started. */
  sessionId?: string;
  reservedUsd: number;
  /** Its session's finished cost when the hold was made (0 for a session not yet started). */
  baseUsd: number;
  /** Whether it counts toward today's budget (a fixer counts toward the day it was started on). */
  today: boolean;
  /** Its turn was stopped for passing a budget, when the session had finished this many turns: a later turn is stopped at once. */
  stopped?: { turns: number };
}

/** A hold's session as it is now: its finished cost, and what its running turn has cost so far. */
export interface HoldCosts {
  finishedUsd: number;
  turnUsd: number;
}

/**
 * What a hold counts for beyond finished turns — pure: the part of its
 * reservation its finished turns have not used, or its running turn's cost
 * when that is more.
 */
export function heldUsd(hold: Pick<FixerHold, 'reservedUsd' | 'baseUsd'>, costs: HoldCosts): number {
  const finishedSince = Math.max(0, costs.finishedUsd - hold.baseUsd);
  return Math.max(hold.reservedUsd - finishedSince, costs.turnUsd, 0);
}

/** What a PR's next fix is weighed against (USD). */
export interface Spent {
  /** This PR's fixers: finished turns plus what its running fixer holds. */
  pr: number;
  /** All fixers today: finished turns plus what running fixers hold. */
  day: number;
  /** The part of `day` that running fixers hold (reserved, or spending now). */
  dayHeld: number;
}

/**
 * Spent as a decision weighs it — pure: finished turns, plus each running
 * fixer's hold (its reservation, or its running turn if that cost more).
 */
export function spentWith(
  finished: FixerSpend,
  holds: ReadonlyArray<{ hold: FixerHold; held: number }>,
  workspaceId: string,
): Spent {
  let pr = finished.byWorkspace.get(workspaceId) ?? 0;
  let dayHeld = 0;
  for (const { hold, held } of holds) {
    if (hold.workspaceId === workspaceId) pr += held;
    if (hold.today) dayHeld += held;
  }
  return { pr, day: finished.day + dayHeld, dayHeld };
}

/** How many recent turns an estimate looks at. */
const RECENT_TURNS = 3;

/**
 * What a fixer's next turn is expected to cost — pure: the most one of its
 * session's recent turns cost; for a session with none, the most one of
 * fixers' recent turns cost; with none to go by, all that is left (of the
 * PR's budget and the day's). Never more than the PR has left (its turn is
 * stopped there anyway).
 */
export function estimateTurnUsd(
  sessionTurns: readonly number[],
  recentFixerTurns: readonly number[],
  left: { pr: number; day: number },
): number {
  const from = sessionTurns.length > 0 ? sessionTurns : recentFixerTurns;
  const pr = Math.max(0, left.pr);
  return from.length > 0
    ? Math.min(Math.max(...from.slice(-RECENT_TURNS)), pr)
    : Math.max(0, Math.min(pr, left.day));
}

/** The newest turns of fixer sessions, oldest first: what a new fixer's first turn is estimated from. */
export function recentFixerTurns(sessions: readonly Session[], count = 5): number[] {
  return sessions
    .filter((s) => s.kind === 'ratchet' && s.turnCostsUsd?.length)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .flatMap((s) => s.turnCostsUsd ?? [])
    .slice(-count);
}

/** A budget a running turn passed. */
export interface BudgetPassed {
  budget: 'pr' | 'day';
  /** What it counts as spent against that budget (USD). */
  spentUsd: number;
}

/**
 * Whether a fixer's running turn has passed a budget — pure. Its PR's
 * budget counts the PR's finished turns and this turn so far; the day's,
 * all fixers' finished turns today, this turn, and what the other running
 * fixers hold (their reservations are theirs). A turn that starts with its
 * budget already spent has passed it.
 */
export function turnPastBudget(
  input: {
    /** This PR's fixers' finished turns. */
    prFinished: number;
    /** All fixers' finished turns today. */
    dayFinished: number;
    /** What this turn has cost so far. */
    turnUsd: number;
    /** Whether this fixer counts toward today. */
    today: boolean;
    /** What the other running fixers hold today. */
    othersHeld: number;
  },
  settings: Pick<RatchetSettings, 'maxCostUsdPerPr' | 'maxCostUsdPerDay'>,
): BudgetPassed | undefined {
  const passed = (finished: number, spent: number, cap: number) => finished >= cap || spent > cap;
  const pr = input.prFinished + input.turnUsd;
  if (passed(input.prFinished, pr, settings.maxCostUsdPerPr)) return { budget: 'pr', spentUsd: pr };
  if (!input.today) return undefined;
  const day = input.dayFinished + input.turnUsd + input.othersHeld;
  if (passed(input.dayFinished, day, settings.maxCostUsdPerDay)) return { budget: 'day', spentUsd: day };
  return undefined;
}

/** What the budget reads of the sessions. */
export interface BudgetSessions {
  /** Every session's record (fixers are those of kind `ratchet`). */
  all(): readonly Session[];
  /** What a session's running turn has cost so far (0 between turns). */
  turnUsd(sessionId: string): number;
}

/** Session statuses in which a fixer may still spend (a turn runs, or is about to). */
const SPENDING: ReadonlySet<Session['status']> = new Set(['starting', 'running', 'waiting-permission']);

/**
 * The fixers' budget as the ratchet keeps it: what finished turns have cost
 * (summed once per tick and again when a fixer's turn ends, rather than once
 * per PR) and what each dispatched fixer holds until its session is idle again.
 */
export class FixerBudget {
  readonly #sessions: BudgetSessions;
  #spend: FixerSpend = { byWorkspace: new Map(), day: 0 };
  #today = '';
  readonly #holds = new Map<string, FixerHold>();

  constructor(sessions: BudgetSessions) {
    this.#sessions = sessions;
  }

  /**
   * Sums what finished turns have cost, as of `at` (its UTC day is "today"),
   * and lets go of holds whose fixer no longer spends (its session ended,
   * crashed, or went idle without the ratchet seeing its turn end).
   */
  count(at: Date): void {
    this.#today = at.toISOString().slice(0, 10);
    const sessions = this.#sessions.all();
    this.#spend = fixerSpend(sessions, this.#today);
    for (const [workspaceId, hold] of this.#holds) {
      if (!hold.sessionId) continue;
      const session = sessions.find((s) => s.id === hold.sessionId);
      if (!session || !SPENDING.has(session.status)) this.#holds.delete(workspaceId);
    }
  }

  /** What a PR's next fix is weighed against: finished turns and what running fixers hold. */
  spentOn(workspaceId: string): Spent {
    return spentWith(this.#spend, this.#held(), workspaceId);
  }

  /** What the next turn of a workspace's fixer (`sessionId`, or a new one) is expected to cost, given what is left. */
  estimate(sessionId: string | undefined, left: { pr: number; day: number }): number {
    const sessions = this.#sessions.all();
    const own = sessionId ? (sessions.find((s) => s.id === sessionId)?.turnCostsUsd ?? []) : [];
    return estimateTurnUsd(own, recentFixerTurns(sessions), left);
  }

  /**
   * A fixer dispatched with `usd` reserved (before its turn starts): a new
   * one, or the session `sessionId` told something new. Telling a fixer that
   * still holds budget adds to what it holds.
   */
  reserve(workspaceId: string, usd: number, sessionId?: string): void {
    const held = this.#holds.get(workspaceId);
    if (held && sessionId && held.sessionId === sessionId) {
      held.reservedUsd += usd;
      return;
    }
    const session = sessionId ? this.#sessions.all().find((s) => s.id === sessionId) : undefined;
    this.#holds.set(workspaceId, {
      workspaceId,
      ...(sessionId ? { sessionId } : {}),
      reservedUsd: usd,
      baseUsd: session?.costUsd ?? 0,
      today: !session || session.createdAt.startsWith(this.#today),
    });
  }

  /** The fixer a reservation was made for has started: its session. */
  started(workspaceId: string, sessionId: string): void {
    const hold = this.#holds.get(workspaceId);
    if (hold) hold.sessionId = sessionId;
  }

  /** The workspace's fixer holds nothing any more (its dispatch failed, or it is idle again). */
  release(workspaceId: string): void {
    this.#holds.delete(workspaceId);
  }

  /** The hold of the fixer session `sessionId`, if the ratchet dispatched it and it has not gone idle since. */
  holdOf(sessionId: string): FixerHold | undefined {
    for (const hold of this.#holds.values()) if (hold.sessionId === sessionId) return hold;
    return undefined;
  }

  /**
   * Whether the running turn of a dispatched fixer has passed its PR's or
   * the day's budget (see turnPastBudget), with what it counts as spent.
   */
  pastBudget(
    hold: FixerHold,
    settings: Pick<RatchetSettings, 'maxCostUsdPerPr' | 'maxCostUsdPerDay'>,
  ): BudgetPassed | undefined {
    const othersHeld = this.#held()
      .filter((h) => h.hold !== hold && h.hold.today)
      .reduce((sum, h) => sum + h.held, 0);
    return turnPastBudget(
      {
        prFinished: this.#spend.byWorkspace.get(hold.workspaceId) ?? 0,
        dayFinished: this.#spend.day,
        turnUsd: this.#turnUsd(hold),
        today: hold.today,
        othersHeld,
      },
      settings,
    );
  }

  /** What a PR's fixers have spent, live: finished turns and the running turn so far. */
  spentLive(workspaceId: string): number {
    const hold = this.#holds.get(workspaceId);
    return (this.#spend.byWorkspace.get(workspaceId) ?? 0) + (hold ? this.#turnUsd(hold) : 0);
  }

  #turnUsd(hold: FixerHold): number {
    return hold.sessionId ? this.#sessions.turnUsd(hold.sessionId) : 0;
  }

  #held(): Array<{ hold: FixerHold; held: number }> {
    const sessions = this.#sessions.all();
    return [...this.#holds.values()].map((hold) => {
      const session = hold.sessionId ? sessions.find((s) => s.id === hold.sessionId) : undefined;
      return {
        hold,
        held: heldUsd(hold, { finishedUsd: session?.costUsd ?? 0, turnUsd: this.#turnUsd(hold) }),
      };
    });
  }
}
