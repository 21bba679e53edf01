import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type ClaudeWorld, claudeBin, claudeWorld } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';
import { type Figure, figure, median } from './figure.js';

const SAMPLES = 5;

/** One run's times, ms from its start (the Start call, or the spawn). */
interface Timing {
  /** The session listed (ff only: worktree made, setup done, claude being spawned). */
  listed?: number;
  /** The fake API got claude's first request. */
  api: number;
  /** The first assistant line at the client (or on claude's stdout). */
  assistant: number;
}

/**
 * Click Start → first assistant event: from the `workspace.create` call a
 * Start click makes (project + issue; the agent makes the worktree, runs
 * setup, starts the session) to the first assistant line at a WebSocket
 * client, against a real agent and the real claude CLI on the fake API.
 * Baseline, in the same run, same fake API and env: `claude -p` alone,
 * from spawn to its first assistant line on stdout. The split lines say
 * where ff's time goes: before claude is spawned, and after the API answered.
 */
export async function* figures(): AsyncGenerator<Figure> {
  let firstRequest: number | undefined;
  const world = await claudeWorld(() => {
    firstRequest ??= performance.now();
    return { text: 'On it.' };
  });
  const since = (started: number) => {
    firstRequest = undefined;
    return () => (firstRequest ?? Number.NaN) - started;
  };
  try {
    const viaFf: Timing[] = [];
    const bare: Timing[] = [];
    for (let n = 0; n < SAMPLES; n++) {
      bare.push(await bareClaude(world.env, world.repo.clone, since));
      viaFf.push(await startToFirstAssistant(world, 5000 + n, since));
    }
    const bareMedian = median(bare.map((t) => t.assistant));
    yield figure(
      'session.start_to_first_assistant_event.median',
      median(viaFf.map((t) => t.assistant)),
      'ms',
      bareMedian,
    );
    yield figure('session.start_to_session_listed.median', median(viaFf.map((t) => t.listed!)), 'ms');
    yield figure(
      'session.start.first_api_request_to_first_assistant_event.median',
      median(viaFf.map((t) => t.assistant - t.api)),
      'ms',
      median(bare.map((t) => t.assistant - t.api)),
    );
  } finally {
    await world.close();
  }
}

async function startToFirstAssistant(
  world: ClaudeWorld,
  issue: number,
  since: (started: number) => () => number,
): Promise<Timing> {
  const started = performance.now();
  const api = since(started);
  let assistant: number | undefined;
  const { workspace } = await world.client.call('workspace.create', {
    project: 'octo/app',
    issue: { number: issue, title: `task ${issue}`, body: 'Say something.' },
  });
  // Subscribed as soon as the session is listed: long before claude answers.
  const session = await waitFor(
    async () => (await world.client.call('session.list', { workspaceId: workspace.id }))[0],
    { what: 'the session', timeoutMs: 60_000, intervalMs: 5 },
  );
  const listed = performance.now() - started;
  const topic = `session:${session.id}` as const;
  const listener = (frame: { data: unknown }) => {
    const data = frame.data as { kind?: string; entries?: Array<{ type: string }> };
    if (data.kind === 'claude' && data.entries?.some((entry) => entry.type === 'assistant-text'))
      assistant ??= performance.now() - started;
  };
  await world.client.subscribe(topic, listener, 0);
  await waitFor(() => assistant, { what: 'the first assistant event', timeoutMs: 60_000, intervalMs: 5 });
  await world.client.unsubscribe(topic, listener);
  return { listed, api: api(), assistant: assistant! };
}

/** `claude -p` alone: spawn → its first assistant line. */
function bareClaude(
  env: Record<string, string>,
  cwd: string,
  since: (started: number) => () => number,
): Promise<Timing> {
  const started = performance.now();
  const api = since(started);
  const child = spawn(claudeBin, ['-p', 'Say something.', '--output-format', 'stream-json', '--verbose'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let done = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (done || !line.includes('"type":"assistant"')) return;
      done = true;
      resolve({ api: api(), assistant: performance.now() - started });
    });
    child.on('exit', (code) => {
      if (!done) reject(new Error(`claude -p exited ${code} before an assistant line`));
    });
  });
}
