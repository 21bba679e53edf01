import { describe, expect, it } from 'vitest';
import { EventHub, type ReplayPages, type Subscriber } from '../../../../agent/events/event-hub.js';
import type { EventFrame } from '../../../../shared/protocol.js';
import { untypedHub } from '../../../helpers/untyped-hub.js';

function recorder(): Subscriber & { seen: EventFrame[] } {
  const seen: EventFrame[] = [];
  return { seen, send: (frame) => seen.push(frame) };
}

describe('EventHub', () => {
  it('numbers events per topic from 1, in order', () => {
    const hub = new EventHub();
    const sub = recorder();
    hub.subscribe('board', sub);
    untypedHub(hub).publish('board', 'a');
    untypedHub(hub).publish('ratchet', 'x');
    untypedHub(hub).publish('board', 'b');
    expect(sub.seen.map((f) => [f.seq, f.data])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('a subscriber that reconnects with sinceSeq gets exactly what it missed', () => {
    const hub = new EventHub();
    for (const n of [1, 2, 3, 4, 5]) untypedHub(hub).publish('board', n);
    const outcome = hub.subscribe('board', recorder(), 3);
    expect(outcome).toMatchObject({ seq: 5, gap: false });
    expect(outcome.replay.map((f) => f.data)).toEqual([4, 5]);
  });

  it('a subscriber that is up to date gets nothing replayed', () => {
    const hub = new EventHub();
    untypedHub(hub).publish('board', 1);
    expect(hub.subscribe('board', recorder(), 1)).toEqual({ seq: 1, replay: [], replayed: 0, gap: false });
  });

  it('history older than the ring is reported as a gap', () => {
    const hub = new EventHub({ ringSize: 3 });
    for (const n of [1, 2, 3, 4, 5, 6]) untypedHub(hub).publish('board', n);
    const outcome = hub.subscribe('board', recorder(), 1);
    expect(outcome.gap).toBe(true);
    expect(outcome.replay.map((f) => f.seq)).toEqual([4, 5, 6]);
  });

  it('a board replay holds only the newest board per project, and a replaced board is not a gap', () => {
    const hub = new EventHub({ ringSize: 3 });
    const board = (project: string, n: number) =>
      ({ kind: 'board', project, host: 'github.com', machine: 'local', board: { n } }) as never;
    for (let n = 1; n <= 10; n++) hub.publish('board', board('a/x', n));
    hub.publish('board', board('b/y', 1));
    hub.publish('board', board('a/x', 11));
    const outcome = hub.subscribe('board', recorder(), 2);
    expect(outcome.gap).toBe(false);
    expect(outcome.replay.map((f) => [f.seq, (f.data as { project: string }).project])).toEqual([
      [11, 'b/y'],
      [12, 'a/x'],
    ]);
    // The same board on another machine is its own snapshot.
    hub.publish('board', { ...(board('a/x', 1) as object), machine: 'devbox' } as never);
    expect(hub.subscribe('board', recorder(), 0).replay).toHaveLength(3);
  });

  it('only the newest remotes list is replayed', () => {
    const hub = new EventHub();
    for (let n = 0; n < 5; n++) hub.publish('remotes', { remotes: [] });
    const outcome = hub.subscribe('remotes', recorder(), 0);
    expect(outcome).toMatchObject({ seq: 5, gap: false });
    expect(outcome.replay.map((f) => f.seq)).toEqual([5]);
  });

  it("tells when a topic's last subscriber leaves, once per leaving, by unsubscribe or a closed connection", () => {
    const hub = new EventHub();
    const idle: string[] = [];
    hub.onIdle((topic) => idle.push(topic));
    const a = recorder();
    const b = recorder();
    hub.subscribe('session:s1', a);
    hub.subscribe('session:s1', b);
    hub.unsubscribe('session:s1', a);
    expect(idle).toEqual([]);
    hub.unsubscribe('session:s1', b);
    hub.unsubscribe('session:s1', b);
    expect(idle).toEqual(['session:s1']);
    hub.subscribe('workspace:w1', a);
    hub.removeSubscriber(a);
    expect(idle).toEqual(['session:s1', 'workspace:w1']);
  });

  it('a sinceSeq from a previous agent instance (ahead of ours) is a gap', () => {
    const hub = new EventHub();
    untypedHub(hub).publish('board', 1);
    const outcome = hub.subscribe('board', recorder(), 40);
    expect(outcome.gap).toBe(true);
    expect(outcome.replay.map((f) => f.seq)).toEqual([1]);
  });

  it('unsubscribed and removed subscribers receive nothing more', () => {
    const hub = new EventHub();
    const a = recorder();
    const b = recorder();
    hub.subscribe('board', a);
    hub.subscribe('board', b);
    hub.subscribe('ratchet', b);
    expect(hub.unsubscribe('board', a)).toBe(true);
    expect(hub.unsubscribe('board', a)).toBe(false);
    hub.removeSubscriber(b);
    untypedHub(hub).publish('board', 1);
    untypedHub(hub).publish('ratchet', 1);
    expect(a.seen).toEqual([]);
    expect(b.seen).toEqual([]);
    expect(hub.subscriberCount('board')).toBe(0);
  });

  it('sourced topics take seqs and replays from their source', () => {
    const hub = new EventHub();
    const log: EventFrame[] = [];
    hub.registerSource('session', {
      lastSeq: () => log.length,
      readFrom: (_topic, since) => log.filter((f) => f.seq > since),
    });
    for (const n of [1, 2, 3]) log.push({ type: 'event', topic: 'session:s1', seq: n, data: n });
    const sub = recorder();
    const outcome = hub.subscribe('session:s1', sub, 1);
    expect(outcome.replay.map((f) => f.seq)).toEqual([2, 3]);
    log.push({ type: 'event', topic: 'session:s1', seq: 4, data: 4 });
    untypedHub(hub).publish('session:s1', 4, 4);
    expect(sub.seen.map((f) => f.seq)).toEqual([4]);
  });

  /** A paging source over `log`: `readFrom` returns at most `per` frames. */
  function pagedSession(hub: EventHub, log: EventFrame[], per: number): void {
    hub.registerSource('session', {
      lastSeq: () => log.length,
      readFrom: (_topic, since, maxBytes) =>
        log.filter((f) => f.seq > since).slice(0, maxBytes === undefined ? undefined : per),
    });
  }
  const frame = (seq: number): EventFrame => ({ type: 'event', topic: 'session:s1', seq, data: seq });

  it('a sourced replay comes a page at a time; live events wait until it has caught up, then come once each', async () => {
    const hub = new EventHub();
    const log: EventFrame[] = [];
    pagedSession(hub, log, 2);
    for (let n = 1; n <= 5; n++) log.push(frame(n));
    const sub = recorder();
    const outcome = hub.subscribe('session:s1', sub, 0, 100);
    expect(outcome).toMatchObject({ seq: 5, replayed: 5, gap: false });
    expect(outcome.replay.map((f) => f.seq)).toEqual([1, 2]);
    // Published while the replay is under way: in the source, so it comes in a page, not twice.
    log.push(frame(6));
    untypedHub(hub).publish('session:s1', 6, 6);
    expect(sub.seen).toEqual([]);
    const pages: number[][] = [];
    while (!outcome.more!.done) {
      const before = sub.seen.length;
      await outcome.more!.sendNext(100);
      pages.push(sub.seen.slice(before).map((f) => f.seq));
    }
    expect(pages).toEqual([
      [3, 4],
      [5, 6],
    ]);
    log.push(frame(7));
    untypedHub(hub).publish('session:s1', 7, 7);
    expect(sub.seen.map((f) => f.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it('a source that answers later (a remote) has every page sent, and live events that came meanwhile after it, once each', async () => {
    const hub = new EventHub();
    const log: EventFrame[] = [];
    for (let n = 1; n <= 5; n++) log.push(frame(n));
    const reads: Array<() => void> = [];
    hub.registerSource('session', {
      lastSeq: () => log.length,
      // Each page answers when the test says so, as a remote's answer would.
      readFrom: (_topic, since) =>
        new Promise((resolve) => reads.push(() => resolve(log.filter((f) => f.seq > since).slice(0, 2)))),
    });
    const sub = recorder();
    const outcome = hub.subscribe('session:s1', sub, 0, 100);
    expect(outcome).toMatchObject({ seq: 5, replay: [], replayed: 5 });
    const sending = outcome.more!.sendNext(100);
    // Published while the first page is on its way: it is in the source, so it comes in a page.
    log.push(frame(6));
    untypedHub(hub).publish('session:s1', 6, 6);
    reads.shift()!();
    await sending;
    expect(sub.seen.map((f) => f.seq)).toEqual([1, 2]);
    while (!outcome.more!.done) {
      const next = outcome.more!.sendNext(100);
      reads.shift()!();
      await next;
    }
    log.push(frame(7));
    untypedHub(hub).publish('session:s1', 7, 7);
    expect(sub.seen.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('catchUp replays what the source got unpublished to each subscriber, a page at a time, then live events once each', async () => {
    const hub = new EventHub();
    const log: EventFrame[] = [];
    pagedSession(hub, log, 2);
    const started: Array<{ pages: ReplayPages; subscriber: Subscriber }> = [];
    hub.onReplay((subscriber, _topic, pages) => started.push({ subscriber, pages }));
    log.push(frame(1));
    const sub = recorder();
    hub.subscribe('session:s1', sub);
    untypedHub(hub).publish('session:s1', 1, 1);
    // Written while nothing was published (a remote's, while its link was down).
    for (let n = 2; n <= 6; n++) log.push(frame(n));
    hub.catchUp('session:s1', 1);
    expect(started.map((s) => s.subscriber)).toEqual([sub]);
    // Live while the catch-up is under way: in the source, so it comes in a page.
    log.push(frame(7));
    untypedHub(hub).publish('session:s1', 7, 7);
    const { pages } = started[0]!;
    while (!pages.done) await pages.sendNext(100);
    log.push(frame(8));
    untypedHub(hub).publish('session:s1', 8, 8);
    expect(sub.seen.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a page that cannot be read fails its send, and the subscriber is not made live without it', async () => {
    const hub = new EventHub();
    hub.registerSource('session', {
      lastSeq: () => 3,
      readFrom: () => Promise.reject(new Error('the remote went away')),
    });
    const sub = recorder();
    const outcome = hub.subscribe('session:s1', sub, 0, 100);
    await expect(outcome.more!.sendNext(100)).rejects.toThrow('the remote went away');
    untypedHub(hub).publish('session:s1', 4, 4);
    expect(sub.seen).toEqual([]);
  });

  it('a replay ends when its subscriber leaves or subscribes again, and the new subscription replays', async () => {
    const hub = new EventHub();
    const log: EventFrame[] = [];
    pagedSession(hub, log, 1);
    for (let n = 1; n <= 5; n++) log.push(frame(n));
    const sub = recorder();
    const first = hub.subscribe('session:s1', sub, 0, 1);
    const again = hub.subscribe('session:s1', sub, 3, 1);
    await first.more!.sendNext(1);
    expect(sub.seen).toEqual([]);
    expect(first.more!.done).toBe(true);
    expect(again.replay.map((f) => f.seq)).toEqual([4]);
    hub.unsubscribe('session:s1', sub);
    await again.more!.sendNext(1);
    expect(sub.seen).toEqual([]);
    log.push(frame(6));
    untypedHub(hub).publish('session:s1', 6, 6);
    expect(sub.seen).toEqual([]);
  });

  it('subscribing to topics nobody publishes on leaves nothing behind once the subscriber leaves', () => {
    const hub = new EventHub();
    const a = recorder();
    const b = recorder();
    untypedHub(hub).publish('board', 'kept');
    for (let n = 0; n < 10_000; n++) hub.subscribe(`workspace:w${n}`, a, n % 2 === 0 ? undefined : 3);
    hub.subscribe('workspace:w1', b);
    hub.subscribe('board', a);
    expect(hub.topicCount(a)).toBe(10_001);
    expect(hub.topicsHeld).toBe(10_001);
    hub.unsubscribe('workspace:w0', a);
    expect(hub.topicCount(a)).toBe(10_000);
    hub.removeSubscriber(a);
    expect(hub.topicCount(a)).toBe(0);
    // What remains: b's subscription, and the ring of a topic that really has events.
    expect(hub.topicsHeld).toBe(2);
    expect(hub.subscribe('board', b, 0).replay.map((f) => f.data)).toEqual(['kept']);
    hub.removeSubscriber(b);
    expect(hub.topicsHeld).toBe(1);
  });

  it('a topic with no events yet reports seq 0 and a gap for any sinceSeq ahead of it', () => {
    const hub = new EventHub();
    expect(hub.subscribe('workspace:new', recorder())).toEqual({
      seq: 0,
      replay: [],
      replayed: 0,
      gap: false,
    });
    expect(hub.subscribe('workspace:new', recorder(), 0)).toEqual({
      seq: 0,
      replay: [],
      replayed: 0,
      gap: false,
    });
    expect(hub.subscribe('workspace:new', recorder(), 5)).toEqual({
      seq: 0,
      replay: [],
      replayed: 0,
      gap: true,
    });
  });
});
