import { spawn } from 'node:child_process';
import { once } from 'node:events';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { cliPath, connectClient, repoRoot, spawnAgent } from '../helpers/agent-process.js';
import { clientFrame, openTcpWebSocket } from '../helpers/raw-socket.js';
import { tempDir } from '../helpers/temp.js';
import { type Figure, figure, median, percentile } from './figure.js';

/** Time from spawn until the process prints `marker` on stdout. */
function timeToOutput(args: string[], env: NodeJS.ProcessEnv, marker: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes(marker)) {
        const elapsed = performance.now() - started;
        proc.kill('SIGTERM');
        proc.on('exit', () => resolve(elapsed));
      }
    });
    proc.on('error', reject);
  });
}

async function coldStart(): Promise<Figure> {
  const runs = 10;
  const agent: number[] = [];
  const bare: number[] = [];
  for (let n = 0; n < runs; n++) {
    const home = tempDir();
    agent.push(
      await timeToOutput(
        [cliPath, 'serve', '--port', '0'],
        { ...process.env, FF_HOME: home.path },
        'listening',
      ),
    );
    home.cleanup();
    bare.push(await timeToOutput(['-e', "process.stdout.write('listening')"], process.env, 'listening'));
  }
  return figure('agent.cold_start_to_listening.median', median(agent), 'ms', median(bare));
}

async function roundTrips(): Promise<Figure[]> {
  const home = tempDir();
  const agent = await spawnAgent(home.path);
  const client = await connectClient(agent);
  const samples: number[] = [];
  for (let n = 0; n < 1000; n++) {
    const started = performance.now();
    await client.call('status');
    samples.push(performance.now() - started);
  }
  client.close();
  await agent.stop();
  home.cleanup();

  // Baseline: the same round trips to a bare ws echo server in another process — the floor for any
  // cross-process WebSocket RPC on this machine.
  const echo = spawn(
    process.execPath,
    [
      '-e',
      "const {WebSocketServer}=require('ws');const s=new WebSocketServer({host:'127.0.0.1',port:0});" +
        "s.on('listening',()=>console.log(s.address().port));s.on('connection',w=>w.on('message',d=>w.send(d.toString())))",
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [portLine] = (await once(echo.stdout, 'data')) as [Buffer];
  const ws = new WebSocket(`ws://127.0.0.1:${portLine.toString().trim()}`);
  await once(ws, 'open');
  const floor: number[] = [];
  for (let n = 0; n < 1000; n++) {
    const started = performance.now();
    ws.send('{"type":"req","id":1,"method":"status"}');
    await once(ws, 'message');
    floor.push(performance.now() - started);
  }
  ws.close();
  echo.kill();
  return [
    figure('agent.status_round_trip.p50', percentile(samples, 50), 'ms', percentile(floor, 50)),
    figure('agent.status_round_trip.p99', percentile(samples, 99), 'ms', percentile(floor, 99)),
  ];
}

/**
 * Another client's status while one client floods requests and never reads
 * its answers (the agent runs clients' requests in turn and stops reading the
 * flooder): the baseline is the same client with no flood.
 */
async function statusUnderFlood(): Promise<Figure[]> {
  const home = tempDir();
  const agent = await spawnAgent(home.path);
  const client = await connectClient(agent);
  const sample = async () => {
    const samples: number[] = [];
    for (let n = 0; n < 200; n++) {
      const started = performance.now();
      await client.call('status');
      samples.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
    return samples;
  };
  const quiet = await sample();
  const flooder = await openTcpWebSocket(agent.port);
  flooder.write(
    clientFrame(
      JSON.stringify({
        type: 'hello',
        token: agent.token,
        protocol: PROTOCOL_VERSION,
        client: { name: 'flood', version: '0' },
      }),
    ),
  );
  const burst = Buffer.concat(
    Array.from({ length: 500 }, (_, n) =>
      clientFrame(JSON.stringify({ type: 'req', id: n, method: 'status' })),
    ),
  );
  let flooding = true;
  const flood = (async () => {
    while (flooding && !flooder.destroyed) {
      if (!flooder.write(burst)) await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await new Promise((r) => setTimeout(r, 500));
  const busy = await sample();
  flooding = false;
  await flood;
  flooder.destroy();
  client.close();
  await agent.stop();
  home.cleanup();
  return [
    figure('agent.status_while_another_client_floods.p50', percentile(busy, 50), 'ms', percentile(quiet, 50)),
    figure('agent.status_while_another_client_floods.p99', percentile(busy, 99), 'ms', percentile(quiet, 99)),
  ];
}

export async function* figures(): AsyncGenerator<Figure> {
  yield await coldStart();
  yield* await roundTrips();
  yield* await statusUnderFlood();
}
