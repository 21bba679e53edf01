/**
 * The fake GitHub's REST side (server.ts), for what GraphQL cannot do:
 * re-running a workflow run's failed jobs, and job logs (a 302 to a second
 * server, as github.com redirects to a signed download on another host).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeCheck, FakeCheckOutput, FakePullRequest } from './model.js';

/** What of the fake the REST answers read and change. */
export interface RestHost {
  readonly pullRequests: FakePullRequest[];
  /** REST calls, as `METHOD /path`. */
  readonly rest: string[];
  readonly downloadsPort: number;
  setCheck(
    number: number,
    name: string,
    conclusion: string | null,
    output?: FakeCheckOutput,
    workflowRunId?: number,
  ): FakeCheck;
}

/** REST: `POST .../actions/runs/{id}/rerun-failed-jobs` and `GET .../actions/jobs/{id}/logs`. */
export function answerRest(req: IncomingMessage, res: ServerResponse, fake: RestHost): void {
  const path = (req.url ?? '').split('?')[0]!;
  fake.rest.push(`${req.method} ${path}`);
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const rerun = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/rerun-failed-jobs$/.exec(path);
  if (rerun && req.method === 'POST') {
    const runId = Number(rerun[2]);
    let rerunJobs = 0;
    for (const pr of fake.pullRequests.filter((p) => p.repo === rerun[1])) {
      const latest = new Map<string, FakeCheck>();
      for (const check of pr.checks) if (check.workflowRunId === runId) latest.set(check.name, check);
      for (const check of latest.values()) {
        if (!['FAILURE', 'TIMED_OUT', 'CANCELLED'].includes(check.conclusion ?? '')) continue;
        fake.setCheck(pr.number, check.name, null, undefined, runId);
        rerunJobs++;
      }
    }
    if (rerunJobs === 0) json(403, { message: 'This workflow run has no failed jobs to re-run.' });
    else json(201, {});
    return;
  }
  const logs = /^\/repos\/[^/]+\/[^/]+\/actions\/jobs\/(\d+)\/logs$/.exec(path);
  if (logs && req.method === 'GET') {
    res
      .writeHead(302, {
        location: `http://127.0.0.1:${fake.downloadsPort}/job-logs/${logs[1]}?sig=signed-for-tests`,
      })
      .end();
    return;
  }
  json(404, { message: 'Not Found' });
}
