import { describe, expect, it } from 'vitest';
import { ratchetSummary } from '../../../extension/lib/ratchet-summary.js';

const fork =
  "CI failing: test — PR #1 comes from the fork stranger/app: ff never pushes to a fork's branch, so it starts no fixer and opens nothing — commit in the workspace and push to the fork yourself.";

describe('ratchetSummary', () => {
  it.each([
    [
      "a fork's PR: the waiting sentence is the decision, both after the reason",
      {
        reason: 'CI failing: test',
        waiting: `${fork.slice(0, -1)}; next look at the next tick.`,
        lastDecision: { reason: fork },
      },
      {
        reason: 'CI failing: test',
        waiting:
          "PR #1 comes from the fork stranger/app: ff never pushes to a fork's branch, so it starts no fixer and opens nothing — commit in the workspace and push to the fork yourself; next look at the next tick.",
      },
    ],
    [
      'ready to merge: the waiting sentence only repeats the reason',
      {
        reason: 'Ready to merge (auto-merge is off).',
        waiting: 'Ready to merge (auto-merge is off); next look at 10:42 UTC.',
        lastDecision: { reason: 'Ready to merge (auto-merge is off).' },
      },
      {
        reason: 'Ready to merge (auto-merge is off).',
        waiting: 'Next look at 10:42 UTC.',
      },
    ],
    [
      'an action: what it did and what it waits for are different sentences',
      {
        reason: 'CI failing: test',
        waiting: 'Waiting for the fixer to push a fix; next look at 10:42 UTC.',
        lastDecision: { reason: 'CI failing: test — told the fixer (2nd attempt).' },
      },
      {
        reason: 'CI failing: test',
        waiting: 'Waiting for the fixer to push a fix; next look at 10:42 UTC.',
        decision: 'Told the fixer (2nd attempt).',
      },
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
      { waiting: 'Waiting for GitHub to merge; next look at 10:42 UTC.', decision: 'Merging (squash).' },
    ],
  ])('%s', (_, input, expected) => {
    expect(ratchetSummary(input)).toEqual(expected);
  });
});
