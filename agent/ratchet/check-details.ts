import { errorText } from '../../shared/error-text.js';
import type { Classification } from '../../shared/ratchet.js';
import type { GitHub } from '../github/github.js';
import type { Logger } from '../logger.js';

/** At most this many failing checks' details, and this many Actions jobs' logs, per prompt. */
const CHECK_DETAILS = 20;
const JOB_LOGS = 5;

/**
 * What the failing checks said, for the fixer: their annotations and
 * output, and the tail of each failing Actions job's log, by CheckRun node
 * id. Best effort: what cannot be read is logged and left out (the prompt
 * still names the check).
 */
export async function failingCheckDetails(
  github: Pick<GitHub, 'checkRunDetails' | 'jobLog'>,
  repo: { owner: string; repo: string } | undefined,
  classification: Pick<Classification, 'state' | 'failingChecks'>,
  log: Logger,
): Promise<Map<string, string>> {
  if (classification.state !== 'CI_FAILED') return new Map();
  const warn = (what: string, error: unknown) => log.warn(`Ratchet: no ${what} (${errorText(error)})`);
  const ids = classification.failingChecks
    .flatMap((c) => (c.nodeId ? [c.nodeId] : []))
    .slice(0, CHECK_DETAILS);
  const details = await github.checkRunDetails(ids).catch((error: unknown) => {
    warn('details of the failing checks', error);
    return new Map<string, string>();
  });
  if (!repo) return details;
  const jobs = classification.failingChecks
    .filter((c) => c.nodeId && c.runId != null && c.workflowRunId != null)
    .slice(0, JOB_LOGS);
  await Promise.all(
    jobs.map(async (check) => {
      try {
        const tail = await github.jobLog(repo.owner, repo.repo, check.runId!);
        if (!tail) return;
        const before = details.get(check.nodeId!);
        // The prompt frames all of a check's details as data (see prompts.ts).
        details.set(check.nodeId!, `${before ? `${before}\n` : ''}The end of its job's log:\n${tail}`);
      } catch (error) {
        warn(`log of ${check.name}`, error);
      }
    }),
  );
  return details;
}
