import { readFileSync } from 'node:fs';
import { lastUserText } from '../fakes/anthropic-api/server.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { type Figure, figure, percentile } from './figure.js';
import { heapAfterGcMb } from './inspector.js';

const now = () => performance.timeOrigin + performance.now();

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/**
 * Relay latency: the fake API writes its wall-clock send time into the
 * reply; the client subtracts it from the time the assistant line reaches
 * it over the agent's WebSocket (API → claude CLI → agent → client; all on
 * one machine, one clock).
 */
async function relay(world: ClaudeWorld, sessions: number, turns: number): Promise<number[]> {
  const samples: number[] = [];
  const workspaces = await Promise.all(Array.from({ length: sessions }, () => world.workspace()));
  const started = await Promise.all(
    workspaces.map((w) => world.client.call('session.start', { workspaceId: w.id })),
  );
  for (const session of started) {
    await world.client.subscribe(`session:${session.id}`, (frame) => {
      const data = frame.data as { kind?: string; entries?: Array<{ type: string; text?: string }> };
      if (data.kind !== 'claude') return;
      const text = data.entries?.find((entry) => entry.type === 'assistant-text')?.text ?? '';
      const match = /sent-at=(\d+\.?\d*)/.exec(text);
      if (match) samples.push(now() - Number(match[1]));
    });
  }
  for (let turn = 0; turn < turns; turn++) {
    await Promise.all(
      started.map(async (session) => {
        await world.client.call('session.send', { sessionId: session.id, text: `turn ${turn}` });
        await waitForSession(
          world.client,
          session.id,
          (s) => s.turns === turn + 1 && s.status === 'idle',
          'turn',
          60_000,
        );
      }),
    );
  }
  return samples;
}

export async function* figures(): AsyncGenerator<Figure> {
  const world = await claudeWorld(
    (request) => ({ text: `sent-at=${now()} for ${lastUserText(request)}` }),
    {},
    ['--inspect=127.0.0.1:0'],
  );
  try {
    const baselineRss = rssKb(world.agent.proc.pid!);
    const one = await relay(world, 1, 30);
    // Warmed up (modules, JIT, one session): from here, what 20 more sessions add.
    const baselineHeap = await heapAfterGcMb(world.agent.stderr);
    yield figure('session.relay_latency.1_session.p50', percentile(one, 50), 'ms');
    yield figure('session.relay_latency.1_session.p99', percentile(one, 99), 'ms');
    const many = await relay(world, 20, 3);
    yield figure('session.relay_latency.20_sessions.p50', percentile(many, 50), 'ms', percentile(one, 50));
    yield figure('session.relay_latency.20_sessions.p99', percentile(many, 99), 'ms', percentile(one, 99));
    // 21 sessions now idle (claude processes are separate and not counted).
    const idleRss = rssKb(world.agent.proc.pid!);
    yield figure('session.agent_rss_per_idle_session', (idleRss - baselineRss) / 21 / 1024, 'MB');
    // The same, counting only what the heap keeps after a full GC (each with its workspace and transcript).
    const idleHeap = await heapAfterGcMb(world.agent.stderr);
    yield figure('session.agent_heap_after_gc_per_idle_session', (idleHeap - baselineHeap) / 20, 'MB', 1);
  } finally {
    await world.close();
  }
}
