import { describe, expect, it } from 'vitest';
import { type Readiness, readiness } from '../../../../agent/server/scheduler.js';
import { MAX_IN_FLIGHT_PER_CONNECTION } from '../../../../shared/protocol.js';

describe('readiness: whether a connection may start its next request now', () => {
  const base = { queued: 3, open: true, inFlight: 0, outputCongested: false };
  it.each<[string, Partial<typeof base>, Readiness]>([
    ['requests waiting, room to run them', {}, 'ready'],
    ['nothing queued', { queued: 0 }, 'nothing-queued'],
    ['nothing queued and its answers unread', { queued: 0, outputCongested: true }, 'nothing-queued'],
    ['a closed socket', { open: false }, 'closed'],
    ['as many in flight as it may have', { inFlight: MAX_IN_FLIGHT_PER_CONNECTION }, 'at-in-flight-limit'],
    ['one fewer in flight', { inFlight: MAX_IN_FLIGHT_PER_CONNECTION - 1 }, 'ready'],
    ['its answers unread past the high-water mark', { outputCongested: true }, 'congested'],
    [
      'at its in-flight limit and congested: it waits for a request to end first',
      { inFlight: MAX_IN_FLIGHT_PER_CONNECTION, outputCongested: true },
      'at-in-flight-limit',
    ],
  ])('%s → %s', (_, change, expected) => {
    expect(readiness({ ...base, ...change })).toBe(expected);
  });
});
