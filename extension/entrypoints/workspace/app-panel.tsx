import { formatBytes } from '../../../shared/bytes.js';
import type { WorkspaceView } from '../../../shared/domain.js';

/** The app's side of the workspace: the gitignored files it got from the main clone (`.worktreeinclude`). */
export function AppPanel({ w }: { w: WorkspaceView }) {
  if (!w.included) return null;
  return (
    <section class="ff-panel" data-testid="ff-app">
      <h2>App</h2>
      <IncludedFiles included={w.included} />
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
