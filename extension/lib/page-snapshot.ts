/**
 * What an extension page showed last — the workspace page per workspace,
 * the fleet page — in the extension's localStorage, so a page opened (or
 * reloaded) while the agent is away still shows its last known content,
 * read-only, under the banner that says why. Each kind keeps its newest
 * `KEEP` entries; one that does not fit the origin's quota is not kept.
 *
 * Only the pages write these keys, from answers the worker checked against
 * their schemas; the reader checks what it hands back is a record (the page
 * checks the fields it reads), and anything else is no snapshot.
 */
const PREFIX = 'ff.page.';
const KEEP = 10;

export type Snapshot = Record<string, unknown>;

const isRecord = (value: unknown): value is Snapshot =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readIndex(kind: string, storage: Storage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(`${PREFIX}${kind}`) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function readPageSnapshot(
  kind: string,
  id: string,
  storage: Storage = localStorage,
): Snapshot | undefined {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(`${PREFIX}${kind}.${id}`) ?? 'null');
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writePageSnapshot(
  kind: string,
  id: string,
  snapshot: Snapshot,
  storage: Storage = localStorage,
): void {
  const ids = [id, ...readIndex(kind, storage).filter((known) => known !== id)];
  try {
    storage.setItem(`${PREFIX}${kind}.${id}`, JSON.stringify(snapshot));
    for (const old of ids.slice(KEEP)) storage.removeItem(`${PREFIX}${kind}.${old}`);
    storage.setItem(`${PREFIX}${kind}`, JSON.stringify(ids.slice(0, KEEP)));
  } catch {
    // Over quota: this page's last state is not kept; opened while the agent is away, it waits for it.
    storage.removeItem(`${PREFIX}${kind}.${id}`);
  }
}

/** A list from a snapshot: the stored array, or empty when it holds something else. */
export function listFrom<T>(snapshot: Snapshot | undefined, field: string): T[] {
  const value = snapshot?.[field];
  return Array.isArray(value) ? value : [];
}

/**
 * A record from a snapshot whose `id` is `id` (a workspace, …), else
 * undefined. Its fields are the page's own writing (see above): typed as
 * what the page wrote, not checked field by field.
 */
export function recordFrom<T extends { id: string }>(
  snapshot: Snapshot | undefined,
  field: string,
  id: string,
): T | undefined {
  const value = snapshot?.[field];
  return isRecord(value) && value.id === id ? (value as T) : undefined;
}

/**
 * At most `max` characters from the end of `text` (a terminal's output),
 * starting at a line so no escape sequence is cut in two; a last line longer
 * than `max` is not kept.
 */
export function lastLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = text.slice(-max);
  const line = tail.indexOf('\n');
  return line === -1 ? '' : tail.slice(line + 1);
}
