import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Project, ProjectScripts, ScriptKind, ScriptSource } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';

/**
 * A project's setup, run and archive scripts: ff's own settings first, then
 * what the repo declares for other tools, so a repo set up for Conductor or
 * Superset runs in ff unchanged. The repo's files, most precedent first:
 * `.conductor/settings.toml` (Conductor's; when it exists Conductor ignores
 * `conductor.json`, and so does ff), `conductor.json` (Conductor's legacy
 * file), `.superset/config.json` (Superset's: lists of commands, run in turn;
 * its teardown is the archive script). Each script comes from the first
 * source that has it, and the answer says which.
 */

/** The repo files read, most precedent first. */
export const SCRIPT_FILES = ['.conductor/settings.toml', 'conductor.json', '.superset/config.json'] as const;

export type DeclaredScripts = Partial<Record<ScriptKind, string>>;

/** The scripts one file declares, or why it cannot be read. Pure. */
export function parseScriptsFile(
  file: (typeof SCRIPT_FILES)[number],
  text: string,
): { ok: true; scripts: DeclaredScripts } | { ok: false; error: string } {
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
  files: ReadonlyArray<{ file: (typeof SCRIPT_FILES)[number]; text: string }>,
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
    const parsed = parseScriptsFile(file, found.text);
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
  const files: Array<{ file: (typeof SCRIPT_FILES)[number]; text: string }> = [];
  for (const file of SCRIPT_FILES) {
    try {
      files.push({ file, text: await readFile(join(dir, file), 'utf8') });
    } catch {
      // Not there: the next source is asked.
    }
  }
  return resolveScripts(project, files);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
