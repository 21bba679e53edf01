import { readFileSync } from 'node:fs';
import * as pty from 'node-pty';
import type { TerminalEvent } from '../../shared/protocol.js';
import { launchWithExtension, pairExtension } from '../helpers/browser.js';
import { claudeWorld } from '../helpers/claude-fixture.js';
import { type Figure, figure } from './figure.js';

/** About 3.4 MB of text. */
const producer = 'seq 1 500000';
/** Printed after it: the typed command line shows `$((1+1))`, only the output shows `2`. */
const done = 'ff-2-done';
const command = `${producer}; echo ff-$((1+1))-done\r`;

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/**
 * Terminal throughput: MB/s from a PTY through the agent to a WebSocket
 * client, and on to an xterm.js terminal on the workspace page in real
 * headless Chromium (the bytes are the producer's output; the time ends
 * when the line after it is on screen), each against reading the same PTY
 * output directly with node-pty (ratio); and the agent's memory while
 * `yes` runs for 10 s.
 */
export async function* figures(): AsyncGenerator<Figure> {
  let bytes = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const child = pty.spawn('/bin/sh', ['-c', producer], { cols: 200, rows: 50 });
    child.onData((data) => {
      bytes += data.length;
    });
    child.onExit(() => resolve());
  });
  const direct = bytes / 1024 / 1024 / ((performance.now() - started) / 1000);
  yield figure('terminal.throughput_direct_node_pty', direct, 'MB/s');

  const world = await claudeWorld();
  const chrome = await launchWithExtension();
  try {
    const workspace = await world.workspace();
    const terminal = await world.client.call('terminal.open', {
      workspaceId: workspace.id,
      cols: 200,
      rows: 50,
    });
    let tail = '';
    let finished!: () => void;
    const shown = new Promise<void>((resolve) => {
      finished = resolve;
    });
    await world.client.subscribe(`terminal:${terminal.id}`, (frame) => {
      const event = frame.data as TerminalEvent;
      if (event.kind !== 'output') return;
      tail = (tail + event.data).slice(-200);
      if (tail.includes(done)) finished();
    });
    const viaClientStart = performance.now();
    await world.client.call('terminal.input', { terminalId: terminal.id, data: command });
    await shown;
    yield figure(
      'terminal.throughput_via_agent_to_ws_client',
      bytes / 1024 / 1024 / ((performance.now() - viaClientStart) / 1000),
      'MB/s',
      direct,
    );

    await pairExtension(chrome, world.agent);
    const page = await chrome.openPage(`workspace.html#${workspace.id}`);
    await page.waitForSelector('[data-testid="ff-new-terminal"]', { timeout: 15_000 });
    await page.click('[data-testid="ff-new-terminal"]');
    await page.waitForSelector('[data-testid="ff-terminal"] .xterm-rows');
    const [opened] = (await world.client.call('terminal.list', { workspaceId: workspace.id })).filter(
      (t) => t.id !== terminal.id && t.exitCode === undefined,
    );
    if (!opened) throw new Error('the page opened no terminal');
    await page.waitForFunction(`document.querySelector('.xterm-rows').textContent.trim().length > 0`, {
      timeout: 15_000,
    });
    const viaPageStart = performance.now();
    await world.client.call('terminal.input', { terminalId: opened.id, data: command });
    await page.waitForFunction(`document.querySelector('.xterm-rows').textContent.includes('${done}')`, {
      polling: 5,
      timeout: 120_000,
    });
    yield figure(
      'terminal.throughput_via_agent_to_page_xterm',
      bytes / 1024 / 1024 / ((performance.now() - viaPageStart) / 1000),
      'MB/s',
      direct,
    );
    await page.close();

    const pid = world.agent.proc.pid!;
    const before = rssMb(pid);
    await world.client.call('terminal.input', { terminalId: terminal.id, data: 'yes\r' });
    let peak = before;
    for (let n = 0; n < 20; n++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      peak = Math.max(peak, rssMb(pid));
    }
    await world.client.call('terminal.input', { terminalId: terminal.id, data: '\u0003' });
    yield figure('terminal.agent_rss_peak_during_10s_of_yes', peak, 'MB', before);
  } finally {
    await chrome.close();
    await world.close();
  }
}
