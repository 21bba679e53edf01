// Every wall of a sandboxed session, tried through the real claude CLI: each escape issue #28
// measured on an unsandboxed session (Bash and the file tools) is blocked, shown in the chat
// and counted, while work inside the worktree (a write, a commit) goes through with no prompt.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../shared/domain.js';
import {
  conversationText,
  isToolResultTurn,
  lastUserText,
  type Responder,
  toolResults,
} from '../../fakes/anthropic-api/server.js';
import { closeServer } from '../../fakes/loopback.js';
import { runCli } from '../../helpers/agent-process.js';
import {
  type ClaudeWorld,
  claudeWorld,
  recordSession,
  waitForSession,
} from '../../helpers/claude-fixture.js';

/** `bash …`, `read <path>`, `write <path> <text>`, `edit <path>`: one tool call each; then the result, verbatim. */
const scripted: Responder = (request) => {
  if (isToolResultTurn(request)) {
    const result = toolResults(request)[0];
    const content = result?.content;
    return { text: `RESULT ${typeof content === 'string' ? content : JSON.stringify(content)}` };
  }
  const text = lastUserText(request);
  const bash = /^bash (.*)$/s.exec(text);
  if (bash) return { toolUse: { name: 'Bash', input: { command: bash[1]!, description: 'try it' } } };
  const read = /^read (\S+)$/.exec(text);
  if (read) return { toolUse: { name: 'Read', input: { file_path: read[1]! } } };
  const write = /^write (\S+) (.*)$/.exec(text);
  if (write) return { toolUse: { name: 'Write', input: { file_path: write[1]!, content: write[2]! } } };
  const edit = /^edit (\S+)$/.exec(text);
  if (edit)
    return {
      toolUse: { name: 'Edit', input: { file_path: edit[1]!, old_string: 'export', new_string: 'EXPORT' } },
    };
  return { text: `You said: ${text}` };
};

const SECRET_KEY = 'PRIVATE-KEY-NEVER-IN-CONTEXT';

let w: ClaudeWorld;
let userHome: string;
let sessionId: string;
let worktree: string;
let otherWorktree: string;
let token: string;
let turns = 0;
const hits: string[] = [];
const elsewhere = createServer((req, res) => {
  hits.push(req.url ?? '');
  res.end('reached');
});

beforeAll(async () => {
  w = await claudeWorld(scripted);
  userHome = w.env.HOME!;
  mkdirSync(join(userHome, '.ssh'), { recursive: true });
  writeFileSync(join(userHome, '.ssh', 'id_ed25519'), `${SECRET_KEY}\n`);
  writeFileSync(join(userHome, '.bashrc'), 'export PATH\n');
  token = JSON.parse(readFileSync(join(w.home, 'agent.json'), 'utf8')).token;
  // A host on another loopback address: nothing the session is allowed to reach.
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
  otherWorktree = (await w.workspace()).path;
  const workspace = await w.workspace();
  worktree = workspace.path;
  const session = await w.client.call('session.start', { workspaceId: workspace.id, prompt: 'hello' });
  sessionId = session.id;
  await turn();
}, 120_000);

afterAll(async () => {
  await closeServer(elsewhere);
  await w?.close();
});

/** Waits for the session's next finished turn; `text` sends it first. */
async function turn(text?: string): Promise<SessionView> {
  if (text) await w.client.call('session.send', { sessionId, text });
  turns += 1;
  return waitForSession(w.client, sessionId, (s) => s.turns === turns && s.status === 'idle', text, 60_000);
}

/** What the model was told the last tool call gave. */
function lastResult(): string {
  const last = w.api.conversationRequests.at(-1);
  return last ? conversationText(last).split('RESULT').at(-1)! : '';
}

