import { describe, expect, it } from 'vitest';
import {
  aggregateCosts,
  dayRange,
  mergeCostHistories,
  turnCosts,
} from '../../../../agent/fleet/cost-history.js';

const result = (ts: string, total: number) =>
  JSON.stringify({
    seq: 1,
    ts,
    data: { kind: 'claude', line: { type: 'result', subtype: 'success', total_cost_usd: total } },
  });
const status = (ts: string, value: string) =>
  JSON.stringify({ seq: 1, ts, data: { kind: 'status', status: value } });

describe('cost history', () => {
  it("a turn costs the difference from its process's previous running total; a new process starts at zero", () => {
    const lines = [
      status('2026-11-01T10:00:00Z', 'starting'),
      result('2026-11-01T10:01:00Z', 0.1),
      result('2026-11-02T09:00:00Z', 0.25),
      status('2026-11-02T09:30:00Z', 'interrupted'),
      status('2026-11-03T08:00:00Z', 'starting'),
      result('2026-11-03T08:01:00Z', 0.05),
      'not json',
      JSON.stringify({ ts: '2026-11-03T08:02:00Z', data: { kind: 'claude', line: { type: 'assistant' } } }),
    ];
    const { costs, total } = turnCosts(lines);
    expect(costs.map((c) => [c.day, Number(c.usd.toFixed(6))])).toEqual([
      ['2026-11-01', 0.1],
      ['2026-11-02', 0.15],
      ['2026-11-03', 0.05],
    ]);
    expect(total).toBe(0.05);
    // A read that continues a file carries the running total.
    expect(turnCosts([result('2026-11-03T09:00:00Z', 0.08)], total).costs[0]?.usd).toBeCloseTo(0.03, 9);
  });

  it('sums per repo and day over the range, costliest repo first, dropping days outside it', () => {
    const days = dayRange(3, new Date('2026-11-03T12:00:00Z'));
    expect(days).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    const history = aggregateCosts(
      [
        {
          repo: 'octo/app',
          costs: [
            { day: '2026-11-01', usd: 1 },
            { day: '2026-10-01', usd: 5 },
          ],
        },
        { repo: 'octo/web', costs: [{ day: '2026-11-03', usd: 2 }] },
        { repo: 'octo/app', costs: [{ day: '2026-11-01', usd: 0.5 }] },
      ],
      days,
    );
    expect(history).toEqual({
      days,
      repos: [
        { repo: 'octo/web', usd: [0, 0, 2] },
        { repo: 'octo/app', usd: [1.5, 0, 0] },
      ],
      totalUsd: 3.5,
    });
  });

  it("merges machines' histories: one row per repo over this machine's days, a day outside them dropped", () => {
    const days = ['2026-11-02', '2026-11-03'];
    const here = { days, repos: [{ repo: 'octo/app', usd: [1, 0] }], totalUsd: 1 };
    const box = {
      days: ['2026-11-03', '2026-11-04'],
      repos: [
        { repo: 'octo/app', usd: [0.5, 9] },
        { repo: 'octo/api', usd: [3, 0] },
      ],
      totalUsd: 12.5,
    };
    expect(mergeCostHistories([here, box], days)).toEqual({
      days,
      repos: [
        { repo: 'octo/api', usd: [0, 3] },
        { repo: 'octo/app', usd: [1, 0.5] },
      ],
      totalUsd: 4.5,
    });
    expect(mergeCostHistories([], days)).toEqual({ days, repos: [], totalUsd: 0 });
  });
});
