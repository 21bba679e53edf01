import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Project, ProjectScripts, ScriptKind, ScriptSource } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';

/**
 * A project's setup, run and archive scripts: ff's own settings first, then
 * what the repo declares for other tools, so a repo set up for Conductor,
 * Superset or the Codex app runs in ff unchanged. The repo's files, most
 * precedent first: `.conductor/settings.toml` (Conductor's; when it exists
 * Conductor ignores `conductor.json`, and so does ff), `conductor.json`
 * (Conductor's legacy file), `.superset/config.json` (Superset's: lists of
 * commands, run in turn; its teardown is the archive script),
 * `.codex/environments/environment.toml` (the Codex app's local environment,
 * version 1: setup and cleanup scripts, per platform, and a Run action).
 * Each script comes from the first source that has it, and the answer says
 * which.
 */

/** The repo files read, most precedent first. */
export const SCRIPT_FILES = [
  '.conductor/settings.toml',
  'conductor.json',
  '.superset/config.json',
  '.codex/environments/environment.toml',
] as const;
export type ScriptFile = (typeof SCRIPT_FILES)[number];

const CODEX_FILE = '.codex/environments/environment.toml';

export type DeclaredScripts = Partial<Record<ScriptKind, string>>;
type Parsed = { ok: true; scripts: DeclaredScripts } | { ok: false; error: string };

/** The scripts one file declares, or why it cannot be read. Pure. */
export function parseScriptsFile(
  file: ScriptFile,
  text: string,
  platform: NodeJS.Platform = process.platform,
): Parsed {
  let data: unknown;
  try {
    data = file.endsWith('.toml') ? parseToml(text) : JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `${file} is not valid ${file.endsWith('.toml') ? 'TOML' : 'JSON'}: ${errorText(error)}`,
    };
  }
  if (!isRecord(data)) return { ok: false, error: `${file} holds no table of settings.` };
  if (file === CODEX_FILE) return parseCodexEnvironment(data, platform);
  if (file === '.superset/config.json') {
    const scripts: DeclaredScripts = {};
    for (const [kind, key] of [
      ['setup', 'setup'],
      ['run', 'run'],
      ['archive', 'teardown'],
    ] as const) {
      const value = data[key];
      if (value === undefined) continue;
      const commands = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(commands) || !commands.every((c) => typeof c === 'string'))
        return { ok: false, error: `${file}: "${key}" must be a list of commands.` };
      // In turn, stopping at the first that fails, as Superset runs them.
      const joined = commands.filter((c) => c.trim()).join(' && ');
      if (joined) scripts[kind] = joined;
    }
    return { ok: true, scripts };
  }
  const table = data.scripts;
  if (table === undefined) return { ok: true, scripts: {} };
  if (!isRecord(table)) return { ok: false, error: `${file}: "scripts" must be a table of commands.` };
  const scripts: DeclaredScripts = {};
  for (const kind of ['setup', 'run', 'archive'] as const) {
    const value = table[kind];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { ok: false, error: `${file}: scripts.${kind} must be a string.` };
    if (value.trim()) scripts[kind] = value;
  }
  return { ok: true, scripts };
}

/**
 * The scripts in force: each from ff's settings if set there, else from the
 * first repo file (in SCRIPT_FILES order) that declares it. `files` are the
 * repo files that exist, with their text. A file that cannot be read is
 * named in `problems` and skipped. Pure.
 */
