import { readFileSync } from 'node:fs';
import * as pty from 'node-pty';
import type { TerminalEvent } from '../../shared/protocol.js';
import { claudeWorld } from '../helpers/claude-fixture.js';
import { type Figure, figure } from './figure.js';

/** About 3.4 MB of text. */
const producer = 'seq 1 500000';

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/**
 * Terminal throughput: MB/s from a PTY through the agent to a WebSocket
 * client, vs reading the same PTY output directly with node-pty (ratio);
 * and the agent's memory while `yes` runs for 10 s.
 */
export async function* figures(): AsyncGenerator<Figure> {
  const directBytes = 0;
  const direct = await new Promise<number>((resolve) => {
    const started = performance.now();
    const child = pty.spawn('/bin/sh', ['-c', producer], { cols: 200, rows: 50 });
    let seen = 0;
    child.onData((data) => {
      seen += data.length;
    });
    child.onExit(() => resolve(seen / 1024 / 1024 / ((performance.now() - started) / 1000)));
  });

  const world = await claudeWorld();
  try {
    const workspace = await world.workspace();
    const terminal = await world.client.call('terminal.open', {
      workspaceId: workspace.id,
      cols: 200,
      rows: 50,
    });
    let seen = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    await world.client.subscribe(`terminal:${terminal.id}`, (frame) => {
      const event = frame.data as TerminalEvent;
      if (event.kind !== 'output') return;
      seen += event.data.length;
      // The same output as the direct run (plus the shell's prompt and echo).
      if (seen >= directBytes) done();
    });
    const started = performance.now();
    await world.client.call('terminal.input', { terminalId: terminal.id, data: `${producer}\r` });
    await finished;
    const viaAgent = seen / 1024 / 1024 / ((performance.now() - started) / 1000);
    yield figure('terminal.throughput_via_agent', viaAgent, 'MB/s', direct);

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
    await world.close();
  }
}
