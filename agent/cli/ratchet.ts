import type { Board } from '../../shared/board.js';
import { inertLine } from '../../shared/inert-text.js';
import {
  parseSettingValue,
  type RatchetSettings,
  type RatchetSettingsPatch,
  type RatchetStatus,
  type TickResult,
} from '../../shared/ratchet.js';
import type { HomePaths } from '../store/home.js';
import { CliError, withAgent } from './connect.js';
import { print, say } from './output.js';

export function formatTick(tick: TickResult): string {
  if (!tick.ran) return `Tick skipped: ${inertLine(tick.error ?? 'nothing to do')}\n`;
  const lines = [
    `Checked ${tick.checked} pull request(s) in ${tick.durationMs} ms${tick.error ? ` — ${inertLine(tick.error)}` : ''}.`,
  ];
  if (tick.budget) lines.push(tick.budget);
  for (const { workspaceId, decision } of tick.decisions) {
    lines.push(
      `  ${workspaceId}  ${decision.state.padEnd(15)} ${decision.action.padEnd(13)} ${inertLine(decision.reason)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** "4,210 of 5,000 points left until 10:42 UTC": the token's GraphQL budget this hour — pure. */
export function formatPoints(rateLimit: NonNullable<RatchetStatus['github']['rateLimit']>): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return `${n(rateLimit.remaining)}${rateLimit.limit !== undefined ? ` of ${n(rateLimit.limit)}` : ''} points left until ${rateLimit.resetAt.slice(11, 16)} UTC`;
}

function formatConnection(label: string, gh: RatchetStatus['github']): string[] {
  const lines = [
    gh.connected
      ? `${label}: connected (token from ${gh.tokenSource}${gh.login ? `, as @${gh.login}` : ''}${gh.rateLimit ? `, ${formatPoints(gh.rateLimit)}` : ''})`
      : `${label}: ${inertLine(gh.message ?? '')}`,
  ];
  if (gh.pace)
    lines.push(
      `  ${gh.pace.words} (next look at ${gh.pace.nextLookAt.slice(11, 16)} UTC; the ratchet stays under 80% of the hour's points)`,
    );
  if (gh.lastError)
    lines.push(
      `  last error: ${inertLine(gh.lastError)}${gh.backoffUntil ? ` (waiting until ${gh.backoffUntil})` : ''}`,
    );
  return lines;
}

export function formatRatchetStatus(status: RatchetStatus): string {
  const lines = [
    ...formatConnection('GitHub', status.github),
    ...(status.hosts ?? []).flatMap(({ host, ...gh }) => formatConnection(host, gh)),
  ];
  if (status.lastTick)
    lines.push(
      `Last tick: ${status.lastTick.startedAt}${status.lastTick.error ? ` — ${inertLine(status.lastTick.error)}` : ''}`,
    );
  if (status.nextTickAt) lines.push(`Next tick: ${status.nextTickAt}`);
  for (const w of status.workspaces) {
    const r = w.ratchet;
    lines.push(
      `${w.workspaceId}  ${w.project} ${w.branch}  ${w.pr ? `PR #${w.pr.number}` : 'no PR yet'}  ${r.state ?? '-'}${r.paused ? ' (paused)' : ''}`,
    );
    if (r.reason) lines.push(`  ${inertLine(r.reason)}`);
    if (r.waiting) lines.push(`  ${inertLine(r.waiting)}`);
    const done = [
      r.spentUsd !== undefined ? `spent $${r.spentUsd.toFixed(2)}` : '',
      r.reruns ? `${r.reruns} re-run(s)` : '',
      r.threadsHandled ? `${r.threadsHandled} review thread(s) answered` : '',
    ].filter(Boolean);
    if (done.length) lines.push(`  ${done.join(', ')}`);
    if (r.lastDecision)
      lines.push(
        `  last decision ${r.lastDecision.at}: ${r.lastDecision.action} — ${inertLine(r.lastDecision.reason)}`,
      );
    if (r.fixerSessionId) lines.push(`  fixer session ${r.fixerSessionId}, ${r.attempts} attempt(s)`);
  }
  return `${lines.join('\n')}\n`;
}

export async function ratchetTick(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const tick = await client.call('ratchet.tick');
    if (options.json) return print(tick);
    say(formatTick(tick));
  });
}

