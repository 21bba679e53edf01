import { useSignal } from '@preact/signals';
import type { Preview } from '../../shared/domain.js';
import type { AgentPort } from '../lib/agent-port.js';
import { LOCAL } from '../lib/machines.js';
import { safeHref } from '../lib/safe-href.js';
import { shownError } from '../lib/use-agent.js';

/**
 * Where a preview of a workspace on this computer opens: the URL its port
 * answers on (http(s) only), else undefined. A remote workspace's port
 * listens on the remote host, where `localhost` is not this browser's: it
 * has no URL here until the agent forwards it (`preview.open`), so none.
 */
export function previewHref(machine: string, preview: Preview): string | undefined {
  if (machine !== LOCAL) return undefined;
  return safeHref(preview.url);
}

/** Whether this browser can open the preview: directly (this computer), or forwarded on demand (a remote). Pure. */
export function canOpenPreview(machine: string, preview: Preview): boolean {
  return machine !== LOCAL || previewHref(machine, preview) !== undefined;
}

interface PreviewProps {
  agent: AgentPort;
  workspaceId: string;
  machine: string;
  preview: Preview;
}

/**
 * A preview's Open link — "Open :3001" — in a new tab, with the command
 * that listens as its title. The one link every surface shows (the
 * workspace page's App panel, the popup's row, the PR panel, the board
 * card, the issue page); each surface's CSS says how it looks there.
 */
export function PreviewLink({ agent, workspaceId, machine, preview }: PreviewProps) {
  if (machine !== LOCAL)
    return <ForwardedPreview agent={agent} workspaceId={workspaceId} machine={machine} preview={preview} />;
  const href = previewHref(machine, preview);
  if (!href) return null;
  return (
    <a
      href={href}
      target="_blank"
      rel="noreferrer"
      class="ff-preview-open"
      data-testid="ff-preview-open"
      data-port={preview.port}
      title={preview.command || undefined}
    >
      Open :{preview.port}
    </a>
  );
}

/**
 * A remote workspace's preview: a click asks the agent to forward the port
 * through the remote's ssh link (once; reused after) and the extension opens
 * the forwarded URL here in a new tab. Until then there is no URL to link.
 */
function ForwardedPreview({ agent, workspaceId, machine, preview }: PreviewProps) {
  const opening = useSignal(false);
  const error = useSignal('');
  const open = async () => {
    opening.value = true;
    error.value = '';
    try {
      await agent.openPreview(workspaceId, preview.port);
    } catch (e) {
      error.value = shownError(e);
    } finally {
      opening.value = false;
    }
  };
  return (
    <>
      <button
        type="button"
        class="ff-link ff-preview-open"
        data-testid="ff-preview-open"
        data-port={preview.port}
        title={`${preview.command ? `${preview.command} — ` : ''}port ${preview.port} on ${machine}, opened here through its ssh link`}
        disabled={opening.value}
        onClick={() => void open()}
      >
        {opening.value ? `Opening :${preview.port}…` : `Open :${preview.port}`}
      </button>
      {error.value && (
        <span class="ff-error" data-testid="ff-preview-error">
          {error.value}
        </span>
      )}
    </>
  );
}

/** A workspace's Open links side by side, or nothing when it has none it can open. */
export function PreviewLinks({
  agent,
  workspaceId,
  machine,
  previews,
}: Omit<PreviewProps, 'preview'> & { previews: readonly Preview[] | undefined }) {
  const shown = (previews ?? []).filter((preview) => canOpenPreview(machine, preview));
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((preview) => (
        <PreviewLink
          key={preview.port}
          agent={agent}
          workspaceId={workspaceId}
          machine={machine}
          preview={preview}
        />
      ))}
    </>
  );
}
