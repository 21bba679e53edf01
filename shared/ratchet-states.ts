/**
 * The ratchet's states and what every layer knows about each, with no zod:
 * the PR panel in the GitHub content script reads these, and zod is not
 * part of that bundle. shared/ratchet.ts builds its schemas on them.
 */
import type { RatchetSettings } from './ratchet.js';

export const RATCHET_STATE_NAMES = [
  'CI_RUNNING',
  'CI_FAILED',
  'MERGE_CONFLICT',
  'REVIEW_PENDING',
  /** Branch protection wants the branch up to date with its base (mergeStateStatus BEHIND). */
  'BEHIND',
  'READY',
  'MERGED',
  'CLOSED',
] as const;
export type RatchetState = (typeof RATCHET_STATE_NAMES)[number];

/** The ratchet settings that are on/off switches: what may gate a fix. */
export type RatchetSwitch = {
  [K in keyof RatchetSettings]: RatchetSettings[K] extends boolean ? K : never;
}[keyof RatchetSettings];

/**
 * What every layer knows about a ratchet state (the classifier's reason,
 * the PR panel's chip, the decision, Options' toggles, the fixer's prompt).
 * A fixable state also names the setting that gates its fix and its prompt.
 * A new fixable state: its name in `RATCHET_STATE_NAMES`, its descriptor here, its
 * switch in `RatchetSettings`, its rule in agent/ratchet/classify.ts and its
 * prompt in prompts/ratchet/ — the compiler asks for the rest.
 */
export interface RatchetStateDescriptor {
  /** The PR panel's chip; also the start of the classifier's reason ("CI failing: lint"). */
  label: string;
  tone: 'working' | 'bad' | 'waiting' | 'good' | 'done' | '';
  fix?: {
    setting: RatchetSwitch;
    /** The Options toggle. */
    option: string;
    /** In "(CI fixes are off)". */
    what: string;
    /** While a fixer runs, a state of higher priority interrupts it. */
    priority: number;
    /** The fixer's message: a template file under prompts/ratchet/ ({{number}}, {{checks}}, {{threads}}, …). */
    prompt: string;
  };
}

/** One descriptor per state: the compiler checks none is missing. */
export const RATCHET_STATES: Record<RatchetState, RatchetStateDescriptor> = {
  CI_RUNNING: { label: 'CI running', tone: 'working' },
  CI_FAILED: {
    label: 'CI failing',
    tone: 'bad',
    fix: { setting: 'fixCi', option: 'Fix failing CI', what: 'CI', priority: 3, prompt: 'ci-failed.md' },
  },
  MERGE_CONFLICT: {
    label: 'Merge conflict',
    tone: 'bad',
    fix: {
      setting: 'fixConflicts',
      option: 'Resolve merge conflicts',
      what: 'conflict',
      priority: 2,
      prompt: 'merge-conflict.md',
    },
  },
  REVIEW_PENDING: {
    label: 'Review feedback',
    tone: 'waiting',
    fix: {
      setting: 'fixReviews',
      option: 'Address review comments',
      what: 'review',
      priority: 1,
      prompt: 'review.md',
    },
  },
  BEHIND: { label: 'Behind base', tone: 'working' },
  READY: { label: 'Ready', tone: 'good' },
  MERGED: { label: 'Merged', tone: 'done' },
  CLOSED: { label: 'Closed', tone: '' },
};

/** The fixable states' descriptors, in the enum's order. */
export const FIXABLE_STATES = RATCHET_STATE_NAMES.flatMap((state) => {
  const { fix } = RATCHET_STATES[state];
  return fix ? [{ state, ...fix }] : [];
});
