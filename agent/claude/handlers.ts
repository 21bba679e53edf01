import { join } from 'node:path';
import type { HandlerTable } from '../server/handlers.js';
import { findQuickAction, loadQuickActions } from './prompts.js';
import type { Sessions } from './sessions.js';

/** `session.*` and `permission.respond`: Claude sessions, their transcripts and their questions. */
export function sessionHandlers(sessions: Sessions) {
  return {
    'session.start': (params) => sessions.start(params),
    'session.send': (params) => sessions.send(params.sessionId, params.text),
    'session.interrupt': (params) => sessions.interrupt(params.sessionId),
    'session.stop': (params) => sessions.stop(params.sessionId),
    'session.resume': (params) => sessions.resume(params.sessionId, params.prompt),
    'session.list': (params) => sessions.list(params ?? {}),
    'session.get': (params) => sessions.view(sessions.find(params.sessionId)),
    'session.events': (params) => sessions.events(params.sessionId, params.sinceSeq, params.limit, params),
    'permission.respond': (params) => sessions.respondPermission(params),
  } satisfies HandlerTable;
}

/**
 * `quickAction.*`: the built-in prompts (`prompts/quick-actions/`) and the
 * user's (`FF_HOME/quick-actions/`), read again on each call so an edit
 * needs no restart.
 */
export function quickActionHandlers(deps: { sessions: Sessions; promptsDir: string; home: string }) {
  const load = () =>
    loadQuickActions(join(deps.promptsDir, 'quick-actions'), join(deps.home, 'quick-actions'));
  return {
    'quickAction.list': async () => {
      const { actions, problems } = await load();
      return { actions: actions.map(({ prompt: _prompt, ...action }) => action), problems };
    },
    'quickAction.run': async (params) => {
      const action = findQuickAction(await load(), params.action);
      return deps.sessions.start({
        workspaceId: params.workspaceId,
        prompt: action.prompt,
        kind: 'quick-action',
        title: action.name,
      });
    },
  } satisfies HandlerTable;
}
