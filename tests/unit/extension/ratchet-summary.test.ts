import { describe, expect, it } from 'vitest';
import { nextLookWords, ratchetSummary } from '../../../extension/lib/ratchet-summary.js';

const fork =
  "CI failing: test — PR #1 comes from the fork stranger/app: ff never pushes to a fork's branch, so it starts no fixer and opens nothing — commit in the workspace and push to the fork yourself.";

describe('ratchetSummary: each thing once', () => {
  it.each([
    [
      "a fork's PR: the waiting sentence is the decision, both after the reason",
      {
        state: 'CI_FAILED',
        reason: 'CI failing: test',
        waiting: `${fork.slice(0, -1)}; next look at the next tick.`,
        lastDecision: { reason: fork },
      },
      {
        checks: { label: 'Failing', list: [{ name: 'test' }] },
        waiting:
          "PR #1 comes from the fork stranger/app: ff never pushes to a fork's branch, so it starts no fixer and opens nothing — commit in the workspace and push to the fork yourself.",
        nextLook: 'the next tick',
      },
    ],
    [
      'CI fixes off: the reason, the checks and the aside are each said once, and the checks are linked',
      {
        state: 'CI_FAILED',
        reason: 'CI failing: test (ubuntu), lint',
        waiting: 'CI failing: test (ubuntu), lint (CI fixes are off); next look at 10:42 UTC.',
        lastDecision: { reason: 'CI failing: test (ubuntu), lint (CI fixes are off).' },
        failingChecks: [
          { name: 'test (ubuntu)', url: 'https://github.com/octo/app/runs/1' },
          { name: 'lint', url: null },
        ],
      },
      {
        checks: {
          label: 'Failing',
          list: [{ name: 'test (ubuntu)', url: 'https://github.com/octo/app/runs/1' }, { name: 'lint' }],
        },
        waiting: 'CI fixes are off.',
        nextLook: '10:42 UTC',
      },
    ],
    [
      'ready: the chip and the checks say it; the waiting sentence says the rest once',
      {
        state: 'READY',
        reason: 'Ready: 1 check passed',
        waiting:
          'Ready to merge (auto-merge is off); next look at 10:42 UTC (checking every 3 min: GitHub budget).',
        lastDecision: { reason: 'Ready to merge (auto-merge is off).' },
      },
      {
        waiting: 'Ready to merge (auto-merge is off).',
        nextLook: '10:42 UTC (checking every 3 min: GitHub budget)',
      },
    ],
    [
      'an action: what it did and what it waits for are different sentences',
      {
        state: 'MERGE_CONFLICT',
        reason: 'Merge conflict with main',
        waiting: 'Waiting for the fixer to push a fix; next look at 10:42 UTC.',
        lastDecision: { reason: 'Merge conflict with main — told the fixer (attempt 2 of 3).' },
      },
      {
        reason: 'Merge conflict with main',
        waiting: 'Waiting for the fixer to push a fix.',
        nextLook: '10:42 UTC',
        decision: 'Told the fixer (attempt 2 of 3).',
      },
    ],
    [
      'CI running: the running checks are listed',
      { state: 'CI_RUNNING', reason: 'CI running: build, test and 2 more' },
      { checks: { label: 'Running', list: [{ name: 'build' }, { name: 'test' }] } },
    ],
    [
      'merged: the chip says it',
      { state: 'MERGED', reason: 'Merged.', waiting: 'Merged', lastDecision: { reason: 'Merged.' } },
      {},
    ],
    ['nothing known yet', {}, {}],
    [
      'no reason: a decision the waiting sentence already says is left out',
      { waiting: 'Paused by you: waiting for you to resume.', lastDecision: { reason: 'Paused by you.' } },
      { waiting: 'Paused by you: waiting for you to resume.' },
    ],
    [
      'no reason: different sentences are both kept',
      {
        waiting: 'Waiting for GitHub to merge; next look at 10:42 UTC.',
        lastDecision: { reason: 'Merging (squash).' },
      },
      { waiting: 'Waiting for GitHub to merge.', nextLook: '10:42 UTC', decision: 'Merging (squash).' },
    ],
  ] as const)('%s', (_, input, expected) => {
    expect(ratchetSummary(input)).toEqual(expected);
  });
});

describe('nextLookWords: a time where the agent had none', () => {
  it.each([
    ['10:42 UTC', undefined, 'Next look at 10:42 UTC'],
    ['the next tick', '2026-11-25T10:43:00.000Z', 'Next look at 10:43 UTC'],
    ['the next tick', undefined, 'No look scheduled: Check now looks at once'],
    [undefined, '2026-11-25T10:43:00.000Z', undefined],
  ])('%s with the next tick at %s → %s', (said, nextTickAt, words) => {
    expect(nextLookWords(said, nextTickAt)).toBe(words);
  });
});
