import { AgentError } from '../../shared/protocol.js';
import { GitHubError } from './client.js';

/** GitHub failures become protocol errors a person can act on. */
export async function viaGitHub<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof GitHubError) {
      throw new AgentError(
        error.kind === 'no-token' || error.kind === 'unauthorized' || error.kind === 'invalid'
          ? 'FAILED_PRECONDITION'
          : 'UNAVAILABLE',
        error.message,
      );
    }
    throw error;
  }
}