export async function ratchetStatus(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const status = await client.call('ratchet.status');
    if (options.json) return print(status);
    say(formatRatchetStatus(status));
  });
}

export function formatRatchetSettings(
  result: { settings: RatchetSettings; overrides?: RatchetSettingsPatch },
  project?: string,
): string {
  const overridden = new Set(Object.keys(result.overrides ?? {}));
  const lines = [project ? `Ratchet settings for ${project}:` : 'Ratchet settings (global):'];
  for (const [key, value] of Object.entries(result.settings)) {
    const shown = Array.isArray(value) ? value.join(',') || '(everyone)' : String(value);
    lines.push(`  ${key.padEnd(18)} ${shown}${overridden.has(key) ? '  (this project)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function ratchetSettings(
  paths: HomePaths,
  options: { project?: string; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const result = await client.call(
      'ratchet.settings.get',
      options.project ? { project: options.project } : {},
    );
    if (options.json) return print(result);
    say(formatRatchetSettings(result, options.project));
  });
}

export async function ratchetSettingsSet(
  paths: HomePaths,
  key: string,
  value: string,
  options: { project?: string; json?: boolean },
): Promise<void> {
  // Checked here first: a typo never reaches the agent, and the message names the key.
  const parsed = parseSettingValue(key, value);
  if (!parsed.ok) throw new CliError(parsed.error);
  await withAgent(paths, async (client) => {
    const result = await client.call('ratchet.settings.set', {
      patch: parsed.patch,
      ...(options.project ? { project: options.project } : {}),
    });
    if (options.json) return print(result);
    const shown = (result.settings as Record<string, unknown>)[key];
    say(
      `${key} = ${Array.isArray(shown) ? shown.join(',') || '(everyone)' : String(shown)}${options.project ? ` for ${options.project}` : ' (global)'}\n`,
    );
  });
}

export async function ratchetPause(paths: HomePaths, workspaceId: string, paused: boolean): Promise<void> {
  await withAgent(paths, async (client) => {
    await client.call('ratchet.pause', { workspaceId, paused });
    say(paused ? `Ratchet paused for ${workspaceId}.\n` : `Ratchet resumed for ${workspaceId}.\n`);
  });
}

export function formatBoard(board: Board): string {
  const c = board.columns;
  const lines = [`${board.project}${board.issuesError ? `  (issues: ${inertLine(board.issuesError)})` : ''}`];
  lines.push(
    `GitHub Issues (${c.issues.length})`,
    ...c.issues.map((i) => `  #${i.number} ${inertLine(i.title)}`),
  );
  for (const [name, cards] of [
    ['Working', c.working],
    ['Waiting', c.waiting],
    ['Done', c.done],
  ] as const) {
    lines.push(
      `${name} (${cards.length})`,
      ...cards.map(
        (card) =>
          `  ${card.workspace.id} ${card.workspace.branch}${card.workspace.issue ? ` #${card.workspace.issue.number}` : ''}${card.workspace.pr ? ` PR #${card.workspace.pr.number}` : ''}${card.workspace.ratchet.waiting ? ` — ${inertLine(card.workspace.ratchet.waiting)}` : ''}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function board(
  paths: HomePaths,
  project: string,
  options: { json?: boolean; filter?: string },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const result = await client.call('board.refresh', {
      project,
      ...(options.filter ? { filter: options.filter } : {}),
    });
    if (options.json) return print(result);
    say(formatBoard(result));
  });
}

export async function openPr(
  paths: HomePaths,
  workspaceId: string,
  options: { title?: string; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const workspace = await client.call('workspace.openPr', {
      workspaceId,
      ...(options.title ? { title: options.title } : {}),
    });
    if (options.json) return print(workspace);
    say(`Pull request #${workspace.pr?.number}: ${workspace.pr?.url}\n`);
  });
}
