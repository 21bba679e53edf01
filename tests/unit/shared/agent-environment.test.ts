import { describe, expect, it } from 'vitest';
import {
  type AgentEnvironment,
  environmentDifferences,
  environmentProblems,
} from '../../../shared/agent-environment.js';

const healthy: AgentEnvironment = {
  claude: { path: '/home/mona/.local/bin/claude', version: '2.1.328 (Claude Code)' },
  claudeLogin: { state: 'logged-in', detail: 'logged in' },
  github: [{ host: 'github.com', source: 'gh auth token' }],
  sandbox: { available: true, missing: [], detail: 'bubblewrap, socat and ripgrep found' },
  path: '/home/mona/.local/bin:/usr/bin:/bin',
  node: { path: '/usr/bin/node', version: 'v22.13.0' },
  home: '/home/mona',
};

describe('environmentProblems', () => {
  it('says nothing for a healthy agent', () => {
    expect(environmentProblems(healthy)).toEqual([]);
  });
  it('one line each for a missing claude, a missing token and missing sandbox tools', () => {
    const lines = environmentProblems({
      ...healthy,
      claude: { problem: 'Claude Code is not installed: no `claude` on PATH.' },
      github: [{ host: 'github.com', problem: 'No GitHub token: set GITHUB_TOKEN' }],
      sandbox: { available: false, missing: ['bwrap'], detail: 'bwrap not found' },
    });
    expect(lines).toEqual([
      'Claude Code is not installed: no `claude` on PATH.',
      'No GitHub token: set GITHUB_TOKEN',
      'Sandbox: bwrap not found',
    ]);
  });
  it('a claude with no login found says how to log in', () => {
    expect(environmentProblems({ ...healthy, claudeLogin: { state: 'unknown', detail: '' } })[0]).toMatch(
      /no login found .*claude \/login.*ANTHROPIC_API_KEY/,
    );
  });
});

describe('environmentDifferences', () => {
  it('names what the agent sees otherwise than the shell: claude, login, tokens, PATH', () => {
    const agent: AgentEnvironment = {
      ...healthy,
      claude: { problem: 'Claude Code is not installed' },
      claudeLogin: { state: 'unknown', detail: 'no API key and no login found' },
      github: [{ host: 'github.com', problem: 'No GitHub token' }],
      path: '/usr/bin:/bin',
    };
    expect(environmentDifferences(agent, healthy).map((d) => d.what)).toEqual([
      'claude',
      'Claude login',
      'GitHub token (github.com)',
      'PATH',
    ]);
    expect(environmentDifferences(healthy, healthy)).toEqual([]);
  });
});
