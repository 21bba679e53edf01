import { browser } from 'wxt/browser';
import { errorText } from '../../../shared/error-text.js';
import { AgentError } from '../../../shared/protocol.js';
import type { AgentConnection } from '../agent-connection.js';
import { type AgentEvent, PORT_NAME, type PortMessage } from '../messages.js';
import { PortRequest } from '../port-schemas.js';
import { loopbackPreviewHref } from '../safe-href.js';
import { workspacePagePath } from '../workspace-link.js';
import type { SessionViewers } from './session-viewers.js';

/** At most one events message per port this often while events stream in (one render each, about 60 a second). */
const BATCH_MS = 16;

type OpenRequest = Extract<PortRequest, { type: 'open' }>;
type Port = Parameters<Parameters<typeof browser.runtime.onConnect.addListener>[0]>[0];

/**
 * Pages and content scripts reach the agent only through the worker's port:
 * typed calls and subscriptions, never the token. Each port is served on its
 * own (`servePort`); only this extension's own pages may connect.
 */
export function servePorts(connection: AgentConnection, viewers: SessionViewers): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PORT_NAME || port.sender?.id !== browser.runtime.id) {
      port.disconnect();
      return;
    }
    servePort(port, connection, viewers);
  });
}

function servePort(port: Port, connection: AgentConnection, viewers: SessionViewers): void {
  let open = true;
  const post = (message: PortMessage) => {
    if (open) port.postMessage(message);
  };
  const deliver = batchEvents((events) => post({ type: 'events', events }));
  const unsubscribers = new Map<string, () => void>();
  post({ type: 'connection', state: connection.state });
  const offState = connection.onChange((state) => post({ type: 'connection', state }));
  port.onDisconnect.addListener(() => {
    open = false;
    offState();
    for (const [topic, off] of unsubscribers) {
      off();
      viewers.note(topic, -1);
    }
    unsubscribers.clear();
  });
  const answer = (id: number, work: Promise<unknown>) =>
    work.then(
      (result) => post({ type: 'result', id, ok: true, result }),
      (error: unknown) =>
        post({
          type: 'result',
          id,
          ok: false,
          error:
            error instanceof AgentError ? error.toInfo() : { code: 'INTERNAL', message: errorText(error) },
        }),
    );
  port.onMessage.addListener((raw: unknown) => {
    const parsed = PortRequest.safeParse(raw);
    if (!parsed.success) return;
    const request = parsed.data;
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
        else viewers.note(request.topic, 1);
        unsubscribers.set(request.topic, connection.subscribe(request.topic, deliver, request.sinceSeq));
        return;
      case 'unsubscribe':
        if (!unsubscribers.has(request.topic)) return;
        unsubscribers.get(request.topic)?.();
        unsubscribers.delete(request.topic);
        viewers.note(request.topic, -1);
        return;
      case 'open-preview':
        void answer(request.id, openPreview(connection, request.workspaceId, request.port));
        return;
      case 'open':
        void browser.tabs.create({ url: browser.runtime.getURL(pagePath(request)) });
        return;
    }
  });
}

/** A preview in a new tab, at the URL the agent gives for it here; nothing but a loopback http URL is opened. */
async function openPreview(
  connection: AgentConnection,
  workspaceId: string,
  port: number,
): Promise<{ url: string }> {
  const answer = (await connection.call('preview.open', { workspaceId, port })) as { url?: unknown };
  const url = typeof answer?.url === 'string' ? answer.url : '';
  const href = loopbackPreviewHref(url);
  if (!href) throw new AgentError('INTERNAL', `The agent answered a preview URL ff does not open: ${url}`);
  await browser.tabs.create({ url: href });
  return { url: href };
}

/**
 * Events go out in batches, the only batching between agent and view (a page
 * applies each as one render): a replay of thousands is a few messages, not
 * thousands, and a stream is one message per BATCH_MS at most. Leading edge:
 * the first event after a quiet spell goes at once.
 */
function batchEvents(send: (events: AgentEvent[]) => void): (event: AgentEvent) => void {
  let outbox: AgentEvent[] = [];
  let flush: ReturnType<typeof setTimeout> | undefined;
  let sentAt = 0;
  return (event) => {
    outbox.push(event);
    if (flush !== undefined) return;
    flush = setTimeout(
      () => {
        flush = undefined;
        sentAt = performance.now();
        const events = outbox;
        outbox = [];
        send(events);
      },
      Math.max(0, sentAt + BATCH_MS - performance.now()),
    );
  };
}

/** The extension page an `open` request names: the workspace page with its session, or a page with its hash. */
function pagePath(request: OpenRequest): `/${OpenRequest['page']}.html${string}` {
  if (request.page === 'workspace' && request.hash) return workspacePagePath(request.hash, request.session);
  return `/${request.page}.html${request.hash ? `#${encodeURIComponent(request.hash)}` : ''}`;
}
