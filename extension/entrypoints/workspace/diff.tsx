import type { AgentPort } from '../../lib/agent-port.js';
import type { DiffLine } from '../../lib/diff-files.js';
import { bandText, fileChange, shownLines, splitRows } from '../../lib/diff-files.js';
import type { WorkspacePageStore } from './store.js';

/** Lines shown per file; a bigger file says how many more there are. */
const DIFF_LINES_SHOWN = 2000;
const MARKS: Record<'add' | 'del' | 'context', string> = { add: '+', del: '-', context: ' ' };

/** The workspace's changes against its base branch, file by file, unified or side by side. */
export function Diff({ agent, store }: { agent: AgentPort; store: WorkspacePageStore }) {
  const d = store.diff.value;
  const layout = store.diffLayout.value;
  return (
    <section class="ff-panel" data-testid="ff-diff">
      <div class="ff-row">
        <h2>Changes</h2>
        <button
          type="button"
          disabled={agent.connection.value?.status !== 'connected'}
          onClick={() => void store.loadDiff()}
        >
          Refresh
        </button>
        <span class="ff-segmented">
          {(['unified', 'split'] as const).map((value) => (
            <button
              type="button"
              key={value}
              aria-pressed={layout === value}
              data-testid={`ff-diff-${value}`}
              onClick={() => store.layOutDiff(value)}
            >
              {value === 'unified' ? 'Unified' : 'Split'}
            </button>
          ))}
        </span>
        {d?.truncated && <span class="ff-muted">(truncated)</span>}
      </div>
      {d && d.files.length === 0 && <p class="ff-muted">No changes against the base branch.</p>}
      {d?.files.map((file) => {
        const lines = shownLines(file.lines);
        const shown = lines.slice(0, DIFF_LINES_SHOWN);
        const change = fileChange(file);
        return (
          <details
            key={file.path}
            open={d.files.length <= 5}
            data-testid="ff-diff-file"
            data-path={file.path}
          >
            <summary>
              <code>{file.path}</code>{' '}
              {change && (
                <span class="Label" data-testid="ff-diff-change">
                  {change}
                </span>
              )}{' '}
              <span class="ff-add">+{file.additions}</span> <span class="ff-del">−{file.deletions}</span>
            </summary>
            <div class="ff-diff-scroll">
              {layout === 'split' ? <SplitDiff lines={shown} /> : <UnifiedDiff lines={shown} />}
            </div>
            {lines.length > shown.length && (
              <p class="ff-muted">{lines.length - shown.length} more lines not shown.</p>
            )}
          </details>
        );
      })}
    </section>
  );
}

/** A hunk's separator (the section it is in, when git names one) or a note like "No newline at end of file". */
function BandRow({ line, span }: { line: { kind: 'hunk' | 'note'; text: string }; span: number }) {
  return line.kind === 'hunk' ? (
    <tr class="ff-diff-hunk">
      <td class="ff-code" colSpan={span}>
        {line.text}
      </td>
    </tr>
  ) : (
    <tr class="ff-diff-note">
      <td class="ff-code" colSpan={span}>
        {line.text}
      </td>
    </tr>
  );
}

function UnifiedDiff({ lines }: { lines: DiffLine[] }) {
  return (
    <table class="ff-diff-body" data-layout="unified">
      <tbody>
        {lines.map((line, i) =>
          line.kind === 'hunk' || line.kind === 'note' ? (
            <BandRow key={i} line={{ kind: line.kind, text: bandText(line) }} span={3} />
          ) : (
            <tr key={i} class={`ff-diff-${line.kind}`}>
              <td class="ff-ln">{line.oldNo}</td>
              <td class="ff-ln">{line.newNo}</td>
              <td class="ff-code">
                {MARKS[line.kind]}
                {line.text}
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function SplitDiff({ lines }: { lines: DiffLine[] }) {
  const side = (line: DiffLine | undefined, no: number | undefined) => [
    <td class="ff-ln" key="n">
      {no}
    </td>,
    <td class={`ff-code ff-diff-${line?.kind ?? 'empty'}`} key="t">
      {line?.text}
    </td>,
  ];
  return (
    <table class="ff-diff-body" data-layout="split">
      <tbody>
        {splitRows(lines).map((row, i) =>
          row.kind === 'pair' ? (
            <tr key={i}>
              {side(row.left, row.left?.oldNo)}
              {side(row.right, row.right?.newNo)}
            </tr>
          ) : (
            <BandRow key={i} line={row} span={4} />
          ),
        )}
      </tbody>
    </table>
  );
}
