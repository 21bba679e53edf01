import { describe, expect, it } from 'vitest';
import {
  DISK_USE_CHANGED_MIN_MS,
  DISK_USE_FRESH_MS,
  DiskUseCache,
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
function counted() {
  const clock = { now: 0 };
  const stats = { measured: [] as string[], inFlight: 0, maxInFlight: 0 };
  const cache = new DiskUseCache(
    async (w): Promise<DiskUse> => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.measured.push(w.id);
      await new Promise((resolve) => setImmediate(resolve));
      stats.inFlight--;
      return { worktreeBytes: 1, onlyHereBytes: 0, complete: true, at: '' };
    },
    () => clock.now,
  );
  return { cache, clock, stats };
}

const all = (n: number) => Array.from({ length: n }, (_, i) => workspace(i));

describe('DiskUseCache', () => {
  it('listing 200 workspaces again and again measures each once, one at a time', async () => {
    const { cache, clock, stats } = counted();
    const workspaces = all(200);
    for (let list = 0; list < 5; list++) {
      await cache.settle(workspaces, 10_000);
      clock.now += 30_000; // a popup opened every 30 s for two minutes
    }
    expect(stats.measured).toHaveLength(200);
    expect(new Set(stats.measured).size).toBe(200);
    expect(stats.maxInFlight).toBe(1);
    expect(workspaces.every((w) => cache.peek(w)?.worktreeBytes === 1)).toBe(true);
  });

  it('a workspace whose session changed is measured again, and only it', async () => {
    const { cache, clock, stats } = counted();
    const workspaces = all(20);
    await cache.settle(workspaces, 10_000);
    cache.changed('w3');
    cache.changed('w3');
    clock.now += 1_000;
    await cache.settle(workspaces, 10_000);
    expect(stats.measured).toHaveLength(20); // too soon after the last measurement
    clock.now += DISK_USE_CHANGED_MIN_MS;
    await cache.settle(workspaces, 10_000);
    expect(stats.measured.slice(20)).toEqual(['w3']);
  });

  it('an unchanged figure is measured again once it is older than the TTL', async () => {
    const { cache, clock, stats } = counted();
    const workspaces = all(3);
    await cache.settle(workspaces, 10_000);
    clock.now += DISK_USE_FRESH_MS + 1;
    await cache.settle(workspaces, 10_000);
    expect(stats.measured).toEqual(['w0', 'w1', 'w2', 'w0', 'w1', 'w2']);
  });

  it('a workspace being provisioned, or forgotten while queued, is not measured', async () => {
    const { cache, stats } = counted();
    expect(cache.peek(workspace(1, 'provisioning'))).toBeUndefined();
    const queued = all(3);
    for (const w of queued) cache.peek(w);
    cache.forget('w2');
    await cache.settle(queued.slice(0, 2), 10_000);
    expect(stats.measured).toEqual(['w0', 'w1']);
  });
});
