import type { WorkspaceRatchet } from '../../shared/ratchet.js';
import type { RateLimitSeen } from '../github/client.js';
import { waitingSentence } from './decide.js';

/**
 * How often the ratchet may look at one GitHub host's PRs within the token's hourly
 * GraphQL points (5,000 for a user's token). The points are shared with everything else on
 * the token — ff's board, the user's own tools — so the ratchet plans with what GitHub
 * says is left, and stops short of 80% used: looks are spaced so the rest of the hour's
 * looks fit, at the expected cost of one; when not even one fits, the next look waits
 * for the reset. The rules are pure; `LookPace` keeps each host's.
 *
 * tests/unit/agent/ratchet/pace.test.ts holds the tables.
 */

/** The share of the hour's points past which the ratchet does not go (the rest is left to the user). */
export const BUDGET_SHARE = 0.8;

/** The hour's points as GitHub last said, while that hour lasts (ms since the epoch for `resetAt`). */
export interface Budget {
  limit: number;
  remaining: number;
  resetAt: number;
}

/** The budget GitHub last reported, while its hour lasts; undefined when unknown, unlimited or over — pure. */
export function budgetOf(seen: RateLimitSeen | undefined, now: number): Budget | undefined {
  if (seen?.limit === undefined) return undefined;
  const resetAt = Date.parse(seen.resetAt);
  if (!(resetAt > now)) return undefined;
  return { limit: seen.limit, remaining: seen.remaining, resetAt };
}

/** Points the ratchet may still spend before the reset without passing 80% of the hour's budget used — pure. */
export function spendable(budget: Budget): number {
  return Math.floor(budget.remaining - (1 - BUDGET_SHARE) * budget.limit);
}

/** When the next look at a host may be; `{}` when the schedule's own pace fits the budget. */
export interface Pace {
  /** Not before this (ms since the epoch). */
  nextAt?: number;
  /** Looks this far apart (ms), wider than the schedule's, to stay within the budget. */
  everyMs?: number;
  /** `spaced`: looks spread over the hour; `spent`: none fits before the reset. */
  why?: 'spaced' | 'spent';
}

/**
 * The pace after a look, given the budget GitHub reported, what a look is expected to cost
 * and the schedule's step (a minute by default) — pure. Looks are spaced by whole steps.
 */
export function paceFor(input: {
  budget: Budget | undefined;
  now: number;
  expectedPoints: number;
  stepMs: number;
}): Pace {
  const { budget, now, stepMs } = input;
  if (!budget) return {};
  const cost = Math.max(1, input.expectedPoints);
  const available = spendable(budget);
  if (available < cost) return { nextAt: budget.resetAt, why: 'spent' };
  const looks = Math.floor(available / cost);
  const needed = (budget.resetAt - now) / looks;
  if (needed <= stepMs) return {};
  const everyMs = Math.ceil(needed / stepMs) * stepMs;
  return { nextAt: now + everyMs, everyMs, why: 'spaced' };
}

/** Whether a scheduled tick at `now` may look (a tenth of a step early still counts: ticks start a little late) — pure. */
export function isDue(pace: Pace, now: number, stepMs: number): boolean {
  return pace.nextAt === undefined || now >= pace.nextAt - stepMs / 10;
}

/** What a pace says to people ("checking every 3 min: GitHub budget"); undefined when the schedule's holds — pure. */
export function paceWords(pace: Pace): string | undefined {
  if (pace.why === 'spaced' && pace.everyMs !== undefined) {
    const every =
      pace.everyMs >= 60_000
        ? `${Math.round(pace.everyMs / 60_000)} min`
        : `${Math.round(pace.everyMs / 1000)} s`;
    return `checking every ${every}: GitHub budget`;
  }
  if (pace.why === 'spent') return 'GitHub rate limit: waiting for its reset';
  return undefined;
}

/** What a PR's waiting sentence says of the next look under a pace: when, and why not sooner — pure. */
export function nextLookOf(pace: Pace): { at?: string; pace?: string } {
  const words = paceWords(pace);
  return {
    ...(pace.nextAt !== undefined ? { at: new Date(pace.nextAt).toISOString() } : {}),
    ...(words ? { pace: words } : {}),
  };
}

/**
 * A PR's record when its host's next look moved without a look (GitHub's rate limit holds
 * it until a reset): its waiting sentence, for the last decision, says when and why — pure.
 */
export function withNextLook(
  ratchet: WorkspaceRatchet,
  nextLook: { at?: string; pace?: string },
): WorkspaceRatchet {
  const decision = ratchet.lastDecision;
  if (!decision || !nextLook.at) return ratchet;
  return {
    ...ratchet,
    waiting: waitingSentence(
      decision,
      ratchet.pausedReason,
      nextLook.at,
      ratchet.paused ? ratchet.pausedUntil : undefined,
      nextLook.pace,
    ),
  };
}

/**
 * Each host's pace, from what its looks cost: a look is expected to cost what the
 * recurring part of the last ones did (an average that halves each look's weight), leaving
 * out reading PRs for the first time, which does not repeat.
 */
export class LookPace {
  readonly #expected = new Map<string, number>();
  readonly #paces = new Map<string, Pace>();

  /** The host's pace now. */
  of(host: string): Pace {
    return this.#paces.get(host) ?? {};
  }

  /** Whether a scheduled tick at `now` looks at the host. */
  due(host: string, now: number, stepMs: number): boolean {
    return isDue(this.of(host), now, stepMs);
  }

  /** A look at the host cost `recurringPoints` (and more for PRs read the first time); its pace from here. */
  looked(
    host: string,
    recurringPoints: number,
    seen: RateLimitSeen | undefined,
    now: number,
    stepMs: number,
  ): Pace {
    const before = this.#expected.get(host);
    const expected = before === undefined ? recurringPoints : (before + recurringPoints) / 2;
    this.#expected.set(host, expected);
    const pace = paceFor({ budget: budgetOf(seen, now), now, expectedPoints: expected, stepMs });
    this.#paces.set(host, pace);
    return pace;
  }

  /** The host's points are spent past the ratchet's share, or GitHub said to wait: no scheduled look before `resetAt`. */
  spent(host: string, resetAt: number): void {
    this.#paces.set(host, { nextAt: resetAt, why: 'spent' });
  }
}