export function resolveScripts(
  project: Pick<Project, 'setupScript' | 'runScript' | 'archiveScript'>,
  files: ReadonlyArray<{ file: ScriptFile; text: string }>,
  platform: NodeJS.Platform = process.platform,
): ProjectScripts {
  const resolved: ProjectScripts = { problems: [] };
  const own: DeclaredScripts = {
    ...(project.setupScript ? { setup: project.setupScript } : {}),
    ...(project.runScript ? { run: project.runScript } : {}),
    ...(project.archiveScript ? { archive: project.archiveScript } : {}),
  };
  const sources: Array<{ source: ScriptSource; scripts: DeclaredScripts }> = [{ source: 'ff', scripts: own }];
  const present = new Set(files.map((f) => f.file));
  for (const file of SCRIPT_FILES) {
    const found = files.find((f) => f.file === file);
    if (!found) continue;
    // Conductor treats a repo with settings.toml as migrated and ignores its conductor.json.
    if (file === 'conductor.json' && present.has('.conductor/settings.toml')) continue;
    const parsed = parseScriptsFile(file, found.text, platform);
    if (parsed.ok) sources.push({ source: file, scripts: parsed.scripts });
    else resolved.problems.push(parsed.error);
  }
  for (const kind of ['setup', 'run', 'archive'] as const) {
    const from = sources.find((s) => s.scripts[kind]);
    if (from) resolved[kind] = { command: from.scripts[kind]!, source: from.source };
  }
  return resolved;
}

/** The scripts in force for a checkout (the main clone, or a workspace's worktree, whose branch may differ). */
export async function readProjectScripts(
  project: Pick<Project, 'setupScript' | 'runScript' | 'archiveScript'>,
  dir: string,
): Promise<ProjectScripts> {
  // Read at once (most are absent; one after another they were a part of every create's time), kept in order.
  const texts = await Promise.all(
    SCRIPT_FILES.map((file) => readFile(join(dir, file), 'utf8').catch(() => undefined)),
  );
  const files = SCRIPT_FILES.flatMap((file, i) => {
    const text = texts[i];
    // Not there: the next source is asked.
    return text === undefined ? [] : [{ file, text }];
  });
  return resolveScripts(project, files);
}

/**
 * The Codex app's local environment (`version = 1`): `[setup] script` and
 * `[cleanup] script` (run before Codex deletes a worktree: ff's archive
 * script), each overridden by `[setup.<platform>]` / `[cleanup.<platform>]`
 * for this machine's platform (Node's names: darwin, linux, win32, as Codex
 * writes them). Its `[[actions]]` are buttons, not lifecycle; the run script
 * is the action named Run, else the only one with the run icon (several
 * with it, as a "Test" and a "Build" may have, name no run script). Actions
 * for another platform are left out.
 */
function parseCodexEnvironment(data: Record<string, unknown>, platform: NodeJS.Platform): Parsed {
  const file = CODEX_FILE;
  if (data.version !== undefined && data.version !== 1)
    return {
      ok: false,
      error: `${file}: version ${JSON.stringify(data.version)} is not one ff reads (it reads version 1).`,
    };
  const scripts: DeclaredScripts = {};
  for (const [kind, key] of [
    ['setup', 'setup'],
    ['archive', 'cleanup'],
  ] as const) {
    const table = data[key];
    if (table === undefined) continue;
    if (!isRecord(table)) return { ok: false, error: `${file}: "${key}" must be a table ([${key}]).` };
    const override = table[platform];
    const [where, script] =
      isRecord(override) && override.script !== undefined
        ? [`${key}.${platform}.script`, override.script]
        : [`${key}.script`, table.script];
    if (script === undefined) continue;
    if (typeof script !== 'string') return { ok: false, error: `${file}: ${where} must be a string.` };
    if (script.trim()) scripts[kind] = script;
  }
  const actions = data.actions;
  if (actions === undefined) return { ok: true, scripts };
  if (!Array.isArray(actions) || !actions.every(isRecord))
    return { ok: false, error: `${file}: "actions" must be a list of tables ([[actions]]).` };
  const here: Array<{ name: unknown; icon: unknown; command: string }> = [];
  for (const [i, action] of actions.entries()) {
    if (action.platform !== undefined && action.platform !== platform) continue;
    if (typeof action.command !== 'string')
      return { ok: false, error: `${file}: actions[${i}].command must be a string.` };
    if (action.command.trim()) here.push({ name: action.name, icon: action.icon, command: action.command });
  }
  const named = here.find((a) => typeof a.name === 'string' && a.name.trim().toLowerCase() === 'run');
  const withIcon = here.filter((a) => a.icon === 'run');
  const run = named ?? (withIcon.length === 1 ? withIcon[0] : undefined);
  if (run) scripts.run = run.command;
  return { ok: true, scripts };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
