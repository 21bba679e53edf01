import type { Classification, PrSnapshot, RatchetState } from '../../shared/ratchet.js';
import { renderTemplate } from '../claude/prompts.js';

export type FixerTemplates = Record<'CI_FAILED' | 'MERGE_CONFLICT' | 'REVIEW_PENDING', string>;

/** The fixer's message for a state, from prompts/ratchet/*.md. */
export function renderFixerPrompt(
  templates: FixerTemplates,
  state: RatchetState,
  snapshot: PrSnapshot,
  classification: Classification,
  /** What failing check runs said (annotations, output), by CheckRun node id. */
  checkDetails: ReadonlyMap<string, string> = new Map(),
): string {
  const template = templates[state as keyof FixerTemplates];
  if (!template) throw new Error(`No fixer prompt for ${state}`);
  return renderTemplate(template, {
    number: String(snapshot.number),
    url: snapshot.url,
    branch: snapshot.headRefName,
    base: snapshot.baseRefName,
    head: snapshot.headRefOid.slice(0, 7),
    checks: classification.failingChecks
      .map((c) => {
        const line = `- ${c.name}: ${c.conclusion?.toLowerCase() ?? 'failed'}${c.url ? ` — ${c.url}` : ''}`;
        const details = c.nodeId ? checkDetails.get(c.nodeId) : undefined;
        return details ? `${line}\n${details.replace(/^/gm, '    ')}` : line;
      })
      .join('\n'),
    changesRequested: classification.changesRequestedBy.length
      ? `Changes were requested by ${classification.changesRequestedBy.map((a) => `@${a}`).join(', ')}.\n`
      : '',
    comments: classification.reviewComments
      .map(
        (c) => `@${c.author}${c.path ? ` on ${c.path}${c.line ? `:${c.line}` : ''}` : ''}:\n${c.body.trim()}`,
      )
      .join('\n\n'),
  });
}
