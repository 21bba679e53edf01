import type { AgentEnvironment } from '../../shared/agent-environment.js';
import { GITHUB_COM } from '../github/api-url.js';
import { tokenFix } from '../github/token.js';
import type { Check } from './doctor.js';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Pure: doctor's checks of claude, Claude's login, the GitHub tokens and the sandbox, from the
 * running agent's own view when there is one (the shell's otherwise). Where the shell sees
 * otherwise, the check says so: a login service does not share the shell's environment.
 */
export function environmentChecks(view: AgentEnvironment, shell?: AgentEnvironment): Check[] {
  const whose = shell ? 'the agent: ' : '';
  const yourShell = (text: string | undefined) => (text === undefined ? '' : ` (your shell: ${text})`);
  const checks: Check[] = [];
  const shellClaude =
    shell && shell.claude.path !== view.claude.path ? (shell.claude.path ?? 'no claude') : undefined;
  checks.push(
    view.claude.path && !view.claude.problem
      ? {
          name: 'Claude Code',
          status: 'ok',
          detail: `${view.claude.path} ${view.claude.version ?? ''}`.trim() + yourShell(shellClaude),
        }
      : {
          name: 'Claude Code',
          status: 'fail',
          detail: `${whose}${view.claude.problem ?? 'not found'}${yourShell(shellClaude)}`,
          fix: shell?.claude.path
            ? 'The agent does not see the claude your shell has: run `ff-agent install` again (it records it for the login service), then `ff-agent restart`.'
            : 'npm install -g @anthropic-ai/claude-code (or its native installer), or set FF_CLAUDE_BIN; then `ff-agent restart`.',
        },
  );
  const shellLogin =
    shell && shell.claudeLogin.state !== view.claudeLogin.state ? shell.claudeLogin.detail : undefined;
  checks.push(
    view.claudeLogin.state !== 'unknown'
      ? { name: 'Claude login', status: 'ok', detail: view.claudeLogin.detail + yourShell(shellLogin) }
      : {
          name: 'Claude login',
          status: 'warn',
          detail: `${whose}${view.claudeLogin.detail}${yourShell(shellLogin)}`,
          fix: 'Run `claude /login` once as this user, or set ANTHROPIC_API_KEY in the environment ff-agent runs with; then `ff-agent restart`.',
        },
  );
  for (const host of view.github) {
    const name = host.host === GITHUB_COM ? 'GitHub token' : `GitHub token (${host.host})`;
    const other = shell?.github.find((h) => h.host === host.host);
    const shellToken = other && other.source !== host.source ? (other.source ?? 'none') : undefined;
    checks.push(
      host.source
        ? { name, status: 'ok', detail: `from ${host.source}${yourShell(shellToken)}` }
        : {
            name,
            status: 'warn',
            detail: `${shell ? 'the agent has none' : 'none'}: the ratchet and the board's issues are off${yourShell(shellToken)}`,
            fix: `${capitalized(tokenFix(host.host))} where ff-agent runs (a login service needs the token in its environment, or \`gh auth login\`), then \`ff-agent restart\`.`,
          },
    );
  }
  checks.push(
    view.sandbox.available
      ? { name: 'sandbox', status: 'ok', detail: view.sandbox.detail }
      : {
          name: 'sandbox',
          status: 'warn',
          detail: view.sandbox.detail,
          fix: 'Install them; until then sessions ask before each tool use.',
        },
  );
  if (shell && shell.path !== view.path) {
    checks.push({ name: 'PATH', status: 'ok', detail: `the agent's: ${view.path}${yourShell(shell.path)}` });
  }
  return checks;
}

/**
 * Pure: one warning per project whose sessions run outside the OS sandbox (`project set
 * --no-sandbox`): a choice, but one the user should see again where they check their set-up.
 */
export function sandboxOptOutChecks(
  projects: ReadonlyArray<{ owner: string; repo: string; unsandboxed?: boolean; machine?: string }>,
): Check[] {
  return projects
    .filter((p) => p.unsandboxed)
    .map((p) => {
      const where = p.machine && p.machine !== 'local' ? ` on ${p.machine}` : '';
      return {
        name: `sandbox (${p.owner}/${p.repo}${where})`,
        status: 'warn' as const,
        detail:
          'off: its sessions run outside the OS sandbox, without its walls (`project set --no-sandbox`)',
        fix: `\`ff-agent project set ${p.owner}/${p.repo} --sandbox\` puts its next sessions back inside.`,
      };
    });
}
