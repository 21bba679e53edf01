import { describe, expect, it } from 'vitest';
import type { PrHead } from '../../../../agent/github/pr-snapshot.js';
import {
  FULL_READ_AT_LEAST_EVERY_MS,
  fullReadReason,
  fullReadsWithin,
  refreshed,
  type Seen,
} from '../../../../agent/ratchet/look.js';
import { check, snapshot } from './snapshots.js';

const now = Date.parse('2026-11-25T10:00:00Z');

function head(over: Partial<PrHead> = {}): PrHead {
  return {
    nodeId: 'PR_1',
    state: 'OPEN',
    headRefOid: 'a'.repeat(40),
    updatedAt: '2026-11-25T09:00:00Z',
    reviewDecision: null,
    rollup: 'SUCCESS',
    mergeable: 'MERGEABLE',
    mergeStateStatus: 'CLEAN',
    autoMergeEnabled: false,
    ...over,
  };
}

const seen: Seen = { snapshot: snapshot(), head: head(), readAt: now - 60_000 };
const reason = (
  over: Partial<PrHead>,
  options: {
    seen?: Seen | undefined;
    checksRead?: boolean;
    outbox?: number;
    at?: number;
    spread?: number;
  } = {},
) =>
  fullReadReason({
    seen: 'seen' in options ? options.seen : seen,
    head: head(over),
    checksRead: options.checksRead ?? false,
    ratchet: { outbox: Array.from({ length: options.outbox ?? 0 }) as never },
    now: options.at ?? now,
    spread: options.spread ?? 0.5,
  });

describe('fullReadReason: when a PR is read in full again', () => {
  it.each([
    ['nothing moved', undefined, {}, {}],
    ['never read', 'new', {}, { seen: undefined }],
    ['a push', 'moved', { headRefOid: 'b'.repeat(40) }, {}],
    ['a comment, review or edit (updatedAt)', 'moved', { updatedAt: '2026-11-25T09:30:00Z' }, {}],
    ['merged', 'moved', { state: 'MERGED' as const }, {}],
    ['a review decision', 'moved', { reviewDecision: 'APPROVED' }, {}],
    ['its checks changed and were not read with its head', 'moved', { rollup: 'FAILURE' }, {}],
    [
      'its checks changed and were read with its head',
      undefined,
      { rollup: 'FAILURE' },
      { checksRead: true },
    ],
    [
      'only mergeability (its base moved)',
      undefined,
      { mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY' },
      {},
    ],
    ['only auto-merge', undefined, { autoMergeEnabled: true }, {}],
    ['replies to post (checked against its threads)', 'moved', {}, { outbox: 1 }],
    [
      'read 6 hours ago, a PR refreshed late',
      undefined,
      {},
      { at: now + FULL_READ_AT_LEAST_EVERY_MS, spread: 0.9 },
    ],
    [
      'read 6 hours ago, a PR refreshed on time',
      'refresh',
      {},
      { at: now + FULL_READ_AT_LEAST_EVERY_MS, spread: 0.5 },
    ],
    ['read 9 hours ago', 'refresh', {}, { at: now + 1.5 * FULL_READ_AT_LEAST_EVERY_MS, spread: 0.99 }],
  ])('%s → %s', (_name, expected, over, options) => {
    expect(reason(over, options)).toBe(expected);
  });
});

describe('refreshed: a remembered PR brought up to date without reading it again', () => {
  it('takes mergeability and auto-merge from its head, keeping its threads and reviews', () => {
    const remembered: Seen = {
      snapshot: snapshot({ unresolvedThreads: [{ id: 'T1', path: 'a', line: 1, comments: [] }] }),
      head: head(),
      readAt: now,
    };
    const fresh = refreshed(
      remembered,
      head({ mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY', autoMergeEnabled: true }),
      undefined,
    );
    expect(fresh.snapshot).toMatchObject({
      mergeable: 'CONFLICTING',
      mergeStateStatus: 'DIRTY',
      autoMergeEnabled: true,
      unresolvedThreads: [{ id: 'T1' }],
    });
    expect(fresh.head).toBe(remembered.head);
    expect(fresh.readAt).toBe(now);
  });

  it('with its checks read: the new checks, and their rollup remembered', () => {
    const checks = [check('test', 'FAILURE'), check('lint', null)];
    const fresh = refreshed(seen, head({ rollup: 'FAILURE' }), checks);
    expect(fresh.snapshot.checks).toBe(checks);
    expect(fresh.head.rollup).toBe('FAILURE');
    expect(fresh.head.updatedAt).toBe(seen.head.updatedAt);
  });
});

describe('fullReadsWithin: how many PRs a budget reads in full', () => {
  it.each([
    [0, 50, 0],
    [1, 50, 1],
    [103, 100, 100],
    [103, 250, 100],
    [206, 250, 200],
    [250, 250, 243],
    [10_000, 250, 250],
  ])('%i points, %i wanted → %i', (points, wanted, read) => {
    expect(fullReadsWithin(points, wanted)).toBe(read);
  });
});
