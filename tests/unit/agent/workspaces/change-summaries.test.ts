import { describe, expect, it } from 'vitest';
import type { ChangeSummary } from '../../../../agent/git/worktree.js';
import { ChangeSummaries } from '../../../../agent/workspaces/change-summaries.js';
import type { Workspace } from '../../../../shared/domain.js';

const summary: ChangeSummary = {
  files: 1,
  additions: 2,
  deletions: 0,
  ahead: 1,
  behind: 0,
  dirty: false,
  unpushed: 1,
};

function workspace(n: number): Workspace {
  return { id: `w${n}` } as Workspace;
}

/** Summaries whose runs are counted; each run takes a few turns of the event loop. */
function counted(fail?: (w: Workspace) => boolean) {
  const stats = { runs: [] as string[], inFlight: 0, maxInFlight: 0 };
  const summaries = new ChangeSummaries(async (w) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    stats.runs.push(w.id);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    stats.inFlight--;
    if (fail?.(w)) throw new Error('not a git repository');
    return summary;
  }, 4);
  return { summaries, stats };
}

const all = (n: number) => Array.from({ length: n }, (_, i) => workspace(i));

describe('ChangeSummaries', () => {
  it('summarizes 200 workspaces at most 4 at a time, and each gets its own answer', async () => {
    const { summaries, stats } = counted();
    const answers = await Promise.all(all(200).map((w) => summaries.get(w)));
    expect(answers.every((a) => a === summary)).toBe(true);
    expect(stats.runs).toHaveLength(200);
    expect(stats.maxInFlight).toBe(4);
  });

  it('three lists at the same moment share one run per workspace', async () => {
    const { summaries, stats } = counted();
    const workspaces = all(50);
    await Promise.all([1, 2, 3].map(() => Promise.all(workspaces.map((w) => summaries.get(w)))));
    expect(stats.runs).toHaveLength(50);
    expect(new Set(stats.runs).size).toBe(50);
  });

  it('a later list asks git again: nothing is cached between lists', async () => {
    const { summaries, stats } = counted();
    const workspaces = all(5);
    await Promise.all(workspaces.map((w) => summaries.get(w)));
    await Promise.all(workspaces.map((w) => summaries.get(w)));
    expect(stats.runs).toHaveLength(10);
  });

  it('a workspace git cannot read answers null and frees its slot for the rest', async () => {
    const { summaries, stats } = counted((w) => Number(w.id.slice(1)) % 2 === 0);
    const answers = await Promise.all(all(20).map((w) => summaries.get(w)));
    expect(answers.filter((a) => a === null)).toHaveLength(10);
    expect(answers.filter((a) => a === summary)).toHaveLength(10);
    expect(stats.maxInFlight).toBe(4);
  });
});
