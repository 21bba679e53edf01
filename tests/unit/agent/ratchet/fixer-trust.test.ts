import { describe, expect, it } from 'vitest';
import { permissionForOutsideText } from '../../../../agent/claude/author-trust.js';
import { forkText } from '../../../../agent/ratchet/fixer.js';

describe("a fixer's trust in its PR", () => {
  it.each([
    ['a PR from this repository: nothing outside', { number: 5 }, false, undefined],
    ['a PR from a fork: its checks and logs count as outside text', { number: 5, fork: true }, false, 'ask'],
    ['a PR from a fork, outside text trusted: the default mode', { number: 5, fork: true }, true, undefined],
  ])('%s', (_what, snapshot, trusted, mode) => {
    expect(permissionForOutsideText([], trusted, forkText(snapshot))?.permissionMode).toBe(mode);
  });

  it('says why, naming the PR', () => {
    expect(
      permissionForOutsideText([], false, forkText({ number: 5, fork: true }))?.permissionReason,
    ).toContain('the checks and job logs of PR #5, which comes from a fork');
  });
});
