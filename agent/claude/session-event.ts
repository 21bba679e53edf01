import { classifyClaudeJson } from '../../shared/claude-messages.js';
import { SessionEvent } from '../../shared/protocol.js';
import { toEntries } from '../../shared/transcript-entry.js';

/** A session event as ff appends it: its data without the time stamp the transcript adds. */
export type EventData = SessionEvent extends infer E
  ? E extends { ts: string }
    ? Omit<E, 'ts'>
    : never
  : never;
/** What ff appends for itself; a CLI line is appended raw instead (`{kind: 'claude', line}`), for resume and debugging. */
export type OwnEventData = Exclude<EventData, { kind: 'claude' }>;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A transcript line as clients get it — pure: a stored CLI line becomes its
 * typed entries here, at read time, so transcripts written before entries
 * existed replay like new ones. What the file holds is checked, not trusted:
 * a line that is neither a CLI line nor a valid event of ff's own (edited by
 * hand, written by a future version) is shown as an unreadable notice with
 * its text, never dropped and never passed on unchecked.
 */
export function sessionEventOf(data: unknown, ts: string): SessionEvent {
  if (isRecord(data) && data.kind === 'claude' && 'line' in data)
    return { kind: 'claude', ts, entries: toEntries(classifyClaudeJson(data.line)) };
  if (isRecord(data) && data.kind !== 'claude') {
    const checked = SessionEvent.safeParse({ ...data, ts });
    if (checked.success) return checked.data;
  }
  const text = JSON.stringify(data) ?? String(data);
  return { kind: 'claude', ts, entries: toEntries({ kind: 'malformed', text }) };
}
