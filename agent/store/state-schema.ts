import { z } from 'zod';
import { Project, Session, Settings, Workspace } from '../../shared/domain.js';

/** The shape of `state.json`, its migrations, and reading its text: pure, no files. */
export const STATE_VERSION = 1;

export const StateSchema = z.object({
  version: z.literal(STATE_VERSION),
  projects: z.array(Project).default([]),
  workspaces: z.array(Workspace).default([]),
  sessions: z.array(Session).default([]),
  settings: Settings.default(Settings.parse({})),
});
export type State = z.infer<typeof StateSchema>;

export function emptyState(): State {
  return StateSchema.parse({ version: STATE_VERSION });
}

/**
 * Migrations, keyed by the version they upgrade *from*. Each takes the raw
 * JSON of that version and returns the raw JSON of the next. Version 0 is a
 * file without a `version` field.
 */
export const migrations: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  0: (raw) => ({ ...raw, version: 1 }),
};

export class StateVersionError extends Error {}

/** Pure: raw JSON of any known version → the current state, or a clear error. */
export function migrateState(raw: unknown, target = STATE_VERSION): State {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StateVersionError('state.json does not hold a JSON object');
  }
  let current = raw as Record<string, unknown>;
  let version = typeof current.version === 'number' ? current.version : 0;
  if (version > target) {
    throw new StateVersionError(
      `state.json was written by a newer ff-agent (schema v${version}, this one knows v${target}). Upgrade ff-agent.`,
    );
  }
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new StateVersionError(`No migration from state schema v${version}`);
    current = step(current);
    version++;
  }
  const parsed = StateSchema.safeParse(current);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new StateVersionError(`state.json does not match schema v${target}: ${where}${issue?.message}`);
  }
  return parsed.data;
}

export type StateReading =
  | { ok: true; state: State }
  /** `newer`: written by a newer ff-agent — not damage, and no backup of this version helps. */
  | { ok: false; newer: boolean; reason: string };

/** Pure: the text of a state file → its state, or why it cannot be used (in words a person can act on). */
export function readStateText(text: string): StateReading {
  if (text.trim() === '') return { ok: false, newer: false, reason: 'it is empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      newer: false,
      reason: `it is not valid JSON (${(error as Error).message.split('\n')[0]})`,
    };
  }
  try {
    return { ok: true, state: migrateState(raw) };
  } catch (error) {
    const message = (error as Error).message;
    const newer = /newer ff-agent/.test(message);
    return { ok: false, newer, reason: newer ? message : message.replace(/^state\.json /, 'it ') };
  }
}
