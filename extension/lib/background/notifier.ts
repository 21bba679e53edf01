import { browser } from 'wxt/browser';
import type { AgentConnection } from '../agent-connection.js';
import {
  emptyNoticeMemory,
  NOTIFICATION_SETTINGS_KEY,
  type Notice,
  noticeFromDecision,
  noticePath,
  noticesFromBoard,
  notificationSettingsFrom,
  rememberBoard,
  rememberSeen,
} from '../notifications.js';
import { isWorkspacePagePath } from '../workspace-link.js';
import type { SessionViewers } from './session-viewers.js';

/**
 * Desktop notifications, each kind toggleable in Options: from every board
 * push (a session that needs you, crashed or finished a turn nobody was
 * watching) and every ratchet decision worth telling. A click opens the
 * workspace page. What to say is notifications.ts's pure part.
 */
export function notifyFromAgent(connection: AgentConnection, viewers: SessionViewers): void {
  let memory = emptyNoticeMemory();
  connection.subscribe('board', (event) => {
    if (event.kind !== 'board') return;
    const { board } = event.data;
    const notices = noticesFromBoard(board, memory, viewers.shown());
    memory = rememberBoard(memory, board, notices);
    for (const notice of notices) void show(notice);
  });
  connection.subscribe('ratchet', (event) => {
    const data = event.kind === 'ratchet' ? event.data : undefined;
    const notice =
      data?.kind === 'decision' ? noticeFromDecision(data.workspaceId, data.decision) : undefined;
    if (notice && !memory.seen.has(notice.id)) {
      memory = rememberSeen(memory, [notice]);
      void show(notice);
    }
  });
  browser.notifications.onClicked.addListener((id) => {
    const path = id.slice(id.indexOf('|') + 1);
    if (isWorkspacePagePath(path)) void browser.tabs.create({ url: browser.runtime.getURL(path) });
    void browser.notifications.clear(id);
  });
}

async function show(notice: Notice): Promise<void> {
  const stored = await browser.storage.local.get(NOTIFICATION_SETTINGS_KEY);
  if (!notificationSettingsFrom(stored[NOTIFICATION_SETTINGS_KEY])[notice.kind]) return;
  // The id carries what a click opens, so a click still works after the worker restarted.
  await browser.notifications.create(`${notice.id}|${noticePath(notice)}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('/icon-128.png'),
    title: notice.title,
    message: notice.message.slice(0, 300),
  });
}
