import { type ChildProcess, spawn } from 'node:child_process';
import { spawnSupervised } from '../../agent/supervisor/spawn-supervised.js';
import { type Figure, figure, median } from './figure.js';

/** What the supervisor that ends children with the agent adds to each start: `true` run directly vs supervised. */
export async function* figures(): AsyncGenerator<Figure> {
  const run = async (start: () => ChildProcess) => {
    const samples: number[] = [];
    for (let n = 0; n < 15; n++) {
      const started = performance.now();
      await new Promise((resolve) => start().on('close', resolve));
      samples.push(performance.now() - started);
    }
    return median(samples);
  };
  const direct = await run(() => spawn('true', [], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const supervised = await run(() => spawnSupervised('true', [], { stdio: ['pipe', 'pipe', 'pipe'] }).child);
  yield figure('supervisor.start_and_exit_true', supervised, 'ms', direct);
}
