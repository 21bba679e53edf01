import { parseGeneralSettingValue, type Settings } from '../../shared/domain.js';
import type { HomePaths } from '../store/home.js';
import { CliError, withAgent } from './connect.js';
import { print, say } from './output.js';

const shown = (value: unknown) => (Array.isArray(value) ? value.join(',') || '(none)' : String(value));

export function formatSettings(settings: Settings): string {
  const lines = ['Settings:'];
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'ratchet') continue;
    lines.push(`  ${key.padEnd(22)} ${shown(value)}`);
  }
  lines.push('(the ratchet has its own: ff-agent ratchet settings)');
  return `${lines.join('\n')}\n`;
}

/** `ff-agent settings`: the settings kept in state.json, but the ratchet's. */
export async function settings(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const result = await client.call('settings.get');
    if (options.json) return print(result);
    say(formatSettings(result));
  });
}

/** `ff-agent settings set <key> <value>`: checked here first, so a typo never reaches the agent. */
export async function settingsSet(
  paths: HomePaths,
  key: string,
  value: string,
  options: { json?: boolean },
): Promise<void> {
  const parsed = parseGeneralSettingValue(key, value);
  if (!parsed.ok) throw new CliError(parsed.error);
  await withAgent(paths, async (client) => {
    const result = await client.call('settings.set', parsed.patch);
    if (options.json) return print(result);
    say(`${key} = ${shown((result as Record<string, unknown>)[key])}\n`);
  });
}
