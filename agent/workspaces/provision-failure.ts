import type { ProvisionStep, WorkspaceFailure } from '../../shared/domain.js';
import { GitError } from '../git/git.js';
import type { SetupResult } from './setup-script.js';

/** A provisioning step that failed with something to say: a message, and the command's exit code and stderr. */
export class StepFailure extends Error {
  readonly exitCode: number | undefined;
  readonly stderrTail: string | undefined;
  constructor(message: string, exitCode?: number, stderrTail?: string) {
    super(message);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

/** Why the setup command failed, or undefined when it exited 0. Pure. */
export function setupFailure(result: SetupResult): StepFailure | undefined {
  if (result.exitCode === 0) return undefined;
  return new StepFailure(
    result.timedOut
      ? 'The setup command timed out.'
      : `The setup command exited with code ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}.`,
    result.exitCode,
    result.stderrTail,
  );
}

/** The failure the record keeps: the step, what went wrong, and a failing command's code and last stderr lines. Pure. */
export function provisionFailure(step: ProvisionStep, error: unknown, at: string): WorkspaceFailure {
  return {
    step,
    message: error instanceof StepFailure || error instanceof GitError ? error.message : String(error),
    ...(error instanceof StepFailure && error.exitCode !== undefined ? { exitCode: error.exitCode } : {}),
    ...(error instanceof GitError ? { exitCode: error.code } : {}),
    ...(error instanceof StepFailure && error.stderrTail ? { stderrTail: error.stderrTail } : {}),
    ...(error instanceof GitError
      ? { stderrTail: error.stderr.trim().split('\n').slice(-20).join('\n') }
      : {}),
    at,
  };
}
