import { formatBytes } from '../../../shared/bytes.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { canOpenPreview, PreviewLink } from '../../components/preview-link.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { machineOf } from '../../lib/machines.js';
import type { WorkspacePageStore } from './store.js';

/**
 * The app's side of the workspace: its ports, Run and Stop for the project's
 * run script, an Open link per port its processes listen on, and the
 * gitignored files it got from the main clone (`.worktreeinclude`).
 */
export function AppPanel({
  w,
  store,
  agent,
  connected,
}: {
  w: WorkspaceView;
  store: WorkspacePageStore;
  /** For a remote workspace's Open: the agent forwards its port here first. */
  agent: AgentPort;
  /** Away, it shows what it knew last, its buttons off (as the page's others). */
  connected: boolean;
}) {
  if (w.status !== 'ready') return null;
  const running = store.terminals.value.some((t) => t.run && t.exitCode === undefined);
  const busy = store.busy.value;
  return (
    <section class="ff-panel" data-testid="ff-app">
      <div class="ff-row">
        <h2>App</h2>
        {w.ports && (
          <span class="ff-muted" title="FF_PORT, PORT and CONDUCTOR_PORT are the first">
            ports {w.ports.first}–{w.ports.first + w.ports.count - 1}
          </span>
        )}
        {running ? (
          <button
            type="button"
            data-testid="ff-stop-run"
            disabled={!connected}
            onClick={() => void store.stopRun()}
          >
            Stop
          </button>
        ) : (
          <button
            type="button"
            data-testid="ff-run"
            disabled={busy !== '' || !connected}
            onClick={() => void store.run()}
          >
            {busy === 'run' ? 'Starting…' : 'Run'}
          </button>
        )}
        <button
          type="button"
          title="Look again for ports it listens on"
          aria-label="Look again for ports it listens on"
          disabled={!connected}
          onClick={() => void store.refresh()}
        >
          ↻
        </button>
      </div>
      {(w.previews ?? []).length > 0 ? (
        <ul class="ff-previews">
          {(w.previews ?? []).map((preview) => (
            <li key={preview.port}>
              {canOpenPreview(machineOf(w), preview) ? (
                <PreviewLink agent={agent} workspaceId={w.id} machine={machineOf(w)} preview={preview} />
              ) : (
                <code>:{preview.port}</code>
              )}{' '}
              <span class="ff-muted" title={preview.command}>
                {preview.command.length > 80 ? `${preview.command.slice(0, 79)}…` : preview.command}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="ff-muted">
          {busy === 'run' || running
            ? 'Running; nothing of it listens on a port yet.'
            : 'Nothing of it listens on a port.'}
        </p>
      )}
      {w.included && <IncludedFiles included={w.included} />}
    </section>
  );
}

function IncludedFiles({ included }: { included: NonNullable<WorkspaceView['included']> }) {
  const more = included.count - included.files.length;
  return (
    <details data-testid="ff-included">
      <summary>
        {included.count} file(s) from the main clone ({formatBytes(included.bytes)}, by .worktreeinclude)
      </summary>
      <ul>
        {included.files.map((file) => (
          <li key={file.path}>
            <code>{file.path}</code> <span class="ff-muted">{file.how}</span>
          </li>
        ))}
        {more > 0 && <li class="ff-muted">and {more} more</li>}
      </ul>
    </details>
  );
}
