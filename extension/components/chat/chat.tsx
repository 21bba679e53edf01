import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { SessionView } from '../../../shared/domain.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { toChatItems } from '../../lib/chat-model.js';
import { Octicon } from '../../lib/octicons.js';
import { shownError } from '../../lib/use-agent.js';
import { InlineCode } from '../inline-code.js';
import { ChatHead } from './chat-head.js';
import { ChatItem, loadMarkdown, useMarkdown } from './chat-item.js';
import { Composer } from './composer.js';
import { useChatScroll } from './use-chat-scroll.js';
import { useDraft } from './use-draft.js';
import { PAGE_ITEMS, useItemWindow } from './use-item-window.js';
import { useSessionView } from './use-session-view.js';
import { useTranscript } from './use-transcript.js';

/**
 * One session's chat: the streamed transcript and a composer. The
 * transcript is cached per session, so reopening the popup replays only
 * what is new (sinceSeq); the draft and the scroll position (at the bottom,
 * or which message at what height) survive the popup closing. Each job is a
 * hook of its own in this folder: the events (`useTranscript`), how many
 * items render (`useItemWindow`), the scroll spot (`useChatScroll`), what
 * `session.get` says (`useSessionView`) and the draft (`useDraft`).
 *
 * A session on a remote machine that is out of reach shows its last known
 * transcript with `offline` (why it cannot send); each new `resumeKey` (the
 * machine came back) follows it again from its last event. While the agent
 * itself is away the chat is read-only too (the page's banner says why).
 * `worktree` is the workspace's folder: tool rows name files relative to it.
 * `known` is the page's last view of the session (its list, kept while the
 * agent is away): the head shows it until `session.get` answers.
 */
export function Chat({
  agent,
  sessionId,
  offline,
  resumeKey = '',
  worktree,
  known,
}: {
  agent: AgentPort;
  sessionId: string;
  offline?: string;
  resumeKey?: string;
  worktree?: string;
  known?: SessionView | undefined;
}) {
  // Hook order is effect order: the subscription goes out before `session.get`, as the chat's first asks.
  const transcript = useTranscript(agent, sessionId, resumeKey, () => view.refresh());
  const view = useSessionView(agent, sessionId, resumeKey);
  const itemWindow = useItemWindow(transcript.readOlder);
  const draft = useDraft(sessionId);
  const list = useRef<HTMLDivElement>(null);
  const events = transcript.events.value;
  const items = useMemo(() => toChatItems(events), [events]);
  const hidden = Math.max(0, items.length - itemWindow.shown.value);
  // Replies turn from plain text into markdown (of another height) once the parser is here: a chat that
  // follows its end still shows it then.
  const md = useMarkdown();
  const scroll = useChatScroll(
    sessionId,
    list,
    { items, hidden, isComplete: transcript.isComplete, heights: md },
    {
      reveal: (shown) => {
        itemWindow.shown.value = shown;
      },
      nearTop: () => {
        if (itemWindow.shown.value < PAGE_ITEMS) itemWindow.fillFirstPage();
      },
    },
  );
  useEffect(loadMarkdown, []);
  // npm run bench: when the transcript up to which seq was rendered.
  useEffect(() => {
    const seq = events.at(-1)?.seq;
    if (seq !== undefined) performance.mark('ff-chat-rendered', { detail: { seq } });
  }, [events]);

  const away = agent.connection.value?.status !== 'connected';
  const s = view.session.value ?? (known?.id === sessionId ? known : undefined);
  const send = async () => {
    const text = draft.text.value.trim();
    if (!text || offline || away) return;
    view.error.value = '';
    try {
      await agent.call('session.send', { sessionId, text });
      draft.clear();
    } catch (e) {
      view.error.value = shownError(e);
    }
  };
  return (
    <div class="ff-chat" data-testid="ff-chat" data-session={sessionId} data-status={s?.status ?? ''}>
      <ChatHead session={s} />
      {items.length === 0 && s !== undefined && (
        <p class="ff-muted ff-empty-chat" data-testid="ff-chat-empty">
          No messages yet.
        </p>
      )}
      <div
        class={`ff-transcript${items.length === 0 ? ' ff-transcript-empty' : ''}`}
        ref={list}
        role="log"
        aria-label="Transcript"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so a keyboard can scroll it (WCAG 2.1.1; axe scrollable-region-focusable).
        tabIndex={0}
        data-testid="ff-transcript"
        onScroll={scroll.onScroll}
      >
        {hidden > 0 && (
          <button
            type="button"
            class="ff-link"
            data-testid="ff-show-earlier"
            onClick={itemWindow.showEarlier}
          >
            Show {Math.min(hidden, PAGE_ITEMS)} earlier
          </button>
        )}
        {items.slice(hidden).map((item) => (
          <div key={`${item.kind}-${item.seq}-${'id' in item ? item.id : ''}`} data-seq={item.seq}>
            <ChatItem
              item={item}
              agent={agent}
              sessionId={sessionId}
              md={md}
              worktree={worktree}
              readOnly={away || Boolean(offline)}
            />
          </div>
        ))}
      </div>
      {view.error.value && !offline && (
        <div class="error">
          <InlineCode text={view.error.value} />
        </div>
      )}
      {offline && (
        <div class="ff-offline-notice" role="status" data-testid="ff-chat-offline">
          <Octicon name="cloud-offline" class="ff-notice-icon" /> {offline}
        </div>
      )}
      <Composer
        session={s}
        draft={draft.text.value}
        offline={Boolean(offline) || away}
        onType={draft.type}
        onSend={() => void send()}
        onInterrupt={() =>
          agent.call('session.interrupt', { sessionId }).catch((e: unknown) => {
            view.error.value = shownError(e);
          })
        }
      />
    </div>
  );
}
