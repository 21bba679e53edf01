import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'preact/hooks';
import type { AgentPort } from '../../lib/agent-port.js';
import type { WorkspacePageStore } from './store.js';

/** The workspace's terminals: one tab each, a button for a new one, and the chosen one's xterm. */
export function Terminals({ agent, store }: { agent: AgentPort; store: WorkspacePageStore }) {
  const { terminals, terminalId } = store;
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
        <button type="button" onClick={() => void store.openTerminal()} data-testid="ff-new-terminal">
          New terminal
        </button>
      </div>
      {terminalId.value && <TerminalPanel agent={agent} id={terminalId.value} key={terminalId.value} />}
    </section>
  );
}

/**
 * One xterm bound to one agent terminal: snapshot on attach, live output,
 * keys in, resize through the fit addon whenever the pane's size changes.
 * Keys and sizes sent while the agent is away are lost, as in any terminal whose connection dropped (the page's
 * banner says the agent is away); the snapshot on reattach shows the rest.
 */
function TerminalPanel({ agent, id }: { agent: AgentPort; id: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const term = new XTerm({ convertEol: false, fontSize: 13, cursorBlink: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    fit.fit();
    const resize = () => {
      void agent
        .call('terminal.resize', { terminalId: id, cols: term.cols, rows: term.rows })
        .catch(() => {});
    };
    resize();
    const off = agent.subscribe(
      `terminal:${id}`,
      (event) => {
        if (event.kind !== 'terminal') return;
        const { data } = event;
        if (data.kind === 'snapshot') {
          term.reset();
          term.write(data.data);
        } else if (data.kind === 'output') term.write(data.data);
        else term.write(`\r\n[exited with code ${data.exitCode}]\r\n`);
      },
      0,
    );
    const input = term.onData(
      (data) => void agent.call('terminal.input', { terminalId: id, data }).catch(() => {}),
    );
    // Fit whenever the pane's box changes, not only the window: at mount the page's layout may
    // not be settled yet (styles still loading, the diff above still empty), and a terminal fitted
    // to that box would stay a row or two high, its scrollback out of sight.
    let size = `${term.cols}x${term.rows}`;
    const onResize = () => {
      fit.fit();
      const next = `${term.cols}x${term.rows}`;
      if (next === size) return;
      size = next;
      resize();
    };
    const observer = new ResizeObserver(onResize);
    observer.observe(host.current!);
    term.focus();
    return () => {
      observer.disconnect();
      input.dispose();
      off();
      term.dispose();
    };
  }, [id]);
  return <div class="ff-xterm" ref={host} data-testid="ff-terminal" data-terminal={id} />;
}
