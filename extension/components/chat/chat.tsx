import { signal, useSignal } from '@preact/signals';
import { Component } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { SessionView } from '../../../shared/domain.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { type ChatItem, toChatItems } from '../../lib/chat-model.js';
import { afterFirstPaint, hasPainted } from '../../lib/first-paint.js';
import { formatDuration, formatUsd } from '../../lib/fleet-model.js';
import { Octicon, toolIcon } from '../../lib/octicons.js';
import { followSession, type SessionEntry } from '../../lib/session-feed.js';
import {
  readScrollSpot,
  readTranscriptOlder,
  readTranscriptTail,
  writeScrollSpot,
  writeTranscriptCache,
} from '../../lib/transcript-cache.js';
import { errorText } from '../../lib/use-agent.js';
import { PermissionButtons } from '../permission-buttons.js';

type Stored = SessionEntry;
const MAX_CACHED = 2000;
/** Items rendered at first (the newest); older ones one page at a time on request. */
const PAGE_ITEMS = 100;
/**
 * Items in the page's first frame (more than the transcript's 320 px show):
 * the rest of the first page renders when the reader scrolls up, or once
 * the page is idle FILL_AFTER_MS after that frame.
 */
const FIRST_FRAME_ITEMS = 24;
const FILL_AFTER_MS = 500;
const draftKey = (id: string) => `ff.draft.${id}`;
/** A stored draft is a string; anything else in its place is no draft. */
const draftFrom = (stored: unknown): string => (typeof stored === 'string' ? stored : '');

/**
 * The markdown parser and sanitizer load after the first paint: until they
 * are here, replies show as plain text (inert too), then as markdown.
 */
const markdown = signal<typeof import('../../lib/markdown.js') | undefined>(undefined);
let markdownRequested = false;
function loadMarkdown(): void {
  if (markdownRequested) return;
  markdownRequested = true;
  void import('../../lib/markdown.js').then((module) => {
    markdown.value = module;
  });
}

/**
 * One session's chat: the streamed transcript and a composer. The
 * transcript is cached per session, so reopening the popup replays only
 * what is new (sinceSeq); the draft and the scroll position (at the bottom,
 * or which message at what height) survive the popup closing.
 *
 * A session on a remote machine that is out of reach shows its last known
 * transcript with `offline` (why it cannot send); each new `resumeKey` (the
 * machine came back) follows it again from its last event.
 */
