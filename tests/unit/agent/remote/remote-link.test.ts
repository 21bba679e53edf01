import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../agent/logger.js';
import { NOT_ANSWERING, RemoteLink } from '../../../../agent/remote/remote-link.js';

/** A link as its view sees it: no ssh is started (connect is never called). */
function link() {
  const changes: string[] = [];
  const made = new RemoteLink(
    { name: 'box', destination: 'me@box', options: [] },
    '/nonexistent',
    silentLogger,
    { onChange: () => changes.push(made.view().state), listener: () => undefined, healthMs: 5_000 },
  );
  return { link: made, changes };
}

describe("a remote's view while it does not answer", () => {
  it('a connected remote that stops answering shows unreachable since the unanswered read, saying why, and comes back', () => {
    const { link: box, changes } = link();
    box.state = 'connected';
    box.since = '2026-12-01T10:00:00.000Z';
    box.notAnswering('2026-12-01T10:05:00.000Z');
    expect(box.view()).toMatchObject({
      state: 'unreachable',
      since: '2026-12-01T10:05:00.000Z',
      error: NOT_ANSWERING,
    });
    box.notAnswering('2026-12-01T10:05:00.000Z');
    box.notAnswering(undefined);
    expect(box.view()).toMatchObject({ state: 'connected', since: '2026-12-01T10:00:00.000Z' });
    expect(box.view().error).toBeUndefined();
    // Each change is pushed once (the `remotes` topic).
    expect(changes).toEqual(['unreachable', 'connected']);
  });

  it('a remote already unreachable keeps its own since and reason', () => {
    const { link: box, changes } = link();
    box.state = 'unreachable';
    box.since = '2026-12-01T09:00:00.000Z';
    box.error = 'connection lost: ssh exited';
    box.notAnswering('2026-12-01T10:05:00.000Z');
    expect(box.view()).toMatchObject({
      state: 'unreachable',
      since: '2026-12-01T09:00:00.000Z',
      error: 'connection lost: ssh exited',
    });
    expect(changes).toEqual([]);
  });
});
