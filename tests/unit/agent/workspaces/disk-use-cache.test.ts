import { describe, expect, it } from 'vitest';
import {
  DISK_USE_CHANGED_MIN_MS,
  DISK_USE_FRESH_MS,
  DiskUseCache,
  type SavedDiskUse,
} from '../../../../agent/workspaces/disk-use.js';
import type { DiskUse, Workspace } from '../../../../shared/domain.js';
import { WorkspaceRatchet } from '../../../../shared/ratchet.js';

function workspace(n: number, status: Workspace['status'] = 'ready'): Workspace {
  return {
    id: `w${n}`,
    projectId: 'p',
    branch: `ff/${n}`,
    baseBranch: 'main',
    path: `/wt/${n}`,
    status,
    warnings: [],
    ratchet: WorkspaceRatchet.parse({}),
    createdAt: '2026-11-25T10:00:00Z',
    updatedAt: '2026-11-25T10:00:00Z',
  };
}

/** A cache whose measurements are counted, with a clock the test moves. */
function counted(saved?: Record<string, SavedDiskUse>) {
  const clock = { now: 0 };
  const stats = { measured: [] as string[], inFlight: 0, maxInFlight: 0, published: [] as string[] };
  const cache = new DiskUseCache({
    measure: async (w): Promise<DiskUse> => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.measured.push(w.id);
      await new Promise((resolve) => setImmediate(resolve));
      stats.inFlight--;
      return { worktreeBytes: 1, onlyHereBytes: 0, complete: true, at: new Date(clock.now).toISOString() };
    },
    measured: (w) => stats.published.push(w.id),
    now: () => clock.now,
    ...(saved ? { saved } : {}),
  });
  /** A list: every workspace peeked (queuing what is stale), then the measurements it queued done. */
  const listed = async (workspaces: Workspace[]) => {
    for (const w of workspaces) cache.peek(w);
    await cache.idle();
  };
  return { cache, clock, stats, listed };
}

const all = (n: number) => Array.from({ length: n }, (_, i) => workspace(i));

describe('DiskUseCache', () => {
  it('a list answers at once with what is known, and measures in the background', () => {
    const { cache, stats } = counted();
    expect(all(50).map((w) => cache.peek(w))).toEqual(Array(50).fill(undefined));
    expect(stats.measured).toEqual([]);
  });

  it('listing 200 workspaces again and again measures each once, one at a time', async () => {
    const { cache, clock, stats, listed } = counted();
    const workspaces = all(200);
    for (let list = 0; list < 5; list++) {
      await listed(workspaces);
      clock.now += 30_000; // a popup opened every 30 s for two minutes
    }
    expect(stats.measured).toHaveLength(200);
    expect(new Set(stats.measured).size).toBe(200);
    expect(stats.maxInFlight).toBe(1);
    expect(workspaces.every((w) => cache.peek(w)?.worktreeBytes === 1)).toBe(true);
  });

  it('a workspace whose session changed is measured again, and only it', async () => {
    const { cache, clock, stats, listed } = counted();
    const workspaces = all(20);
    await listed(workspaces);
    cache.changed('w3');
    cache.changed('w3');
    clock.now += 1_000;
    await listed(workspaces);
    expect(stats.measured).toHaveLength(20); // too soon after the last measurement
    clock.now += DISK_USE_CHANGED_MIN_MS;
    await listed(workspaces);
    expect(stats.measured.slice(20)).toEqual(['w3']);
  });

  it('an unchanged figure is measured again once it is older than the TTL', async () => {
    const { clock, stats, listed } = counted();
    const workspaces = all(3);
    await listed(workspaces);
    clock.now += DISK_USE_FRESH_MS + 1;
    await listed(workspaces);
    expect(stats.measured).toEqual(['w0', 'w1', 'w2', 'w0', 'w1', 'w2']);
  });

  it('a workspace being provisioned, or forgotten while queued, is not measured', async () => {
    const { cache, stats, listed } = counted();
    expect(cache.peek(workspace(1, 'provisioning'))).toBeUndefined();
    const queued = all(3);
    for (const w of queued) cache.peek(w);
    cache.forget('w2');
    await listed(queued.slice(0, 2));
    expect(stats.measured).toEqual(['w0', 'w1']);
  });

  it('after a restart, saved figures stand; one whose workspace had changed is measured again', async () => {
    const first = counted();
    await first.listed(all(3));
    first.cache.changed('w1');
    const again = counted(first.cache.saved());
    again.clock.now = DISK_USE_CHANGED_MIN_MS + 1;
    expect(again.cache.peek(workspace(0))?.worktreeBytes).toBe(1);
    await again.listed(all(3));
    expect(again.stats.measured).toEqual(['w1']);
    expect(again.stats.published).toEqual(['w1']);
  });
});
