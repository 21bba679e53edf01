import { describe, expect, it } from 'vitest';
import { isHeadlessClaude } from '../../../../agent/claude/reconcile.js';
import { exitDetail } from '../../../../agent/claude/session-process.js';
import { newSessionRecord, type StartSessionInput } from '../../../../agent/claude/start-session.js';
import { toolAfter } from '../../../../agent/claude/turns.js';
import { type PermissionMode, Workspace } from '../../../../shared/domain.js';
import type { ClaudeEntry } from '../../../../shared/transcript-entry.js';

const workspace: Workspace = Workspace.parse({
  id: 'w1',
  projectId: 'p1',
  branch: 'ff/1-x',
  baseBranch: 'main',
  path: '/repo/w1',
  status: 'ready',
  createdAt: 't0',
  updatedAt: 't0',
});
const fork: Workspace = {
  ...workspace,
  pr: { number: 42, url: 'u', nodeId: 'n' },
  adopted: { headRefName: 'fix', headRepository: 'someone/app', fork: true, author: 'someone' },
};
const defaults = {
  permissionMode: 'acceptEdits' as PermissionMode,
  id: 's1',
  now: 't1',
  projectUnsandboxed: false,
  sandbox: { available: true, detail: 'bubblewrap, socat and ripgrep found' },
};

describe('newSessionRecord: a new session as recorded', () => {
  it.each<[string, StartSessionInput, Workspace, Record<string, unknown>]>([
    [
      'a bare start is a chat in the default mode',
      { workspaceId: 'w1' },
      workspace,
      {
        kind: 'chat',
        title: 'chat',
        permissionMode: 'acceptEdits',
        sandbox: { state: 'on', network: 'project' },
      },
    ],
    [
      'text by outside authors keeps the sandbox and its network to the API',
      { workspaceId: 'w1', permissionMode: 'ask', permissionReason: 'outside text', untrusted: true },
      workspace,
      { permissionMode: 'ask', sandbox: { state: 'on', network: 'api' } },
    ],
    [
      'a quick action is titled by its kind unless named',
      { workspaceId: 'w1', kind: 'quick-action' },
      workspace,
      { kind: 'quick-action', title: 'quick-action' },
    ],
    [
      'the mode asked for, and why',
      { workspaceId: 'w1', permissionMode: 'ask', permissionReason: 'outside text' },
      workspace,
      { permissionMode: 'ask', permissionReason: 'outside text' },
    ],
    ['a model when given', { workspaceId: 'w1', model: 'opus' }, workspace, { model: 'opus' }],
    [
      "a fork's PR asks before each tool, whatever was asked for, and says why",
      { workspaceId: 'w1', permissionMode: 'bypassPermissions', permissionReason: 'ignored' },
      fork,
      {
        permissionMode: 'ask',
        permissionReason: 'PR #42 comes from the fork someone/app: its sessions ask before each tool.',
        sandbox: { state: 'on', network: 'api' },
      },
    ],
  ])('%s', (_, input, where, expected) => {
    const record = newSessionRecord(input, where, defaults);
    expect(record).toMatchObject({
      id: 's1',
      workspaceId: 'w1',
      status: 'starting',
      costUsd: 0,
      turns: 0,
      createdAt: 't1',
      updatedAt: 't1',
      ...expected,
    });
  });

  it('records no model or reason it was not given', () => {
    const record = newSessionRecord({ workspaceId: 'w1' }, workspace, defaults);
    expect(record).not.toHaveProperty('model');
    expect(record).not.toHaveProperty('permissionReason');
  });

  it('a fork whose repository was deleted still says where its PR came from', () => {
    const gone = { ...fork, adopted: { ...fork.adopted!, headRepository: null } };
    expect(newSessionRecord({ workspaceId: 'w1' }, gone, defaults).permissionReason).toContain('(deleted)');
  });
});

describe('toolAfter: the tool call a turn waits on (fleet view)', () => {
  const call = (id: string, name = 'Bash'): ClaudeEntry => ({
    type: 'tool-call',
    id,
    name,
    summary: `run ${id}`,
    input: '{}',
  });
  const result = (toolId: string): ClaudeEntry => ({
    type: 'tool-result',
    toolId,
    status: 'ok',
    preview: '',
    length: 0,
  });
  const text: ClaudeEntry = { type: 'assistant-text', text: 'thinking' };
  const waiting = { id: 'a', name: 'Bash', summary: 'run a', since: 't0' };
  it.each<[string, typeof waiting | undefined, 'assistant' | 'user', ClaudeEntry[], string | undefined]>([
    ['a call starts waiting', undefined, 'assistant', [call('a')], 'a'],
    ['the last of several calls is the one shown', undefined, 'assistant', [call('a'), call('b')], 'b'],
    ['a new call replaces the one waited on', waiting, 'assistant', [call('b')], 'b'],
    ['text alone changes nothing', waiting, 'assistant', [text], 'a'],
    ['its result ends the wait', waiting, 'user', [result('a')], undefined],
    ["another call's result does not", waiting, 'user', [result('z')], 'a'],
    ['a result with nothing waited on', undefined, 'user', [result('a')], undefined],
  ])('%s', (_, current, kind, entries, expected) => {
    expect(toolAfter(current, kind, entries, () => 't1')?.id).toBe(expected);
  });

  it('keeps when the call started, and cuts a long summary', () => {
    const long = { ...call('a'), summary: 'x'.repeat(500) } as ClaudeEntry;
    expect(toolAfter(undefined, 'assistant', [long], () => 't1')).toEqual({
      id: 'a',
      name: 'Bash',
      summary: 'x'.repeat(200),
      since: 't1',
    });
  });
});

describe('exitDetail: what a session says after its process ended', () => {
  it.each([
    ['crashed', 'exit code 1', 'Error: boom', 'claude stopped unexpectedly (exit code 1).\nError: boom'],
    ['crashed', 'signal SIGKILL', '', 'claude stopped unexpectedly (signal SIGKILL).'],
    ['interrupted', 'signal SIGTERM', 'ignored', 'ff-agent stopped; send a message or resume to continue.'],
    ['exited', 'exit code 0', 'ignored', undefined],
  ] as const)('%s after %s', (status, how, stderr, expected) => {
    expect(exitDetail(status, how, stderr)).toBe(expected);
  });
});

describe('isHeadlessClaude: which leftover pids start-up may end', () => {
  it.each([
    [
      'claude as ff starts it',
      'claude\0-p\0--input-format\0stream-json\0--output-format\0stream-json\0',
      true,
    ],
    ['an interactive claude', 'claude\0', false],
    ['another program that reused the pid', '/usr/bin/vim\0notes.txt\0', false],
    ['stream-json without --input-format', 'tool\0--output-format\0stream-json\0', false],
    ['nothing (a kernel thread)', '', false],
  ])('%s → %s', (_, cmdline, expected) => {
    expect(isHeadlessClaude(cmdline)).toBe(expected);
  });
});
