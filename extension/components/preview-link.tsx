import type { Preview } from '../../shared/domain.js';
import { LOCAL } from '../lib/machines.js';
import { safeHref } from '../lib/safe-href.js';

/**
 * Where a preview opens from this browser, or undefined for no link. A
 * workspace on this computer: the URL its port answers on.
 *
 * REMOTE PREVIEWS GO HERE: a remote workspace's port listens on the remote
 * host, where `localhost` is not this browser's. The agent's
 * `preview.open {workspaceId, port} → {url}` forwards it through the ssh
 * link on demand; until this calls it, a remote workspace shows no Open link
 * at all (one that opens this computer's port would open the wrong app, or
 * nothing).
 */
export function previewHref(machine: string, preview: Preview): string | undefined {
  if (machine !== LOCAL) return undefined;
  return safeHref(preview.url);
}

/**
 * A preview's Open link — "Open :3001" — in a new tab, with the command
 * that listens as its title. The one link every surface shows (the
 * workspace page's App panel, the popup's row, the PR panel, the board
 * card); each surface's CSS says how it looks there.
 */
export function PreviewLink({ machine, preview }: { machine: string; preview: Preview }) {
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

/** A workspace's Open links side by side, or nothing when it has none it can open. */
export function PreviewLinks({
  machine,
  previews,
}: {
  machine: string;
  previews: readonly Preview[] | undefined;
}) {
  const shown = (previews ?? []).filter((preview) => previewHref(machine, preview) !== undefined);
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((preview) => (
        <PreviewLink key={preview.port} machine={machine} preview={preview} />
      ))}
    </>
  );
}
