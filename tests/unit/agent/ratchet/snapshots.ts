import type { CheckState, PrSnapshot } from '../../../../shared/ratchet.js';

export function check(name: string, conclusion: string | null, extra: Partial<CheckState> = {}): CheckState {
  return {
    name,
    status: conclusion === null ? 'pending' : 'completed',
    conclusion,
    url: `https://github.com/octo/app/actions/runs/${extra.runId ?? 1}`,
    runId: 1,
    startedAt: '2026-11-25T10:00:00Z',
    ...extra,
  };
}

export function snapshot(overrides: Partial<PrSnapshot> = {}): PrSnapshot {
  return {
    nodeId: 'PR_1',
    number: 7,
    url: 'https://github.com/octo/app/pull/7',
    state: 'OPEN',
    headRefName: 'ff/1-x',
    headRefOid: 'a'.repeat(40),
    baseRefName: 'main',
    mergeable: 'MERGEABLE',
    mergeStateStatus: 'CLEAN',
    autoMergeEnabled: false,
    checks: [check('test', 'SUCCESS')],
    reviews: [],
    unresolvedThreads: [],
    ...overrides,
  };
}

export function comment(author: string, body = 'please fix', createdAt = '2026-11-25T10:05:00Z') {
  return { author, body, path: 'src/a.ts', line: 3, createdAt, url: `https://github.com/c/${author}` };
}
