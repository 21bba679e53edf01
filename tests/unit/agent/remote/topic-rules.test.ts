import { describe, expect, it } from 'vitest';
import { ownedIn } from '../../../../agent/remote/remote-lists.js';
import { type TopicRule, topicRules } from '../../../../agent/remote/topic-rules.js';
import { type TopicEvent, TopicEvents, type TopicKind } from '../../../../shared/protocol.js';
import { RatchetDecision, WorkspaceRatchet } from '../../../../shared/ratchet.js';
import { board, card, workspaceView } from './views.js';

/** A remote's event as it is known here, and the things it shows box owns. */
function fromBox<K extends TopicKind>(kind: K, event: TopicEvent<K>) {
  const rule = topicRules[kind] as TopicRule<K>;
  const stamped = rule.stamp ? rule.stamp(event, 'box') : event;
  const found = rule.found?.(stamped) ?? {};
  return { stamped, found, owned: ownedIn(found).map(({ kind: k, id }) => `${k}:${id}`) };
}

describe("topic rules: what a remote's events show", () => {
  it('every topic kind is classified', () => {
    expect(Object.keys(topicRules).sort()).toEqual(Object.keys(TopicEvents).sort());
  });

  it("a board event is the remote's board: stamped with its name, showing its workspaces and sessions", () => {
    const w = workspaceView({ id: 'w1' });
    const { stamped, owned } = fromBox('board', {
      kind: 'board',
      project: 'octo/app',
      host: 'github.com',
      machine: 'local',
      board: board([card(w, ['s1'])]),
    });
    expect(stamped.machine).toBe('box');
    expect(stamped.board.columns.working[0]?.machine).toBe('box');
    expect(owned).toEqual(['workspace:w1', 'session:s1']);
  });

  it('a ratchet decision shows the workspace it is about and the fixer it started', () => {
    const decision = RatchetDecision.parse({
      action: 'start-fixer',
      reason: 'r',
      state: 'CI_FAILED',
      at: 't',
      sessionId: 's9',
    });
    expect(fromBox('ratchet', { kind: 'decision', workspaceId: 'w1', decision }).owned).toEqual([
      'workspace:w1',
      'session:s9',
    ]);
  });

  it("a workspace's changed record updates what is kept of it; its fixer is the remote's", () => {
    const { machine: _, project: __, sessions: ___, changes: ____, ...record } = workspaceView({ id: 'w1' });
    expect(fromBox('workspace', { kind: 'updated', workspace: record }).found.workspaceChanges).toEqual([
      record,
    ]);
    const ratchet = WorkspaceRatchet.parse({ fixerSessionId: 's4' });
    expect(fromBox('workspace', { kind: 'ratchet', ratchet }).owned).toEqual(['session:s4']);
  });

  it("a session's events are relayed as written: nothing in them is taken for a machine's name", () => {
    const event: TopicEvent<'session'> = {
      kind: 'permission',
      ts: 't',
      request: { requestId: 'r', toolName: 'deploy', input: { machine: 'local' }, at: 't' },
    };
    expect(fromBox('session', event)).toEqual({ stamped: event, found: {}, owned: [] });
  });
});
