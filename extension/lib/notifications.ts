import type { Board, CardSession } from '../../shared/board.js';
import type { RatchetDecision } from '../../shared/ratchet.js';
import { workspacePagePath } from './workspace-link.js';

export const NOTIFICATION_SETTINGS_KEY = 'ff.notifications';
export const NotificationKinds = ['permission', 'turn', 'crashed', 'fixer', 'ready', 'merged'] as const;
export type NotificationKind = (typeof NotificationKinds)[number];
export type NotificationSettings = Record<NotificationKind, boolean>;
export const defaultNotificationSettings: NotificationSettings = {
  permission: true,
  turn: true,
  crashed: true,
  fixer: true,
  ready: true,
  merged: true,
};

/**
 * The stored notification settings, whatever storage holds: each kind's own
 * boolean, its default when missing or not a boolean (a kind added later is on).
 */
export function notificationSettingsFrom(stored: unknown): NotificationSettings {
  const settings = { ...defaultNotificationSettings };
  if (typeof stored !== 'object' || stored === null) return settings;
  const values = new Map<string, unknown>(Object.entries(stored));
  for (const kind of NotificationKinds) {
    const value = values.get(kind);
    if (typeof value === 'boolean') settings[kind] = value;
  }
  return settings;
}

export interface Notice {
  id: string;
  kind: NotificationKind;
  title: string;
  message: string;
  /** A click opens this workspace's page… */
  workspaceId: string;
  /** …on this session, when the news is about one. */
  sessionId?: string;
}

/** What the background remembers between boards, so a notice is about a change and is said once. */
export interface NoticeMemory {
  /** Notice ids already shown. */
  seen: ReadonlySet<string>;
  /** Each session as the last board showed it. */
  sessions: ReadonlyMap<string, Pick<CardSession, 'status' | 'turns'>>;
  /** Projects whose board was seen before: on the first board of a project, old crashes and turns are not news. */
  projects: ReadonlySet<string>;
}

export const emptyNoticeMemory = (): NoticeMemory => ({
  seen: new Set(),
  sessions: new Map(),
  projects: new Set(),
});

/** The memory after a board and the notices it brought — pure. */
export function rememberBoard(memory: NoticeMemory, board: Board, notices: readonly Notice[]): NoticeMemory {
  const sessions = new Map(memory.sessions);
  for (const card of allCards(board))
    for (const s of card.sessions.list) sessions.set(s.id, { status: s.status, turns: s.turns });
  return {
    ...rememberSeen(memory, notices),
    sessions,
    projects: new Set([...memory.projects, board.project]),
  };
}

/** The memory once these notices were shown — pure. */
export function rememberSeen(memory: NoticeMemory, notices: readonly Notice[]): NoticeMemory {
  return { ...memory, seen: new Set([...memory.seen, ...notices.map((n) => n.id)]) };
}

const allCards = (board: Board) => [
  ...board.columns.working,
  ...board.columns.waiting,
  ...board.columns.done,
];

/**
 * Which notifications a new board brings — pure. A session waiting for a
 * permission; a chat that finished a turn while no view of it is open
 * (`viewed`: session ids some popup or workspace page shows); a session
 * that crashed; a PR that became ready or merged. Each once, until it
 * changes again.
 */
export function noticesFromBoard(board: Board, memory: NoticeMemory, viewed: ReadonlySet<string>): Notice[] {
  const notices: Notice[] = [];
  const known = memory.projects.has(board.project);
  for (const card of allCards(board)) {
    const w = card.workspace;
    const name = w.issue ? `#${w.issue.number} ${w.issue.title}` : w.branch;
    const about = { workspaceId: w.id };
    for (const s of card.sessions.list) {
      const before = memory.sessions.get(s.id) ?? (known ? { status: 'starting', turns: 0 } : undefined);
      const session = { ...about, sessionId: s.id };
      if (s.status === 'waiting-permission')
        notices.push({
          id: `permission:${s.id}:${w.updatedAt}`,
          kind: 'permission',
          title: 'Claude needs your permission',
          message: name,
          ...session,
        });
      if (!before || before.status === s.status) continue;
      if (s.status === 'crashed' || s.status === 'failed')
        notices.push({
          id: `crashed:${s.id}:${s.turns}`,
          kind: 'crashed',
          title: s.status === 'failed' ? 'A Claude session failed' : 'A Claude session crashed',
          message: `${name} — ${s.kind === 'chat' ? 'chat' : s.title}`,
          ...session,
        });
      if (
        s.status === 'idle' &&
        (before.status === 'running' || before.status === 'starting') &&
        s.kind !== 'ratchet' &&
        !viewed.has(s.id)
      )
        notices.push({
          id: `turn:${s.id}:${s.turns}`,
          kind: 'turn',
          title: 'Claude finished and waits for you',
          message: name,
          ...session,
        });
    }
    if (w.ratchet.state === 'READY' && w.pr)
      notices.push({
        id: `ready:${w.id}:${w.ratchet.lastDecision?.headRefOid ?? ''}`,
        kind: 'ready',
        title: `PR #${w.pr.number} is ready to merge`,
        message: name,
        ...about,
      });
    if (w.ratchet.state === 'MERGED' && w.pr)
      notices.push({
        id: `merged:${w.id}`,
        kind: 'merged',
        title: `PR #${w.pr.number} merged`,
        message: name,
        ...about,
      });
  }
  return notices.filter((n) => !memory.seen.has(n.id));
}

export function noticeFromDecision(workspaceId: string, decision: RatchetDecision): Notice | undefined {
  if (decision.action !== 'start-fixer') return undefined;
  return {
    id: `fixer:${workspaceId}:${decision.fingerprint ?? decision.at}`,
    kind: 'fixer',
    title: 'The ratchet started a fixer',
    message: decision.reason,
    workspaceId,
  };
}

/** The extension path a notice's click opens: the workspace page, on the session it is about. */
export const noticePath = (notice: Pick<Notice, 'workspaceId' | 'sessionId'>) =>
  workspacePagePath(notice.workspaceId, notice.sessionId);
