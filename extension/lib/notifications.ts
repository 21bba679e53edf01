import type { Board } from '../../shared/board.js';
import type { RatchetDecision } from '../../shared/ratchet.js';

export const NOTIFICATION_SETTINGS_KEY = 'ff.notifications';
export const NotificationKinds = ['permission', 'fixer', 'ready', 'merged'] as const;
export type NotificationKind = (typeof NotificationKinds)[number];
export type NotificationSettings = Record<NotificationKind, boolean>;
export const defaultNotificationSettings: NotificationSettings = {
  permission: true,
  fixer: true,
  ready: true,
  merged: true,
};

export interface Notice {
  id: string;
  kind: NotificationKind;
  title: string;
  message: string;
  /** What a click opens. */
  url?: string;
}

/**
 * Which notifications a new board brings, given what was already said —
 * pure. A workspace whose session waits for a permission, a PR that became
 * ready or merged: each once, until it changes again.
 */
export function noticesFromBoard(board: Board, seen: Set<string>): Notice[] {
  const notices: Notice[] = [];
  const cards = [...board.columns.working, ...board.columns.waiting, ...board.columns.done];
  for (const card of cards) {
    const w = card.workspace;
    const name = w.issue ? `#${w.issue.number} ${w.issue.title}` : w.branch;
    if (card.sessions.waitingForYou > 0 && card.focusSessionId) {
      notices.push({
        id: `permission:${card.focusSessionId}:${w.updatedAt}`,
        kind: 'permission',
        title: 'Claude needs your permission',
        message: name,
        ...(w.issue ? { url: w.issue.url } : {}),
      });
    }
    if (w.ratchet.state === 'READY' && w.pr) {
      notices.push({
        id: `ready:${w.id}:${w.ratchet.lastDecision?.headRefOid ?? ''}`,
        kind: 'ready',
        title: `PR #${w.pr.number} is ready to merge`,
        message: name,
        url: w.pr.url,
      });
    }
    if (w.ratchet.state === 'MERGED' && w.pr) {
      notices.push({
        id: `merged:${w.id}`,
        kind: 'merged',
        title: `PR #${w.pr.number} merged`,
        message: name,
        url: w.pr.url,
      });
    }
  }
  return notices.filter((n) => !seen.has(n.id));
}

export function noticeFromDecision(workspaceId: string, decision: RatchetDecision): Notice | undefined {
  if (decision.action !== 'start-fixer') return undefined;
  return {
    id: `fixer:${workspaceId}:${decision.fingerprint ?? decision.at}`,
    kind: 'fixer',
    title: 'The ratchet started a fixer',
    message: decision.reason,
  };
}
