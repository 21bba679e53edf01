/**
 * How the relay treats each topic kind's events from a remote — pure, one
 * entry per kind of shared/protocol.ts `TopicEvents`, so a new kind nobody
 * classified here does not compile. `stamp`: the remote's own things carry
 * its name; `found`: what the event shows the remote owns (see method-rules.ts).
 */
import type { TopicEvent, TopicKind } from '../../shared/protocol.js';
import { boardFound, tickFound } from './method-rules.js';
import type { Found } from './remote-lists.js';
import { stampBoard, stampMachine } from './route.js';

export interface TopicRule<K extends TopicKind> {
  stamp?: (event: TopicEvent<K>, machine: string) => TopicEvent<K>;
  found?: (event: TopicEvent<K>) => Found;
}

export type TopicRules = { readonly [K in TopicKind]: TopicRule<K> };

export const topicRules: TopicRules = {
  board: {
    stamp: (event, machine) => ({
      ...event,
      machine: stampMachine(event.machine, machine),
      board: stampBoard(event.board, machine),
    }),
    found: (event) => boardFound(event.board),
  },
  ratchet: {
    found: (event) =>
      event.kind === 'tick'
        ? tickFound(event.tick)
        : tickFound({ decisions: [{ workspaceId: event.workspaceId, decision: event.decision }] }),
  },
  workspace: {
    found: (event) => {
      if (event.kind === 'updated') return { workspaceChanges: [event.workspace] };
      // A fixer the remote's ratchet started in this workspace runs there too.
      if (event.kind === 'ratchet' && event.ratchet.fixerSessionId)
        return { ids: { session: [event.ratchet.fixerSessionId] } };
      return {};
    },
  },
  // The topic names its session or terminal, whose owner is already known; the events name nothing else.
  session: {},
  terminal: {},
  // This agent's own: never followed on a remote.
  remotes: {},
};
