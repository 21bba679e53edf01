import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'preact/hooks';
import type { AgentPort } from '../../lib/agent-port.js';
import { lastLines, readPageSnapshot, writePageSnapshot } from '../../lib/page-snapshot.js';
import { pageColors, terminalTheme } from '../../lib/terminal-theme.js';
import type { WorkspacePageStore } from './store.js';

/** The workspace's terminals: one tab each, a button for a new one, and the chosen one's xterm. */
export function Terminals({ agent, store }: { agent: AgentPort; store: WorkspacePageStore }) {
  const { terminals, terminalId } = store;
  const away = agent.connection.value?.status !== 'connected';
  return (
    <section class="ff-panel">
      <div class="ff-row">
        <h2>Terminal</h2>
        {terminals.value.map((t, i) => (
          <button
            type="button"
            key={t.id}
            class={terminalId.value === t.id ? 'ff-selected' : ''}
            onClick={() => (terminalId.value = t.id)}
          >
            {i + 1}
          </button>
        ))}
        <button
          type="button"
          onClick={() => void store.openTerminal()}
          data-testid="ff-new-terminal"
          disabled={away}
        >
          New terminal
        </button>
        {terminals.value.length === 0 && <span class="ff-muted">No terminal open.</span>}
      </div>
      {terminalId.value && (
        <TerminalPanel
          agent={agent}
          id={terminalId.value}
          key={terminalId.value}
          readOnly={away}
          ptySize={terminals.value.find((t) => t.id === terminalId.value)}
        />
      )}
    </section>
  );
}

/** The end of a terminal's output kept for an opening while the agent is away. */
const KEPT_CHARS = 20_000;
/** The pty is resized once the pane's size has held this long (a page's layout settles in steps). */
const RESIZE_SETTLE_MS = 150;
/** A burst of output is kept once, this long after its last chunk. */
const KEEP_AFTER_MS = 500;

/**
 * One xterm bound to one agent terminal: snapshot on attach, live output,
 * keys in, resize through the fit addon whenever the pane's size changes,
 * colors from the page's theme (and again when the color scheme changes).
 * While the agent is away it keeps what it showed and takes no keys
 * (`readOnly`; the page's banner says why); the snapshot on reattach shows
 * what came meanwhile. The end of its output is kept (lib/page-snapshot.ts),
 * so a page opened while the agent is away shows it too.
 */
function TerminalPanel({
  agent,
  id,
  readOnly,
  ptySize,
}: {
  agent: AgentPort;
  id: string;
  readOnly: boolean;
  /** The size the agent's pty has now, when known. */
  ptySize: { cols: number; rows: number } | undefined;
}) {
  const host = useRef<HTMLDivElement>(null);
  const shown = useRef<XTerm>();
  useEffect(() => {
    if (shown.current) shown.current.options.disableStdin = readOnly;
  }, [readOnly]);
  useEffect(() => {
    const colors = () => terminalTheme(pageColors(document));
    const term = new XTerm({
      convertEol: false,
      fontSize: 13,
      cursorBlink: true,
      theme: colors(),
      disableStdin: readOnly,
    });
    shown.current = term;
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const recolor = () => {
      term.options.theme = colors();
    };
    scheme.addEventListener('change', recolor);
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    let output = '';
    const keptText = readPageSnapshot('terminal', id)?.text;
    if (typeof keptText === 'string') {
      output = keptText;
      term.write(keptText);
    }
    let keep: ReturnType<typeof setTimeout> | undefined;
    const shownOutput = (data: string, reset: boolean) => {
      output = lastLines(reset ? data : output + data, KEPT_CHARS);
      clearTimeout(keep);
      keep = setTimeout(() => writePageSnapshot('terminal', id, { text: output }), KEEP_AFTER_MS);
    };
    const off = agent.subscribe(
      `terminal:${id}`,
      (event) => {
        if (event.kind !== 'terminal') return;
        const { data } = event;
        if (data.kind === 'snapshot') {
          term.reset();
          term.write(data.data);
          shownOutput(data.data, true);
        } else if (data.kind === 'output') {
          term.write(data.data);
          shownOutput(data.data, false);
        } else term.write(`\r\n[exited with code ${data.exitCode}]\r\n`);
      },
      0,
    );
    const input = term.onData(
      (data) => void agent.call('terminal.input', { terminalId: id, data }).catch(() => {}),
    );
    // Fit whenever the pane's box changes, not only the window: at mount the page's layout may
    // not be settled yet (styles still loading, the panels around it still filling). The pty is
    // told only the size the pane settles on, measured, and only when it differs from the
    // pty's: each resize makes the shell redraw its line for the new width, and a redraw for a
    // passing size overwrites the scrollback a reattached page has just been given (the snapshot
    // is the shell's own output, drawn for the sizes it had).
    let size = ptySize ? `${ptySize.cols}x${ptySize.rows}` : '';
    let settle: ReturnType<typeof setTimeout> | undefined;
    const tellPty = () => {
      const next = `${term.cols}x${term.rows}`;
      if (next === size) return;
      size = next;
      void agent
        .call('terminal.resize', { terminalId: id, cols: term.cols, rows: term.rows })
        .catch(() => {});
    };
    const onResize = () => {
      if (!fit.proposeDimensions()) return;
      fit.fit();
      clearTimeout(settle);
      settle = setTimeout(tellPty, RESIZE_SETTLE_MS);
    };
    onResize();
    const observer = new ResizeObserver(onResize);
    observer.observe(host.current!);
    term.focus();
    return () => {
      observer.disconnect();
      clearTimeout(settle);
      clearTimeout(keep);
      if (output) writePageSnapshot('terminal', id, { text: output });
      scheme.removeEventListener('change', recolor);
      input.dispose();
      off();
      shown.current = undefined;
      term.dispose();
    };
  }, [id]);
  return <div class="ff-xterm" ref={host} data-testid="ff-terminal" data-terminal={id} />;
}
