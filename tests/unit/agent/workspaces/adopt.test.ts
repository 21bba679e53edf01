import { describe, expect, it } from 'vitest';
import {
  adoptedBranch,
  adoptedBranchConfig,
  adoptedFetchRefspec,
  noPushReason,
} from '../../../../agent/workspaces/adopt.js';

const own = { number: 5, headRefName: 'topic/x', fork: false };
const fork = { number: 5, headRefName: 'main', fork: true };

describe('adopting a PR', () => {
  it.each([
    ['a PR from this repo is worked on in its own branch', own, 'topic/x'],
    ["a fork's PR gets a local branch of its number", fork, 'pr/5'],
  ])('%s', (_, pr, branch) => {
    expect(adoptedBranch(pr)).toBe(branch);
  });

  it.each([
    [
      "a PR from this repo fetches origin's branch",
      own,
      {
        refspec: '+refs/heads/topic/x:refs/remotes/origin/topic/x',
        startPoint: 'refs/remotes/origin/topic/x',
      },
    ],
    [
      "a fork's PR fetches pull/<n>/head into ff's own ref",
      fork,
      { refspec: '+refs/pull/5/head:refs/ff/pull/5', startPoint: 'refs/ff/pull/5' },
    ],
  ])('%s', (_, pr, fetch) => {
    expect(adoptedFetchRefspec(pr)).toEqual(fetch);
  });

  it.each([
    ["a PR from this repo tracks origin's branch", own, { remote: 'origin', merge: 'refs/heads/topic/x' }],
    ["a fork's PR pushes nowhere that exists", fork, { pushRemote: 'ff-does-not-push-to-a-fork-PR' }],
  ])('%s', (_, pr, config) => {
    expect(adoptedBranchConfig(pr)).toEqual(config);
  });

  it.each([
    ['octo/fork', 'PR #5 comes from the fork octo/fork:'],
    [null, 'PR #5 comes from the fork a deleted fork:'],
  ])('the no-push reason names the fork (%s)', (headRepository, start) => {
    const reason = noPushReason({
      pr: { number: 5, url: 'u', nodeId: 'n' },
      adopted: { headRefName: 'main', headRepository, fork: true, author: 'a' },
    });
    expect(reason.startsWith(start)).toBe(true);
    expect(reason).not.toMatch(/\.$/);
  });
});
