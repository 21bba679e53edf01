import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { errorText } from '../../shared/error-text.js';
import { NATIVE_HOST_NAME } from '../../shared/extension-identity.js';
import { AgentError, methods } from '../../shared/protocol.js';
import { permissionsWaiting } from '../../shared/session-counts.js';
import { AgentConnection } from '../lib/agent-connection.js';
import {
  ENTERPRISE_HOSTS_KEY,
  enterpriseHostsFrom,
  grantedHosts,
  originPattern,
  planScripts,
  scriptId,
} from '../lib/enterprise-hosts.js';
import { badgeText } from '../lib/fleet-model.js';
import { type AgentEvent, PORT_NAME, type PortMessage } from '../lib/messages.js';
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
} from '../lib/notifications.js';
import { PortRequest } from '../lib/port-schemas.js';
import { workspacePagePath } from '../lib/workspace-link.js';

/** At most one events message per port this often while events stream in (one render each, about 60 a second). */
const BATCH_MS = 16;

export default defineBackground(() => {
  const connection = new AgentConnection(
    browser.storage.local,
    browser.runtime.getManifest().version,
    async () => {
      const answer = (await browser.runtime.sendNativeMessage(NATIVE_HOST_NAME, { type: 'ensureAgent' })) as {
        ok?: boolean;
        port?: number;
        token?: string;
      };
      return answer?.ok && answer.port && answer.token
        ? { port: answer.port, token: answer.token }
        : undefined;
    },
  );
  void connection.connect();

  // Desktop notifications, each kind toggleable in Options; a click opens the workspace page.
  let memory = emptyNoticeMemory();
  /** Sessions some popup or workspace page shows, with how many of them. */
  const viewers = new Map<string, number>();
  const notify = async (notice: Notice) => {
    const stored = await browser.storage.local.get(NOTIFICATION_SETTINGS_KEY);
    if (!notificationSettingsFrom(stored[NOTIFICATION_SETTINGS_KEY])[notice.kind]) return;
    // The id carries what a click opens, so a click still works after the worker restarted.
    await browser.notifications.create(`${notice.id}|${noticePath(notice)}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon-128.png'),
      title: notice.title,
      message: notice.message.slice(0, 300),
    });
  };
  browser.notifications.onClicked.addListener((id) => {
    const path = id.slice(id.indexOf('|') + 1);
    if (path.startsWith('/workspace.html'))
      void browser.tabs.create({ url: browser.runtime.getURL(path as '/') });
    void browser.notifications.clear(id);
  });
  // The toolbar badge: how many permission requests wait across all sessions (the fleet page's inbox).
  const action = browser.action ?? browser.browserAction;
  let lastBadge: string | undefined;
  let badgeTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshBadge = () => {
    clearTimeout(badgeTimer);
    badgeTimer = setTimeout(async () => {
      const text =
        connection.state.status === 'connected'
          ? badgeText(
              permissionsWaiting(
                await connection
                  .call('session.list', undefined)
                  .then((list) => methods['session.list'].result.parse(list))
                  .catch(() => []),
              ),
            )
          : '';
      if (text === lastBadge) return;
      lastBadge = text;
      await action.setBadgeText({ text });
      if (text) await action.setBadgeBackgroundColor({ color: '#0969da' });
    }, 50);
  };
  connection.onChange(refreshBadge);
  refreshBadge();
  connection.subscribe('board', (event) => {
    refreshBadge();
    if (event.kind !== 'board') return;
    const { board } = event.data;
    const notices = noticesFromBoard(board, memory, new Set(viewers.keys()));
    memory = rememberBoard(memory, board, notices);
    for (const notice of notices) void notify(notice);
  });
  connection.subscribe('ratchet', (event) => {
    const data = event.kind === 'ratchet' ? event.data : undefined;
    const notice =
      data?.kind === 'decision' ? noticeFromDecision(data.workspaceId, data.decision) : undefined;
    if (notice && !memory.seen.has(notice.id)) {
      memory = rememberSeen(memory, [notice]);
      void notify(notice);
    }
  });

  // GitHub Enterprise: ff's content script on each host the user added in Options and the browser granted.
  const syncEnterpriseScripts = async () => {
    const stored = await browser.storage.local.get(ENTERPRISE_HOSTS_KEY);
    const wanted = enterpriseHostsFrom(stored[ENTERPRISE_HOSTS_KEY]);
    const { origins = [] } = await browser.permissions.getAll();
    const registered = (await browser.scripting.getRegisteredContentScripts()).map((s) => s.id);
    const plan = planScripts({ wanted, granted: grantedHosts(origins), registered });
    if (plan.unregister.length > 0)
      await browser.scripting.unregisterContentScripts({ ids: plan.unregister });
    if (plan.register.length === 0) return;
    // The same script the manifest runs on github.com.
    const [github] = browser.runtime.getManifest().content_scripts ?? [];
    await browser.scripting.registerContentScripts(
      plan.register.map((host) => ({
        id: scriptId(host),
        matches: [originPattern(host)],
        js: github?.js ?? [],
        ...(github?.css ? { css: github.css } : {}),
        runAt: 'document_end' as const,
        persistAcrossSessions: true,
      })),
    );
  };
  let syncing = Promise.resolve();
  const resync = () => {
    syncing = syncing
      .then(syncEnterpriseScripts)
      .catch((error: unknown) => console.error('ff: GitHub Enterprise', error));
  };
  resync();
  browser.permissions.onAdded.addListener(resync);
  browser.permissions.onRemoved.addListener(resync);
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && ENTERPRISE_HOSTS_KEY in changes) resync();
  });

  // Pages and content scripts reach the agent only through this port: typed calls and subscriptions, never the token.
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PORT_NAME || port.sender?.id !== browser.runtime.id) {
      port.disconnect();
      return;
    }
    let open = true;
    const post = (message: PortMessage) => {
      if (open) port.postMessage(message);
    };
    const unsubscribers = new Map<string, () => void>();
    // Events go out in batches, the only batching between agent and view (a page applies each as one
    // render): a replay of thousands is a few messages, not thousands, and a stream is one message per
    // BATCH_MS at most. Leading edge: the first event after a quiet spell goes at once.
    let outbox: AgentEvent[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    let sentAt = 0;
    const deliver = (event: AgentEvent) => {
      outbox.push(event);
      if (flush !== undefined) return;
      flush = setTimeout(
        () => {
          flush = undefined;
          sentAt = performance.now();
          const events = outbox;
          outbox = [];
          post({ type: 'events', events });
        },
        Math.max(0, sentAt + BATCH_MS - performance.now()),
      );
    };
    const watch = (topic: string, delta: number) => {
      if (!topic.startsWith('session:')) return;
      const session = topic.slice('session:'.length);
      const count = (viewers.get(session) ?? 0) + delta;
      if (count > 0) viewers.set(session, count);
      else viewers.delete(session);
    };
    post({ type: 'connection', state: connection.state });
    const offState = connection.onChange((state) => post({ type: 'connection', state }));
    port.onDisconnect.addListener(() => {
      open = false;
      offState();
      for (const [topic, off] of unsubscribers) {
        off();
        watch(topic, -1);
      }
      unsubscribers.clear();
    });
    port.onMessage.addListener((raw: unknown) => {
      const parsed = PortRequest.safeParse(raw);
      if (!parsed.success) return;
      const request = parsed.data;
      const answer = (id: number, work: Promise<unknown>) =>
        work.then(
          (result) => post({ type: 'result', id, ok: true, result }),
          (error: unknown) =>
            post({
              type: 'result',
              id,
              ok: false,
              error:
                error instanceof AgentError
                  ? error.toInfo()
                  : { code: 'INTERNAL', message: errorText(error) },
            }),
        );
      switch (request.type) {
        case 'call':
          void answer(request.id, connection.call(request.method, request.params));
          return;
        case 'pair':
          void answer(request.id, connection.pair(request.pairing));
          return;
        case 'pair-code':
          void answer(request.id, connection.pairWithCode(request.port, request.code));
          return;
        case 'reconnect':
          void answer(request.id, connection.connect());
          return;
        case 'subscribe':
          if (unsubscribers.has(request.topic)) unsubscribers.get(request.topic)?.();
          else watch(request.topic, 1);
          unsubscribers.set(request.topic, connection.subscribe(request.topic, deliver, request.sinceSeq));
          return;
        case 'open':
          void browser.tabs.create({
            url: browser.runtime.getURL(
              request.page === 'workspace' && request.hash
                ? (workspacePagePath(request.hash, request.session) as `/workspace.html${string}`)
                : `/${request.page}.html${request.hash ? `#${encodeURIComponent(request.hash)}` : ''}`,
            ),
          });
          return;
        case 'unsubscribe':
          if (!unsubscribers.has(request.topic)) return;
          unsubscribers.get(request.topic)?.();
          unsubscribers.delete(request.topic);
          watch(request.topic, -1);
          return;
      }
    });
  });
});
