import { RATCHET_STATES, type RatchetState } from '../../shared/ratchet-states.js';

/**
 * What the PR panel says about a PR, each thing once — pure. The agent's
 * sentences build on each other: the reason starts with the state's label
 * (the panel's chip), the waiting sentence and the last decision repeat the
 * reason ("CI failing: test (CI fixes are off); next look at 10:42 UTC."),
 * and when nothing is done the waiting sentence is the decision. Shown as
 * they came, a PR read the same sentence three times. Here each part is
 * said once: the chip, the checks (linked), what it waits for, when it
 * looks next, what it did last.
 */
export interface RatchetSummary {
  /** What the chip and the checks do not already say ("Merge conflict with main"). */
  reason?: string;
  /** A CI state's checks, each with its link when known: what is failing, or still running. */
  checks?: { label: 'Failing' | 'Running'; list: Array<{ name: string; url?: string }> };
  /** What the ratchet waits for, without the reason again and without when it looks next. */
  waiting?: string;
  /** When it looks next, as the agent said it ("10:42 UTC (checking every 3 min: GitHub budget)"). */
  nextLook?: string;
  /** What the ratchet last did, when the waiting sentence does not already say it. */
  decision?: string;
}

export interface RatchetView {
  state?: RatchetState | undefined;
  reason?: string | undefined;
  waiting?: string | undefined;
  lastDecision?: { reason: string } | undefined;
  failingChecks?: ReadonlyArray<{ name: string; url: string | null }> | undefined;
}

const bare = (text: string) => text.trim().replace(/[.;]+$/, '');
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** How the agent's sentences name when the ratchet looks next: "…; next look at 10:42 UTC." */
const NEXT_LOOK = /;\s*next look at (.+?)\.?$/;
/** The agent's words for a look it has no time for (no schedule, or none known). */
export const NO_TIME = 'the next tick';

/** `text` without a leading `<reason> — `, `<reason>; ` or `<reason> (…)`, its first letter capitalized. */
function afterReason(text: string, reason: string | undefined): string {
  const trimmed = text.trim();
  if (!reason) return trimmed;
  const r = bare(reason);
  for (const glue of [' — ', '; '])
    if (trimmed.startsWith(r + glue)) return capitalized(trimmed.slice(r.length + glue.length).trim());
  // "CI failing: test (CI fixes are off)" → "CI fixes are off"
  const aside = trimmed.startsWith(`${r} (`) ? /^\((.*)\)\.?$/.exec(trimmed.slice(r.length + 1)) : null;
  return aside ? capitalized(aside[1]!) : trimmed;
}

/** The check names a CI reason lists ("CI failing: test (ubuntu), lint and 2 more"). */
function namesIn(reason: string, label: string): string[] {
  const list = reason.startsWith(`${label}: `) ? bare(reason.slice(label.length + 2)) : '';
  return list ? list.replace(/ and \d+ more$/, '').split(', ') : [];
}

export function ratchetSummary(r: RatchetView): RatchetSummary {
  const reason = r.reason?.trim() || undefined;
  const label = r.state ? RATCHET_STATES[r.state].label : undefined;
  const said = reason ? [bare(reason)] : [];
  let checks: RatchetSummary['checks'];
  let shownReason = reason;
  if (r.state === 'CI_FAILED' || r.state === 'CI_RUNNING') {
    const list =
      r.state === 'CI_FAILED' && r.failingChecks?.length
        ? r.failingChecks.map((c) => ({ name: c.name, ...(c.url ? { url: c.url } : {}) }))
        : namesIn(reason ?? '', label!).map((name) => ({ name }));
    if (list.length) checks = { label: r.state === 'CI_FAILED' ? 'Failing' : 'Running', list };
    shownReason = undefined;
  } else if (r.state === 'READY' || (label && reason && bare(reason) === label)) {
    // "Ready: 2 checks passed" is the chip and the checks line again; "Merged." is the chip.
    shownReason = undefined;
  }
  const fresh = (text: string | undefined) => {
    if (!text) return undefined;
    const rest = afterReason(text, reason);
    return rest && !said.some((s) => s.includes(bare(rest))) ? rest : undefined;
  };
  const next = r.waiting ? NEXT_LOOK.exec(r.waiting.trim()) : null;
  const waitingText = next && r.waiting ? r.waiting.trim().slice(0, next.index) : r.waiting;
  const waiting = fresh(waitingText);
  if (waiting) said.push(bare(waiting));
  const decision = fresh(r.lastDecision?.reason);
  return {
    ...(shownReason ? { reason: shownReason } : {}),
    ...(checks ? { checks } : {}),
    ...(waiting ? { waiting: `${bare(waiting)}.` } : {}),
    ...(next ? { nextLook: next[1]! } : {}),
    ...(decision ? { decision } : {}),
  };
}

/**
 * When the ratchet looks next, in words: the time the agent named, or — for
 * "the next tick" — the schedule's next tick (`nextTickAt`, from
 * `ratchet.status`), or that nothing is scheduled (FF_RATCHET_CRON=off).
 */
export function nextLookWords(
  nextLook: string | undefined,
  nextTickAt: string | undefined,
): string | undefined {
  if (!nextLook) return undefined;
  if (nextLook !== NO_TIME) return `Next look at ${nextLook}`;
  return nextTickAt
    ? `Next look at ${nextTickAt.slice(11, 16)} UTC`
    : 'No look scheduled: Check now looks at once';
}
