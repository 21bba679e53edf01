import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import { GATE, type SupervisedChild, spawnSupervised } from '../../../agent/supervisor/spawn-supervised.js';
import { supervisorOf } from '../../helpers/processes.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const source = join(import.meta.dirname, '..', '..', '..', 'agent', 'supervisor', 'spawn-supervised.ts');
const started: Array<SupervisedChild | ChildProcess> = [];
const leftovers: number[] = [];

afterEach(() => {
  for (const s of started.splice(0)) ('child' in s ? s.child : s).kill('SIGKILL');
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended, as it should
    }
  }
});

function supervised(command: string, args: string[]): SupervisedChild {
  const s = spawnSupervised(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(s);
  return s;
}

function output(child: ChildProcess): Promise<string> {
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return new Promise((resolve) => child.on('close', () => resolve(text)));
}

/** The first stdout line of `child`, split on spaces into numbers. */
function firstLine(child: ChildProcess): Promise<number[]> {
  let text = '';
  return new Promise((resolve) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const line = /^(.*)\n/.exec(text);
      if (line) resolve(line[1]!.trim().split(/\s+/).map(Number));
    });
  });
}

function closed(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
}

describe.skipIf(process.platform === 'win32')('a supervised command', () => {
  it('gets its arguments and environment exactly as given, never through a shell', async () => {
    const args = ['%s|%s|%s|%s\n', '$(echo injected)', 'a  b', "'; touch x #", '`id`'];
    const s = spawnSupervised('printf', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=99' },
    });
    started.push(s);
    expect(await output(s.child)).toBe("$(echo injected)|a  b|'; touch x #|`id`\n");
    const env = spawnSupervised('sh', ['-c', 'printf %s "$NODE_OPTIONS"'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=99' },
    });
    started.push(env);
    expect(await output(env.child)).toBe('--max-old-space-size=99');
  });

  it("exits with the command's own code or signal, and a missing command exits 127", async () => {
    expect(await closed(supervised('sh', ['-c', 'exit 7']).child)).toEqual({ code: 7, signal: null });
    expect(await closed(supervised('sh', ['-c', 'kill -s TERM $$']).child)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    expect((await closed(supervised('ff-no-such-command', []).child)).code).toBe(127);
  });

  it('runs in a process group of its own, and what it leaves behind there ends when it exits', async () => {
    const s = supervised('sh', ['-c', 'sleep 41 >/dev/null 2>&1 & echo "$$ $!"']);
    const ended = closed(s.child);
    const [pid, background] = await firstLine(s.child);
    leftovers.push(background!);
    expect(await s.pid).toBe(pid);
    const pgid = Number(
      (await output(spawn('ps', ['-o', 'pgid=', '-p', String(background)]))).trim() || Number.NaN,
    );
    expect(pgid).toBe(pid);
    await ended;
    await waitFor(() => !isProcessAlive(background!), {
      what: 'the background job to end',
      timeoutMs: 3_000,
    });
  });

  it('kill() ends the whole group; a part that ignores SIGTERM gets SIGKILL a second later', async () => {
    const s = supervised('sh', ['-c', 'trap "" TERM; sleep 42 & echo "$!"; wait; wait']);
    const [background] = await firstLine(s.child);
    leftovers.push(background!);
    s.kill('SIGTERM');
    const end = await closed(s.child);
    expect(end.signal).toBe('SIGKILL');
    await waitFor(() => !isProcessAlive(background!), {
      what: 'the background job to end',
      timeoutMs: 3_000,
    });
  });

  it('a supervisor killed from outside is replaced while the command runs', async () => {
    const s = supervised('sleep', ['43']);
    const pid = (await s.pid)!;
    const first = await waitFor(() => supervisorOf(pid), { what: 'the supervisor' });
    expect(s.supervisorPid).toBe(first);
    process.kill(first, 'SIGKILL');
    const second = await waitFor(() => (supervisorOf(pid) ?? first) !== first && supervisorOf(pid), {
      what: 'a new supervisor',
    });
    expect(second).not.toBe(first);
    expect(isProcessAlive(pid)).toBe(true);
  });

  it('kill -9 of its owner ends the command, its background job and the supervisor within 2 s', async () => {
    // An owner process standing in for ff-agent: it starts a supervised command, prints pids, then waits.
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { spawnSupervised } = await import(${JSON.stringify(source)});
const s = spawnSupervised('sh', ['-c', 'sleep 44 & echo "$$ $!"; wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
s.child.stdout.once('data', (line) => process.stdout.write(String(line).trim() + ' ' + s.supervisorPid + '\\n'));
setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    started.push(owner);
    const pids = await firstLine(owner);
    expect(pids).toHaveLength(3);
    leftovers.push(...pids);
    expect(pids.every(isProcessAlive)).toBe(true);
    owner.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), {
      what: 'the command, its background job and the supervisor to end',
      timeoutMs: 3_000,
      intervalMs: 20,
    });
    expect(Date.now() - killedAt).toBeLessThan(2_000);
  });

  it('the command never starts when its owner dies before saying go (kill -9 in that moment)', async () => {
    const dir = tempDir('ff-gate-');
    const marker = join(dir.path, 'ran');
    // An owner that starts the gated command exactly as spawnSupervised does, prints its pid and is
    // killed before it writes "go": the gate reads end-of-file and exits without running `touch`.
    const owner = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
const gated = spawn('/bin/sh', ['-c', ${JSON.stringify(GATE)}, 'ff-supervised', 'touch', ${JSON.stringify(marker)}],
  { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
process.stdout.write(gated.pid + '\\n');
setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    started.push(owner);
    const [gatePid] = await firstLine(owner);
    leftovers.push(gatePid!);
    expect(isProcessAlive(gatePid!)).toBe(true); // waiting for its go
    owner.kill('SIGKILL');
    await waitFor(() => !isProcessAlive(gatePid!), {
      what: 'the gate to give up',
      timeoutMs: 3_000,
      intervalMs: 20,
    });
    expect(existsSync(marker)).toBe(false);
    // The same gate given its go runs the command: the marker's absence above is the gate's doing.
    const given = spawn('/bin/sh', ['-c', GATE, 'ff-supervised', 'touch', marker], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    (given.stdio[3] as NodeJS.WritableStream).end('go\n');
    expect(await new Promise((resolve) => given.on('exit', resolve))).toBe(0);
    expect(existsSync(marker)).toBe(true);
    dir.cleanup();
  });
});
