import type { SessionView } from '../../../shared/domain.js';
import { SESSION_ACTIVITY } from '../../../shared/session-counts.js';
import { Octicon } from '../../lib/octicons.js';

/**
 * Where a message to Claude is written: Enter sends, Shift+Enter is a new
 * line, ⌘/Ctrl+Enter sends from anywhere in the text. While a turn runs,
 * what is sent queues behind it (and Interrupt stops the turn); while the
 * session is `offline` nothing can be sent.
 */
export function Composer({
  session: s,
  draft,
  offline,
  onType,
  onSend,
  onInterrupt,
}: {
  session: SessionView | undefined;
  draft: string;
  offline: boolean;
  onType(text: string): void;
  onSend(): void;
  onInterrupt(): void;
}) {
  const running = s !== undefined && SESSION_ACTIVITY[s.status] === 'running';
  return (
    <div class="ff-composer">
      <textarea
        data-testid="ff-composer"
        placeholder={
          running
            ? 'Queued until the current turn ends…'
            : 'Message Claude (Enter or ⌘/Ctrl+Enter to send, Shift+Enter for a new line)'
        }
        value={draft}
        onInput={(e) => onType(e.currentTarget.value)}
        aria-label="Message Claude"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (!e.shiftKey || e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            onSend();
          }
        }}
      />
      <div class="ff-row">
        <button
          type="button"
          class="btn-primary"
          onClick={() => onSend()}
          data-testid="ff-send"
          disabled={offline}
        >
          <Octicon name="comment-discussion" /> Send
        </button>
        {running && !offline && (
          <button type="button" onClick={() => onInterrupt()} data-testid="ff-interrupt">
            <Octicon name="stop" /> Interrupt
          </button>
        )}
        {s && s.queued > 0 && <span class="ff-muted">{s.queued} queued</span>}
      </div>
    </div>
  );
}