export function Chat({
  agent,
  sessionId,
  offline,
  resumeKey = '',
}: {
  agent: AgentPort;
  sessionId: string;
  offline?: string;
  resumeKey?: string;
}) {
  // The newest cached events, read as the chat mounts (it is keyed by session), so they show in the first
  // frame; the older ones are read after it (`older`).
  const cached = useMemo(() => readTranscriptTail<Stored>(sessionId), [sessionId]);
  const events = useSignal<Stored[]>(cached.events);
  /** How many of the newest items are rendered: fewer in the page's first frame. */
  const shown = useSignal(hasPainted() ? PAGE_ITEMS : FIRST_FRAME_ITEMS);
  /** Whether `events` holds all of the cache (the older part is read, or there was none). */
  const complete = useRef(cached.complete);
  const session = useSignal<SessionView | undefined>(undefined);
  const draft = useSignal('');
  const error = useSignal('');
  const list = useRef<HTMLDivElement>(null);
  // Where the chat was scrolled when it was last shown: at the bottom (following), or an item this far down.
  const spot = useMemo(() => readScrollSpot(sessionId), [sessionId]);
  const stick = useRef(spot?.atBottom ?? true);
  const restored = useRef(!spot || spot.atBottom);
  const scrollNote = useRef<ReturnType<typeof setTimeout>>();
  /** Reads the older cached events and renders the first page in full (set by the subscription's effect). */
  const fillFirstPage = useRef(() => {});
  const lastTop = useRef(0);
  const noteSpot = () => {
    const container = list.current;
    if (!container) return;
    if (stick.current) return writeScrollSpot(sessionId, { atBottom: true });
    const top = container.getBoundingClientRect().top;
    for (const child of container.querySelectorAll<HTMLElement>('[data-seq]')) {
      const box = child.getBoundingClientRect();
      if (box.bottom <= top) continue;
      return writeScrollSpot(sessionId, {
        atBottom: false,
        seq: Number(child.dataset.seq),
        offset: box.top - top,
      });
    }
  };

  // A layout effect: the subscription goes out before the first paint, so the agent's answer overlaps it.
  useLayoutEffect(() => {
    let cancelled = false;
    let save: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      try {
        session.value = await agent.call('session.get', { sessionId });
      } catch (e) {
        error.value = errorText(e);
      }
    };
    // The cached events older than those painted first: read after the first frame, or at once when the
    // chat is about to be saved (its cache must keep them).
    const older = () => {
      if (complete.current) return;
      complete.current = true;
      const first = events.value[0]?.seq ?? Number.POSITIVE_INFINITY;
      const before = readTranscriptOlder<Stored>(sessionId).filter((event) => event.seq < first);
      if (before.length > 0) events.value = [...before, ...events.value].slice(-MAX_CACHED);
    };
    // The older cached events and the rest of the first page of items: when the reader scrolls up toward
    // them, or once the page is idle a moment after its first frame (not before the agent's new events).
    let rest: ReturnType<typeof setTimeout> | undefined;
    let idle: number | undefined;
    const fill = () => {
      older();
      if (shown.value < PAGE_ITEMS) shown.value = PAGE_ITEMS;
    };
    fillFirstPage.current = fill;
    const cancelRest = afterFirstPaint(() => {
      rest = setTimeout(() => {
        idle = requestIdleCallback(fill, { timeout: 1000 });
      }, FILL_AFTER_MS);
    });
    // What the agent sends before the first frame waits for it: the cached chat shows first.
    const early: Stored[] = [];
    let cancelEarly: (() => void) | undefined;
    // Events come in the worker's batches (a replay of thousands: a few), each once and in order: one render each.
    const apply = (batch: Stored[]) => {
      if (!hasPainted()) {
        early.push(...batch);
        cancelEarly ??= afterFirstPaint(() => apply(early.splice(0)));
        return;
      }
      events.value = [...events.value, ...batch].slice(-MAX_CACHED);
      clearTimeout(save);
      save = setTimeout(() => {
        older();
        writeTranscriptCache(sessionId, events.value);
      }, 300);
      if (batch.some((event) => ['status', 'permission', 'permission-answer'].includes(event.kind)))
        void refresh();
    };
    const unsubscribe = followSession(
      agent,
      sessionId,
      events.value.length > 0
        ? { sinceSeq: events.value.at(-1)!.seq, limit: MAX_CACHED }
        : { limit: MAX_CACHED },
      {
        loaded: (loaded) => {
          complete.current = true;
          events.value = loaded;
        },
        events: apply,
      },
    );
    void refresh();
    // Restore the draft unless the user already started typing.
    void browser.storage.local.get(draftKey(sessionId)).then((stored) => {
      if (!cancelled && !draft.value) draft.value = draftFrom(stored[draftKey(sessionId)]);
    });
    // The popup closes the moment it loses focus: what arrived is cached then, synchronously.
    const keep = () => {
      clearTimeout(save);
      cancelRest();
      clearTimeout(rest);
      if (idle !== undefined) cancelIdleCallback(idle);
      older();
      writeTranscriptCache(sessionId, events.value);
      noteSpot();
    };
    addEventListener('pagehide', keep);
    return () => {
      cancelled = true;
      cancelEarly?.();
      unsubscribe();
      removeEventListener('pagehide', keep);
      keep();
    };
  }, [agent, sessionId, resumeKey]);

  useEffect(loadMarkdown, []);
  // npm run bench: when the transcript up to which seq was rendered.
  useEffect(() => {
    const seq = events.value.at(-1)?.seq;
    if (seq !== undefined) performance.mark('ff-chat-rendered', { detail: { seq } });
  }, [events.value]);

  const items = useMemo(() => toChatItems(events.value), [events.value]);
  const hidden = Math.max(0, items.length - shown.value);
  // Replies turn from plain text into markdown (of another height) once the parser is here: a chat that
  // follows its end still shows it then.
  const md = markdown.value;
  // Before the frame paints, so it opens at the end (or where it was left), not at the top first.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (!restored.current && spot?.seq !== undefined) {
      // Back where the user left it: that item, at the same height.
      const index = items.findIndex((item) => item.seq === spot.seq);
      if (index === -1) {
        if (items.length === 0 || !complete.current) return; // not loaded yet
        restored.current = true; // gone from what is kept: follow the end
        stick.current = true;
      } else if (index < hidden) {
        shown.value = items.length - index; // render it first
        return;
      } else {
        const target = el.querySelector<HTMLElement>(`[data-seq="${spot.seq}"]`);
        if (target)
          el.scrollTop +=
            target.getBoundingClientRect().top - el.getBoundingClientRect().top - (spot.offset ?? 0);
        restored.current = true;
        return;
      }
    }
    if (stick.current) el.scrollTop = el.scrollHeight;
  }, [items.length, hidden, md]);

  const send = async () => {
    const text = draft.value.trim();
    if (!text || offline) return;
    error.value = '';
    try {
      await agent.call('session.send', { sessionId, text });
      draft.value = '';
      void browser.storage.local.remove(draftKey(sessionId));
    } catch (e) {
      error.value = errorText(e);
    }
  };
  const s = session.value;
  const running = s?.status === 'running' || s?.status === 'starting';
  return (
    <div class="ff-chat" data-testid="ff-chat" data-session={sessionId} data-status={s?.status ?? ''}>
      <div class="ff-chat-head">
        <span class="ff-chip" data-state={s?.status ?? ''}>
          {s?.status === 'waiting-permission' ? 'needs you' : (s?.status ?? '…')}
        </span>
        {s && (
          <span class="ff-muted ff-chat-figures" data-testid="ff-session-figures">
            <span title="Cost of this session">{formatUsd(s.costUsd)}</span>
            <span>
              <span class="Counter">{s.turns}</span> {s.turns === 1 ? 'turn' : 'turns'}
            </span>
          </span>
        )}
        {s?.permissionReason && (
          <span class="ff-muted" data-testid="ff-permission-reason" title={s.permissionReason}>
            asks before each tool: text by someone outside the repo
          </span>
        )}
        {s?.permissionMode === 'bypassPermissions' && (
          <span class="ff-warning" title="Claude runs tools without asking">
            <Octicon name="alert" /> no permission prompts
          </span>
        )}
      </div>
      <div
        class="ff-transcript"
        ref={list}
        role="log"
        aria-label="Transcript"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so a keyboard can scroll it (WCAG 2.1.1; axe scrollable-region-focusable).
        tabIndex={0}
        data-testid="ff-transcript"
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          if (!restored.current) return; // our own scrolling while restoring
          // The reader scrolling up (not the chat following its end) nears the first rendered items.
          const up = el.scrollTop < lastTop.current;
          lastTop.current = el.scrollTop;
          if (up && shown.value < PAGE_ITEMS && el.scrollTop < el.clientHeight) fillFirstPage.current();
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          clearTimeout(scrollNote.current);
          scrollNote.current = setTimeout(noteSpot, 250);
        }}
      >
        {hidden > 0 && (
          <button
            type="button"
            class="ff-link"
            data-testid="ff-show-earlier"
            onClick={() => {
              fillFirstPage.current();
              shown.value += PAGE_ITEMS;
            }}
          >
            Show {Math.min(hidden, PAGE_ITEMS)} earlier
          </button>
        )}
        {items.slice(hidden).map((item) => (
          <div key={`${item.kind}-${item.seq}-${'id' in item ? item.id : ''}`} data-seq={item.seq}>
            <Item item={item} agent={agent} sessionId={sessionId} md={md} />
          </div>
        ))}
      </div>
      {error.value && !offline && <div class="error">{error.value}</div>}
      {offline && (
        <div class="ff-offline-notice" role="status" data-testid="ff-chat-offline">
          <Octicon name="cloud-offline" class="ff-notice-icon" /> {offline}
        </div>
      )}
      <div class="ff-composer">
        <textarea
          data-testid="ff-composer"
          placeholder={
            running
              ? 'Queued until the current turn ends…'
              : 'Message Claude (Enter or ⌘/Ctrl+Enter to send, Shift+Enter for a new line)'
          }
          value={draft.value}
          onInput={(e) => {
            draft.value = (e.currentTarget as HTMLTextAreaElement).value;
            void browser.storage.local.set({ [draftKey(sessionId)]: draft.value });
          }}
          aria-label="Message Claude"
          onKeyDown={(e) => {
            // Enter sends; Shift+Enter is a new line; ⌘/Ctrl+Enter sends from anywhere in the text.
            if (e.key === 'Enter' && (!e.shiftKey || e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <div class="ff-row">
          <button
            type="button"
            class="btn-primary"
            onClick={() => void send()}
            data-testid="ff-send"
            disabled={Boolean(offline)}
          >
            <Octicon name="comment-discussion" /> Send
          </button>
          {running && !offline && (
            <button
              type="button"
              onClick={() => void agent.call('session.interrupt', { sessionId })}
              data-testid="ff-interrupt"
            >
              <Octicon name="stop" /> Interrupt
            </button>
          )}
          {s && s.queued > 0 && <span class="ff-muted">{s.queued} queued</span>}
        </div>
      </div>
    </div>
  );
}

interface ItemProps {
  item: ChatItem;
  agent: AgentPort;
  sessionId: string;
  /** The markdown renderer, once loaded: passed down so the chat's scroll effect runs after items change height. */
  md: typeof import('../../lib/markdown.js') | undefined;
}

/** A chat re-renders as events arrive: an item whose fields are all the same is not rendered again. */
class Item extends Component<ItemProps> {
  override shouldComponentUpdate(next: ItemProps): boolean {
    const now = this.props;
    return !(
      next.agent === now.agent &&
      next.sessionId === now.sessionId &&
      next.md === now.md &&
      sameFields(next.item, now.item)
    );
  }
  override render() {
    return <ItemView {...this.props} />;
  }
}

function sameFields(a: ChatItem, b: ChatItem): boolean {
  const keys = Object.keys(a) as Array<keyof ChatItem>;
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function ItemView({ item, agent, sessionId, md }: ItemProps) {
  const expanded = useSignal(false);
  switch (item.kind) {
    case 'user':
      return (
        <div class="ff-msg ff-user" data-testid="ff-msg-user">
          {item.text}
          {!item.delivered && <span class="ff-muted"> (queued)</span>}
        </div>
      );
    case 'assistant': {
      // Sanitized markdown: parsed with marked, cleaned by DOMPurify; plain text until they are loaded.
      return md ? (
        <div
          class="ff-msg ff-assistant"
          data-testid="ff-msg-assistant"
          dangerouslySetInnerHTML={{ __html: md.renderMarkdown(item.text) }}
        />
      ) : (
        <div class="ff-msg ff-assistant ff-plain" data-testid="ff-msg-assistant">
          {item.text}
        </div>
      );
    }
    case 'tool': {
      const long = (item.resultLength ?? 0) > 300;
      return (
        <details class="ff-tool" data-testid="ff-tool" data-tool={item.name}>
          <summary>
            <Octicon name={toolIcon(item.name)} class="ff-tool-icon" />
            <strong>{item.name}</strong> <code class="ff-tool-summary">{item.summary}</code>
            <span class="ff-tool-state" data-testid="ff-tool-state">
              {item.result === undefined ? (
                <Octicon name="hourglass" label="running" />
              ) : item.isError ? (
                <Octicon name="x" label="failed" class="ff-error" />
              ) : (
                <Octicon name="check" label="done" class="ff-add" />
              )}
              {item.durationMs !== undefined && (
                <span class="ff-muted" data-testid="ff-tool-duration">
                  {formatDuration(item.durationMs, true)}
                </span>
              )}
            </span>
          </summary>
          {item.result !== undefined && (
            <pre>
              {expanded.value || !long ? item.result : `${item.result.slice(0, 300)}…`}
              {long && (
                <button type="button" class="ff-link" onClick={() => (expanded.value = !expanded.value)}>
                  {expanded.value ? 'show less' : 'show more'}
                </button>
              )}
            </pre>
          )}
        </details>
      );
    }
    case 'permission':
      return (
        <div class="ff-permission" data-testid="ff-permission">
          <div>
            <Octicon name="shield" class="ff-warning" /> <strong>{item.toolName}</strong> wants to run{' '}
            <code>{item.summary}</code>
          </div>
          <details open={!item.answered} data-testid="ff-permission-input">
            <summary>input</summary>
            <pre>{item.input}</pre>
          </details>
          {item.answered ? (
            <span class="ff-muted">{item.allowed ? 'Allowed' : 'Denied'}</span>
          ) : (
            <PermissionButtons
              agent={agent}
              sessionId={sessionId}
              requestId={item.requestId}
              toolName={item.toolName}
            />
          )}
        </div>
      );
    case 'status':
      return (
        <div class="ff-status">
          · {item.status}
          {item.detail ? `: ${item.detail}` : ''}
        </div>
      );
    case 'result':
      return item.ok ? null : (
        <div class="ff-status error">· turn ended with an error{item.text ? `: ${item.text}` : ''}</div>
      );
    default:
      return <div class="ff-status ff-muted">· {item.text}</div>;
  }
}