describe('a session on a trusted repo, sandboxed by default', () => {
  it('runs inside the sandbox without prompts, and says so', async () => {
    const session = await w.client.call('session.get', { sessionId });
    expect(session.sandbox).toEqual({ state: 'on', network: 'project' });
    expect(session.permissionMode).not.toBe('ask');
  });

  it('writes and commits inside its worktree, with no prompt', async () => {
    await turn(
      'bash echo done > inside.txt && git add inside.txt && git commit -qm inside && git log -1 --format=%s',
    );
    expect(readFileSync(join(worktree, 'inside.txt'), 'utf8')).toBe('done\n');
    expect(
      execFileSync('git', ['-C', worktree, 'log', '-1', '--format=%s'], { encoding: 'utf8' }).trim(),
    ).toBe('inside');
    await turn(`write ${join(worktree, 'tool.txt')} by the Write tool`);
    expect(readFileSync(join(worktree, 'tool.txt'), 'utf8')).toBe('by the Write tool');
  });

  it('the Read tool reads outside its worktree, as Bash may, with no prompt', async () => {
    const readme = execFileSync('git', ['-C', w.repo.clone, 'show', 'HEAD:README.md'], { encoding: 'utf8' });
    await turn(`read ${join(w.repo.clone, 'README.md')}`);
    expect(lastResult()).toContain(readme.trim().split('\n')[0]);
  });

  it.each([
    ['writing into the home', () => `echo pwned >> ${join(userHome, '.bashrc')}`],
    ["writing into another workspace's worktree", () => `echo pwned > ${join(otherWorktree, 'pwned.txt')}`],
    [
      "writing a hook into the clone's .git/hooks",
      () => `echo pwned > ${join(w.repo.clone, '.git', 'hooks', 'pre-commit')}`,
    ],
  ])('Bash: %s is blocked', async (_, command) => {
    await turn(`bash ${command()}`);
    expect(readFileSync(join(userHome, '.bashrc'), 'utf8')).toBe('export PATH\n');
    expect(existsSync(join(otherWorktree, 'pwned.txt'))).toBe(false);
    expect(existsSync(join(w.repo.clone, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it.each([
    ["ff's token (agent.json)", () => join(w.home, 'agent.json')],
    ['the SSH key', () => join(userHome, '.ssh', 'id_ed25519')],
  ])('Bash: reading %s is blocked', async (_, path) => {
    await turn(`bash cat ${path()}`);
    expect(lastResult()).not.toContain(token);
    expect(lastResult()).not.toContain(SECRET_KEY);
  });

  it('Bash: a host on another loopback address is not reached', async () => {
    const { port } = elsewhere.address() as { port: number };
    await turn(`bash curl -sS -m 5 http://127.0.0.2:${port}/leak || true`);
    expect(hits).toEqual([]);
  });

  it.each([
    ['Write: writing into the home', () => `write ${join(userHome, '.profile')} pwned`],
    ['Edit: editing a file in the home', () => `edit ${join(userHome, '.bashrc')}`],
    ["Read: reading ff's token", () => `read ${join(w.home, 'agent.json')}`],
    ['Read: reading the SSH key', () => `read ${join(userHome, '.ssh', 'id_ed25519')}`],
  ])('%s is blocked', async (_, text) => {
    await turn(text());
    expect(existsSync(join(userHome, '.profile'))).toBe(false);
    expect(readFileSync(join(userHome, '.bashrc'), 'utf8')).toBe('export PATH\n');
    expect(lastResult()).not.toContain(token);
    expect(lastResult()).not.toContain(SECRET_KEY);
  });

  it('nothing it read reached the model, each blocked attempt is in the chat and counted, and it never asked', async () => {
    const sent = JSON.stringify(w.api.requests.map((r) => r.body));
    expect(sent.includes(token), 'the token was sent to the API').toBe(false);
    expect(sent.includes(SECRET_KEY), 'the SSH key was sent to the API').toBe(false);
    const events = await recordSession(w.client, sessionId);
    const blocked = events.flatMap((e) => (e.kind === 'blocked' ? [e.what] : []));
    expect(blocked).toEqual(
      expect.arrayContaining([
        'write to ~/.bashrc',
        'write to ~/.profile',
        `read ${join(w.home, 'agent.json')}`,
        'read ~/.ssh/id_ed25519',
        `write to ${join(otherWorktree, 'pwned.txt')}`,
        `write to ${join(w.repo.clone, '.git', 'hooks', 'pre-commit')}`,
        expect.stringMatching(/^connect to 127\.0\.0\.2/),
      ]),
    );
    expect(events.some((e) => e.kind === 'permission')).toBe(false);
    const session = await w.client.call('session.get', { sessionId });
    expect(session.blocked).toBe(blocked.length);
    expect(session.pendingPermissions).toEqual([]);
  });
});

describe("a project's own choices", () => {
  /** A new session on a new workspace, after its first turn. */
  async function newSession(prompt: string): Promise<SessionView> {
    const workspace = await w.workspace();
    const session = await w.client.call('session.start', { workspaceId: workspace.id, prompt });
    return waitForSession(w.client, session.id, (s) => s.turns === 1 && s.status === 'idle', prompt, 60_000);
  }

  it('a host the project allows (`project set --allow-host`) is reached by its next sessions', async () => {
    const { port } = elsewhere.address() as { port: number };
    await w.client.call('project.set', { project: 'octo/app', allowHosts: ['127.0.0.2'] });
    await newSession(`bash curl -sS -m 5 http://127.0.0.2:${port}/allowed || true`);
    expect(hits).toEqual(['/allowed']);
    await w.client.call('project.set', { project: 'octo/app', disallowHosts: ['127.0.0.2'] });
  });

  it('`project set --no-sandbox`: its next sessions run outside the sandbox, and say so', async () => {
    await w.client.call('project.set', { project: 'octo/app', sandbox: false });
    const marker = join(userHome, 'outside.txt');
    const session = await newSession(`bash echo outside > ${marker}`);
    expect(session.sandbox).toEqual({ state: 'off' });
    expect(readFileSync(marker, 'utf8')).toBe('outside\n');
    // doctor, where a user checks their set-up, says so too, with the way back.
    const doctor = await runCli(['doctor'], { FF_HOME: w.home });
    expect(doctor.stdout).toMatch(/sandbox \(octo\/app\).*off: its sessions run outside the OS sandbox/);
    await w.client.call('project.set', { project: 'octo/app', sandbox: true });
    expect((await runCli(['doctor'], { FF_HOME: w.home })).stdout).not.toContain('sandbox (octo/app)');
  });
});
