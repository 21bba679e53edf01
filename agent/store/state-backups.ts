import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { readStateText } from './state-schema.js';

/**
 * The last good generations of `state.json`, in `<home>/state-backups/`.
 * A generation is written only from a state that parsed and validated: the
 * file the agent read at start, then at most one a minute while it runs. So
 * a damaged `state.json` never means starting empty: the newest backup is at
 * most about a minute behind it.
 */
export const STATE_GENERATIONS = 10;
export const GENERATION_INTERVAL_MS = 60_000;

const NAME = /^state-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)\.json$/;

export interface StateBackup {
  path: string;
  savedAt: string;
  projects: number;
  workspaces: number;
  sessions: number;
}

/** Pure: the file name of a generation saved at `at`; names sort by time. */
export function generationName(at: Date): string {
  return `state-${at.toISOString().replace(/[:.]/g, '-')}.json`;
}

/** Pure: when a generation file was saved, from its name (undefined when it is not one). */
export function generationTime(name: string): string | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [date, time] = match[1]!.split('T') as [string, string];
  const [h, m, s, ms] = time.replace('Z', '').split('-');
  return `${date}T${h}:${m}:${s}.${ms}Z`;
}

/** Generation files, newest first (whatever their content). */
export function generationFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => NAME.test(name))
    .sort()
    .reverse()
    .map((name) => join(dir, name));
}

/** Reads one backup; undefined when it does not parse and validate. */
export function readBackup(path: string): StateBackup | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const reading = readStateText(text);
  if (!reading.ok) return undefined;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    path,
    savedAt: generationTime(name) ?? '',
    projects: reading.state.projects.length,
    workspaces: reading.state.workspaces.length,
    sessions: reading.state.sessions.length,
  };
}

/** The backups that parse and validate, newest first. */
export function goodBackups(dir: string): StateBackup[] {
  return generationFiles(dir)
    .map(readBackup)
    .filter((b): b is StateBackup => b !== undefined);
}

/** Pure: "2 projects, 5 workspaces, saved 2026-…" for messages. */
export function describeBackup(backup: StateBackup): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(backup.projects, 'project')}, ${n(backup.workspaces, 'workspace')}, saved ${backup.savedAt}`;
}

/**
 * Saves `text` (already validated by the caller) as the newest generation,
 * mode 0600, then removes all but the newest `keep`. Skips the write when
 * the newest generation already holds exactly this text.
 */
export function writeGeneration(dir: string, text: string, at = new Date(), keep = STATE_GENERATIONS): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [newest] = generationFiles(dir);
  let same = false;
  try {
    same = newest !== undefined && readFileSync(newest, 'utf8') === text;
  } catch {
    same = false;
  }
  // Two generations in the same millisecond share a name: the later one wins, which is the newer state.
  if (!same) writeFileAtomic(join(dir, generationName(at)), text, 0o600);
  for (const old of generationFiles(dir).slice(keep)) rmSync(old, { force: true });
}

/** Backups written by an older ff-agent (or copied in) may be readable by others: make them 0600. */
export function tightenBackups(dir: string): void {
  for (const path of generationFiles(dir)) {
    try {
      chmodSync(path, 0o600);
    } catch {
      // Not ours to change; the next generations are written 0600.
    }
  }
}
