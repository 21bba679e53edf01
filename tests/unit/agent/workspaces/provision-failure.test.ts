import { describe, expect, it } from 'vitest';
import { GitError } from '../../../../agent/git/git.js';
import {
  provisionFailure,
  StepFailure,
  setupFailure,
} from '../../../../agent/workspaces/provision-failure.js';

const AT = '2025-01-01T00:00:00.000Z';

describe('setupFailure', () => {
  it.each([
    [{ exitCode: 0, stderrTail: '', timedOut: false }, undefined],
    [{ exitCode: 2, stderrTail: 'boom', timedOut: false }, 'The setup command exited with code 2.'],
    [
      { exitCode: 143, signal: 'SIGTERM' as const, stderrTail: '', timedOut: false },
      'The setup command exited with code 143 (SIGTERM).',
    ],
    [
      { exitCode: 143, signal: 'SIGTERM' as const, stderrTail: '', timedOut: true },
      'The setup command timed out.',
    ],
  ])('%j → %s', (result, message) => {
    expect(setupFailure(result)?.message).toBe(message);
  });

  it("keeps the command's exit code and stderr tail", () => {
    const failure = setupFailure({ exitCode: 2, stderrTail: 'npm ERR!', timedOut: false });
    expect([failure?.exitCode, failure?.stderrTail]).toEqual([2, 'npm ERR!']);
  });
});

describe('provisionFailure', () => {
  it('a failing step with a code and stderr keeps both', () => {
    expect(
      provisionFailure(
        'running setup',
        new StepFailure('The setup command exited with code 2.', 2, 'boom'),
        AT,
      ),
    ).toEqual({
      step: 'running setup',
      message: 'The setup command exited with code 2.',
      exitCode: 2,
      stderrTail: 'boom',
      at: AT,
    });
  });

  it('a step failure without a command says only what is wrong', () => {
    expect(provisionFailure('creating worktree', new StepFailure('/wt exists and is not empty'), AT)).toEqual(
      {
        step: 'creating worktree',
        message: '/wt exists and is not empty',
        at: AT,
      },
    );
  });

  it("a git failure keeps git's exit code and the last 20 lines of its stderr", () => {
    const stderr = `${Array.from({ length: 25 }, (_, i) => `line ${i}`).join('\n')}\n`;
    const failure = provisionFailure('fetching', new GitError(['fetch'], 128, stderr), AT);
    expect(failure.exitCode).toBe(128);
    expect(failure.message).toBe('git fetch failed: line 22 line 23 line 24');
    expect(failure.stderrTail?.split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 5}`));
  });

  it('anything else is named as it was thrown', () => {
    expect(provisionFailure('fetching', new Error('EACCES'), AT)).toEqual({
      step: 'fetching',
      message: 'Error: EACCES',
      at: AT,
    });
  });
});
