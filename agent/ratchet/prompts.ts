import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Classification,
  FIXABLE_STATES,
  type PrSnapshot,
  type RatchetState,
  type ReviewThread,
} from '../../shared/ratchet.js';
import { renderTemplate } from '../claude/prompts.js';
import { frameUntrusted, newBoundary, untrustedLine, untrustedNote } from '../claude/untrusted-text.js';

/** One review thread for the fixer: its id, where it is, and every comment (each framed as data). */
export function renderThread(thread: ReviewThread, boundary: string): string {
  const where = thread.path
    ? untrustedLine(`${thread.path}${thread.line ? `:${thread.line}` : ''}`)
    : 'the pull request';
  const comments = thread.comments
    .map((c) => frameUntrusted(`@${c.author} wrote`, c.body || '(empty)', boundary))
    .join('\n');
  return `Thread ${untrustedLine(thread.id ?? '', 100)} — ${where}\n${comments}\n`;
}

/** The fixer's prompt template of each fixable state. */
export type FixerTemplates = Partial<Record<RatchetState, string>>;

/** Each fixable state's template, read from the file its descriptor names under `<promptsDir>/ratchet/`. */
export function loadFixerTemplates(promptsDir: string): FixerTemplates {
  return Object.fromEntries(
    FIXABLE_STATES.map((fix) => [fix.state, readFileSync(join(promptsDir, 'ratchet', fix.prompt), 'utf8')]),
  );
}

/**
 * The fixer's message for a state, from prompts/ratchet/*.md. Everything
 * GitHub said (check names and output, reviewers' comments) goes in frames
 * under one random boundary per prompt.
 */
export function renderFixerPrompt(
  templates: FixerTemplates,
  state: RatchetState,
  snapshot: PrSnapshot,
  classification: Classification,
  /** What failing check runs said (annotations, output), by CheckRun node id. */
  checkDetails: ReadonlyMap<string, string> = new Map(),
  boundary = newBoundary(),
): string {
  const template = templates[state];
  if (!template) throw new Error(`No fixer prompt for ${state}`);
  return renderTemplate(template, {
    number: String(snapshot.number),
    url: untrustedLine(snapshot.url),
    branch: untrustedLine(snapshot.headRefName),
    base: untrustedLine(snapshot.baseRefName),
    head: snapshot.headRefOid.slice(0, 7),
    dataNote: untrustedNote(boundary),
    checks: classification.failingChecks
      .map((c) => {
        const name = frameUntrusted('check', c.name, boundary, { oneLine: true, maxChars: 200 });
        const line = `- ${name}: ${c.conclusion?.toLowerCase() ?? 'failed'}${c.url ? ` — ${untrustedLine(c.url)}` : ''}`;
        const details = c.nodeId ? checkDetails.get(c.nodeId) : undefined;
        return details
          ? `${line}\n${frameUntrusted('what it reported', details, boundary, { maxChars: 30_000 })}`
          : line;
      })
      .join('\n'),
    changesRequested: classification.changesRequestedBy.length
      ? `Changes were requested by ${classification.changesRequestedBy.map((a) => `@${untrustedLine(a, 60)}`).join(', ')}.\n`
      : '',
    threads: classification.threads
      .filter((t) => t.id)
      .map((t) => renderThread(t, boundary))
      .join('\n'),
    // Threads from old snapshots have no id: their comments, as before.
    comments: classification.threads
      .filter((t) => !t.id)
      .flatMap((t) => t.comments)
      .map((c) =>
        frameUntrusted(
          `@${c.author}${c.authorAssociation ? ` (${c.authorAssociation})` : ''}${c.path ? ` on ${c.path}${c.line ? `:${c.line}` : ''}` : ''}`,
          c.body || '(empty)',
          boundary,
        ),
      )
      .join('\n'),
  });
}
