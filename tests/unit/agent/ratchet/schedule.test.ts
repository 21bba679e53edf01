import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../agent/logger.js';
import { RatchetSchedule } from '../../../../agent/ratchet/schedule.js';
import type { RatchetDecision, TickResult } from '../../../../shared/ratchet.js';
import { waitFor } from '../../../helpers/temp.js';

/** Work whose every run waits until the test lets it finish, recording when each started and ended. */
function heldWork() {
  const events: string[] = [];
  const held: Array<() => void> = [];
  const hold = (name: string) =>
    new Promise<void>((resolve) => {
      events.push(`${name} started`);
      held.push(() => {
        events.push(`${name} ended`);
        resolve();
      });
    });
  let ticks = 0;
  const tickResult = (): TickResult => ({
    ran: true,
    checked: ticks,
    decisions: [],
    startedAt: '2026-11-25T10:00:00.000Z',
    durationMs: 0,
  });
  return {
    events,
    /** Lets the oldest run still held finish (waiting until it has started). */
    async release(): Promise<void> {
      await waitFor(() => held.length > 0, { what: 'a run to start' });
      held.shift()!();
    },
    work: {
      tick: async (options?: { scheduled?: boolean }) => {
        ticks++;
        await hold(`tick ${ticks}${options?.scheduled ? ' (scheduled)' : ''}`);
        return tickResult();
      },
      lookAt: async (id: string): Promise<RatchetDecision | undefined> => {
        await hold(`look ${id}`);
        return undefined;
      },
    },
  };
}

describe('RatchetSchedule', () => {
  it('a tick asked for while one runs joins it: one tick, every caller gets its result', async () => {
    const { work, release, events } = heldWork();
    const schedule = new RatchetSchedule(work, silentLogger);
    const first = schedule.tick();
    const second = schedule.tick();
    expect(schedule.running).toBeDefined();
    await release();
    expect(await first).toBe(await second);
    expect(events).toEqual(['tick 1 started', 'tick 1 ended']);
    expect(schedule.running).toBeUndefined();
  });

  it('a look at one PR asked twice before it runs runs once', async () => {
    const { work, release, events } = heldWork();
    const schedule = new RatchetSchedule(work, silentLogger);
    const tick = schedule.tick();
    const looks = [schedule.lookAt('w1'), schedule.lookAt('w1'), schedule.lookAt('w2')];
    await release();
    await tick;
    await release();
    await release();
    await Promise.all(looks);
    expect(events).toEqual([
      'tick 1 started',
      'tick 1 ended',
      'look w1 started',
      'look w1 ended',
      'look w2 started',
      'look w2 ended',
    ]);
  });

  it('ticks and looks never overlap: each starts when the one before it ended', async () => {
    const { work, release, events } = heldWork();
    const schedule = new RatchetSchedule(work, silentLogger);
    const look = schedule.lookAt('w1');
    const tick = schedule.tick();
    await release();
    await look;
    // Asked for once the first tick is queued behind the look: it joins that tick.
    const joined = schedule.tick();
    await release();
    await Promise.all([tick, joined]);
    const later = schedule.tick();
    await release();
    await later;
    expect(events).toEqual([
      'look w1 started',
      'look w1 ended',
      'tick 1 started',
      'tick 1 ended',
      'tick 2 started',
      'tick 2 ended',
    ]);
  });

  it('a failed tick fails for its callers only: the work queued after it still runs', async () => {
    const failing = {
      tick: () => Promise.reject(new Error('GitHub is down')),
      lookAt: async () => undefined,
    };
    const schedule = new RatchetSchedule(failing, silentLogger);
    const tick = schedule.tick();
    const look = schedule.lookAt('w1');
    await expect(tick).rejects.toThrow('GitHub is down');
    await expect(look).resolves.toBeUndefined();
  });

  it('stop waits for the work queued, and says it stopped', async () => {
    const { work, release, events } = heldWork();
    const schedule = new RatchetSchedule(work, silentLogger);
    void schedule.tick();
    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    expect(schedule.stopped).toBe(true);
    await release();
    await stopping;
    expect(stopped).toBe(true);
    expect(events).toEqual(['tick 1 started', 'tick 1 ended']);
  });

  it('a tick asked for now does not join a scheduled one (which may leave out a host GitHub’s budget paces); it runs after', async () => {
    const { work, release, events } = heldWork();
    const schedule = new RatchetSchedule(work, silentLogger);
    schedule.start('* * * * * *');
    await waitFor(() => events.length > 0, { what: 'a scheduled tick', timeoutMs: 10_000 });
    expect(schedule.stepMs).toBe(1000);
    const now = schedule.tick();
    const joined = schedule.tick();
    const stopping = schedule.stop();
    await release();
    await release();
    expect(await now).toBe(await joined);
    await stopping;
    expect(events).toEqual([
      'tick 1 (scheduled) started',
      'tick 1 (scheduled) ended',
      'tick 2 started',
      'tick 2 ended',
    ]);
  });

  it('every minute: the next tick is at the start of the next minute, and none once stopped', async () => {
    const { work } = heldWork();
    const schedule = new RatchetSchedule(work, silentLogger);
    const before = Date.now();
    schedule.start();
    const next = await waitFor(() => schedule.nextTickAt, { what: 'the next tick to be scheduled' });
    expect(Date.parse(next) % 60_000).toBe(0);
    expect(Date.parse(next)).toBeGreaterThan(before);
    expect(Date.parse(next) - before).toBeLessThanOrEqual(60_000);
    await schedule.stop();
    expect(schedule.nextTickAt).toBeUndefined();
  });
});
