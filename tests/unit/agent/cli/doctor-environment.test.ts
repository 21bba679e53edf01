import { describe, expect, it } from 'vitest';
import { environmentChecks, sandboxOptOutChecks } from '../../../../agent/cli/doctor-environment.js';
import type { AgentEnvironment } from '../../../../shared/agent-environment.js';

const shell: AgentEnvironment = {
  claude: { path: '/home/mona/.local/bin/claude', version: '2.1.328' },
  claudeLogin: { state: 'logged-in', detail: 'logged in' },
  github: [{ host: 'github.com', source: 'gh auth token' }],
  sandbox: { available: true, missing: [], detail: 'found' },
  path: '/home/mona/.local/bin:/usr/bin:/bin',
  node: { path: '/usr/bin/node', version: 'v22.13.0' },
  home: '/home/mona',
};

const byName = (checks: ReturnType<typeof environmentChecks>) =>
  Object.fromEntries(checks.map((c) => [c.name, c]));

describe('environmentChecks', () => {
  it("with no agent running, the shell's view, unmarked", () => {
    const checks = byName(environmentChecks(shell));
    expect(checks['Claude Code']).toEqual({
      name: 'Claude Code',
      status: 'ok',
      detail: '/home/mona/.local/bin/claude 2.1.328',
    });
    expect(checks['GitHub token']?.detail).toBe('from gh auth token');
    expect(checks.PATH).toBeUndefined();
  });

  it("with an agent, its view, each difference marked with the shell's", () => {
    const agent: AgentEnvironment = {
      ...shell,
      claude: { problem: 'Claude Code is not installed: no `claude` on PATH.' },
      github: [{ host: 'github.com', problem: 'No GitHub token' }],
      path: '/usr/bin:/bin',
    };
    const checks = byName(environmentChecks(agent, shell));
    expect(checks['Claude Code']).toMatchObject({
      status: 'fail',
      detail:
        'the agent: Claude Code is not installed: no `claude` on PATH. (your shell: /home/mona/.local/bin/claude)',
    });
    expect(checks['GitHub token']).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('(your shell: gh auth token)'),
    });
    expect(checks['Claude login']?.status).toBe('ok');
    expect(checks.PATH?.detail).toBe(
      "the agent's: /usr/bin:/bin (your shell: /home/mona/.local/bin:/usr/bin:/bin)",
    );
  });
});

describe('sandboxOptOutChecks', () => {
  it('warns once per project whose sessions run outside the sandbox, naming its machine and the way back', () => {
    const checks = sandboxOptOutChecks([
      { owner: 'octo', repo: 'app', machine: 'local' },
      { owner: 'octo', repo: 'wild', unsandboxed: true, machine: 'local' },
      { owner: 'octo', repo: 'far', unsandboxed: true, machine: 'box' },
    ]);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['sandbox (octo/wild)', 'warn'],
      ['sandbox (octo/far on box)', 'warn'],
    ]);
    expect(checks[0]?.fix).toBe(
      '`ff-agent project set octo/wild --sandbox` puts its next sessions back inside.',
    );
  });

  it('says nothing when every project is sandboxed', () => {
    expect(sandboxOptOutChecks([{ owner: 'octo', repo: 'app' }])).toEqual([]);
  });
});
