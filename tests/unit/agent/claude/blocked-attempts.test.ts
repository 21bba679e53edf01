import { describe, expect, it } from 'vitest';
import {
  type BlockWatch,
  blockedAttempts,
  blockedInOutput,
} from '../../../../agent/claude/blocked-attempts.js';
import { classifyClaudeJson } from '../../../../shared/claude-messages.js';

const policy = { denyRead: ['/home/u/.ff', '/home/u/.ssh'], allowRead: ['/home/u/.ff/worktrees/app/w1'] };
const watch = (asks = false): BlockWatch => ({
  policy,
  home: '/home/u',
  asks,
  calls: new Map([
    ['t1', { name: 'Bash', summary: 'echo x >> ~/.bashrc' }],
    ['t2', { name: 'Write', summary: '/home/u/.profile' }],
    ['t3', { name: 'Read', summary: '/home/u/.ssh/id_ed25519' }],
  ]),
});

describe('blockedInOutput: what a command’s output says the sandbox stopped', () => {
  it.each([
    ['/bin/sh: 1: cannot create /home/u/.bashrc: Read-only file system', ['write to ~/.bashrc']],
    ['cat: /home/u/.ssh/id_ed25519: No such file or directory', ['read ~/.ssh/id_ed25519']],
    ["cat: '/home/u/.ff/agent.json': Permission denied", ['read ~/.ff/agent.json']],
    [
      '/bin/sh: 1: cannot create /home/u/.ff/worktrees/app/w2/x.txt: Directory nonexistent',
      ['write to ~/.ff/worktrees/app/w2/x.txt'],
    ],
    [
      "touch: cannot touch '/home/u/.ssh/authorized_keys': No such file or directory",
      ['write to ~/.ssh/authorized_keys'],
    ],
    // Missing files outside the walls, and inside the session's own worktree, are just missing.
    ['cat: /tmp/nope: No such file or directory', []],
    ['cat: /home/u/.ff/worktrees/app/w1/nope: No such file or directory', []],
    [
      'curl: (56) CONNECT tunnel failed\n<sandbox_violations>\ndeny(1) network-outbound example.com:443\n</sandbox_violations>',
      ['connect to example.com:443'],
    ],
    [
      '<sandbox_violations>\ndeny file-write-create /home/u/.zshrc (bash)\n</sandbox_violations>',
      ['write to ~/.zshrc'],
    ],
  ])('%j → %j', (text, expected) => {
    expect(blockedInOutput(text, watch())).toEqual(expected);
  });
});

describe('blockedInOutput: a write and a read look alike to a hidden folder', () => {
  it('a redirection into it is a write, though the shell says only "No such file"', () => {
    const text = 'bash: line 1: /home/u/.ff/worktrees/app/w2/x.txt: No such file or directory';
    expect(blockedInOutput(text, watch(), 'echo hi > /home/u/.ff/worktrees/app/w2/x.txt')).toEqual([
      'write to ~/.ff/worktrees/app/w2/x.txt',
    ]);
    expect(blockedInOutput(text, watch(), 'cat /home/u/.ff/worktrees/app/w2/x.txt')).toEqual([
      'read ~/.ff/worktrees/app/w2/x.txt',
    ]);
  });
});

describe('blockedAttempts: one CLI line', () => {
  const denied = (over: Record<string, unknown>) =>
    classifyClaudeJson({ type: 'system', subtype: 'permission_denied', ...over });

  it('a file tool denied by a rule names what it tried', () => {
    expect(blockedAttempts(denied({ tool_name: 'Write', tool_use_id: 't2' }), watch())).toEqual([
      'write to ~/.profile',
    ]);
    expect(blockedAttempts(denied({ tool_name: 'Read', tool_use_id: 't3' }), watch())).toEqual([
      'read ~/.ssh/id_ed25519',
    ]);
  });

  it('in ask mode a denial is the person’s answer, unless a rule made it', () => {
    expect(blockedAttempts(denied({ tool_name: 'Write', tool_use_id: 't2' }), watch(true))).toEqual([]);
    expect(
      blockedAttempts(
        denied({ tool_name: 'Write', tool_use_id: 't2', decision_reason_type: 'rule' }),
        watch(true),
      ),
    ).toEqual(['write to ~/.profile']);
  });

  it('a host denied is told once, by the command’s output', () => {
    expect(blockedAttempts(denied({ tool_name: 'SandboxNetworkAccess' }), watch())).toEqual([]);
  });

  it('a Bash result is read whole; other tools’ results are not', () => {
    const result = (id: string) =>
      classifyClaudeJson({
        type: 'user',
        message: {
          content: [
            { type: 'tool_result', tool_use_id: id, content: 'x: /home/u/.bashrc: Read-only file system' },
          ],
        },
      });
    expect(blockedAttempts(result('t1'), watch())).toEqual(['write to ~/.bashrc']);
    expect(blockedAttempts(result('t3'), watch())).toEqual([]);
  });
});
