import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessage, MessageReader } from '../../../native-host/framing.js';
import { agentFileOf, repoRoot, spawnAgent, stopDetachedAgent } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

const hostPath = join(repoRoot, 'dist', 'native-host', 'host.js');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the host like a browser does: writes bytes, reads framed replies until it exits. */
function talk(
  ffHome: string,
  input: Buffer,
  { closeInput = true } = {},
): Promise<{ replies: unknown[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [hostPath], {
      env: { ...process.env, FF_HOME: ffHome },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const reader = new MessageReader();
    const replies: unknown[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      for (const decoded of reader.push(chunk)) if ('message' in decoded) replies.push(decoded.message);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the native host hung'));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ replies, code });
    });
    child.stdin.write(input);
    if (closeInput) child.stdin.end();
  });
}

function home(): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

describe('the native messaging host', () => {
  it('getConnection: not running, then running with port and token', async () => {
    const h = home();
    const before = await talk(h, encodeMessage({ type: 'getConnection' }));
    expect(before).toEqual({
      code: 0,
      replies: [{ ok: true, running: false, port: null, token: null, agentVersion: null }],
    });
    const agent = await spawnAgent(h);
    cleanups.push(() => agent.stop());
    const after = await talk(h, encodeMessage({ type: 'getConnection' }));
    expect(after.replies).toEqual([
      { ok: true, running: true, port: agent.port, token: agent.token, agentVersion: '0.1.0' },
    ]);
  });

  it('ensureAgent starts a stopped agent and answers with its connection', async () => {
    const h = home();
    const { replies } = await talk(h, encodeMessage({ type: 'ensureAgent' }));
    const reply = replies[0] as { ok: boolean; running: boolean; port: number; token: string };
    expect(reply).toMatchObject({ ok: true, running: true });
    const info = agentFileOf(h)!;
    expect(reply.token).toBe(info.token);
    cleanups.push(() => stopDetachedAgent(h));
    // Asked again, it does not start a second one.
    const again = await talk(h, encodeMessage({ type: 'ensureAgent' }));
    expect((again.replies[0] as { port: number }).port).toBe(reply.port);
    expect(agentFileOf(h)?.pid).toBe(info.pid);
  });

  it('bad input gets an error reply, never a hang or a crash', async () => {
    const h = home();
    const unknown = await talk(h, encodeMessage({ type: 'rm -rf' }));
    expect(unknown.replies).toEqual([
      { ok: false, error: 'unknown request "rm -rf"; expected getConnection or ensureAgent' },
    ]);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(5);
    const notJson = await talk(
      h,
      Buffer.concat([header, Buffer.from('{nope'), encodeMessage({ type: 'getConnection' })]),
    );
    expect(notJson.replies).toEqual([
      { ok: false, error: 'message is not valid JSON' },
      expect.objectContaining({ ok: true }),
    ]);
    const huge = Buffer.alloc(4);
    huge.writeUInt32LE(2 * 1024 * 1024);
    const tooBig = await talk(h, huge, { closeInput: false });
    expect(tooBig).toEqual({
      code: 1,
      replies: [{ ok: false, error: 'message length 2097152 is over the 1 MB limit' }],
    });
    const truncated = Buffer.concat([header, Buffer.from('{"ty')]);
    expect(await talk(h, truncated)).toEqual({ code: 0, replies: [] });
  });

  it('a request whose answer would pass the 1 MB a browser accepts gets a short error, and the host goes on', async () => {
    const h = home();
    // Just under the 1 MB a request may have; echoing it back whole would be over the limit for the reply.
    const echoed = encodeMessage({ type: '"'.repeat(400_000) });
    // Framed by hand: this side cannot JSON.stringify it either.
    const deepBody = Buffer.from(`{"type":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    const deep = Buffer.concat([Buffer.alloc(4), deepBody]);
    deep.writeUInt32LE(deepBody.length, 0);
    const { code, replies } = await talk(
      h,
      Buffer.concat([echoed, deep, encodeMessage({ type: 'getConnection' })]),
    );
    expect(code).toBe(0);
    expect(replies).toEqual([
      { ok: false, error: expect.stringMatching(/^unknown request "\\"{1,}.*…"; expected getConnection/) },
      { ok: false, error: 'unknown request an array; expected getConnection or ensureAgent' },
      expect.objectContaining({ ok: true, running: false }),
    ]);
    expect(JSON.stringify(replies[0]).length).toBeLessThan(1000);
  });
});
