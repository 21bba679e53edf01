import { browser } from 'wxt/browser';
import { methods } from '../../../shared/protocol.js';
import { permissionsWaiting } from '../../../shared/session-counts.js';
import type { AgentConnection } from '../agent-connection.js';
import { badgeText } from '../fleet-model.js';

/**
 * The toolbar badge: how many permission requests wait across all sessions
 * (the fleet page's inbox), counted again on every board push (a session's
 * status changed somewhere) and every change of the connection; empty while
 * the agent is away.
 */
export function showWaitingPermissions(connection: AgentConnection): void {
  const action = browser.action ?? browser.browserAction;
  let shown: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const count = async (): Promise<string> => {
    if (connection.state.status !== 'connected') return '';
    try {
      const sessions = methods['session.list'].result.parse(await connection.call('session.list', undefined));
      return badgeText(permissionsWaiting(sessions));
    } catch (error) {
      // The agent went away mid-call (the connection's state says so everywhere) or answered nonsense: no count.
      console.warn('ff: badge', error);
      return '';
    }
  };
  // A burst of pushes counts once.
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = await count();
      if (text === shown) return;
      shown = text;
      await action.setBadgeText({ text });
      if (text) await action.setBadgeBackgroundColor({ color: '#0969da' });
    }, 50);
  };
  connection.onChange(refresh);
  connection.subscribe('board', refresh);
  refresh();
}
