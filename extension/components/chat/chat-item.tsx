import { signal, useSignal } from '@preact/signals';
import { Component } from 'preact';
import type { AgentPort } from '../../lib/agent-port.js';
import type { ChatItem as Item } from '../../lib/chat-model.js';
import { formatDuration } from '../../lib/fleet-model.js';
import { Octicon, toolIcon } from '../../lib/octicons.js';
import { toolRowText } from '../../lib/short-paths.js';
import { PermissionButtons } from '../permission-buttons.js';

type Markdown = typeof import('../../lib/markdown.js');

/**
 * The markdown parser and sanitizer load after the first paint: until they
 * are here, replies show as plain text (inert too), then as markdown.
 */
const markdown = signal<Markdown | undefined>(undefined);
let markdownRequested = false;

/** The markdown renderer once loaded (asked for on first use, after the frame paints). */
export function useMarkdown(): Markdown | undefined {
  return markdown.value;
}

export function loadMarkdown(): void {
  if (markdownRequested) return;
  markdownRequested = true;
  void import('../../lib/markdown.js').then((module) => {
    markdown.value = module;
  });
}

interface ItemProps {
  item: Item;
  agent: AgentPort;
  sessionId: string;
  /** The markdown renderer, once loaded: passed down so the chat's scroll effect runs after items change height. */
  md: Markdown | undefined;
  /** The workspace's folder: paths in it show relative to it. */
  worktree: string | undefined;
  /** The agent (or the session's machine) is away: permission requests cannot be answered now. */
  readOnly: boolean;
}

/** A chat re-renders as events arrive: an item whose fields are all the same is not rendered again. */
export class ChatItem extends Component<ItemProps> {
  override shouldComponentUpdate(next: ItemProps): boolean {
    const now = this.props;
    return !(
      next.agent === now.agent &&
      next.sessionId === now.sessionId &&
      next.md === now.md &&
      next.worktree === now.worktree &&
      next.readOnly === now.readOnly &&
      sameFields(next.item, now.item)
    );
  }
  override render() {
    return <ItemView {...this.props} />;
  }
}

function sameFields(a: Item, b: Item): boolean {
  const before = new Map(Object.entries(b));
  const after = Object.entries(a);
  return after.length === before.size && after.every(([key, value]) => before.get(key) === value);
}

function ItemView({ item, agent, sessionId, md, worktree, readOnly }: ItemProps) {
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
            <strong>{item.name}</strong>{' '}
            <code class="ff-tool-summary" title={item.summary}>
              {toolRowText(item.summary, worktree)}
            </code>
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
            <code title={item.summary}>{toolRowText(item.summary, worktree)}</code>
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
              disabled={readOnly}
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
    case 'blocked':
      return (
        <div class="ff-status ff-warning" data-testid="ff-blocked">
          <Octicon name="shield" /> blocked: {item.what}
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
