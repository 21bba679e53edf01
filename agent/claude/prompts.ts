import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errorText } from '../../shared/error-text.js';
import { AgentError, type QuickAction } from '../../shared/protocol.js';
import { frameUntrusted, newBoundary, untrustedLine, untrustedNote } from './untrusted-text.js';

/**
 * Prompt templates: `{{name}}` placeholders filled with plain text. Values
 * are inserted as they are — a title like `{{body}}` or `$(reboot)` is just
 * text to Claude, never re-expanded — because replacement is one pass over
 * the template only.
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => vars[name] ?? '');
}

export interface IssueForPrompt {
  repo: string;
  branch: string;
  number: number;
  title: string;
  url: string;
  body?: string;
  labels?: string[];
  author?: string;
  authorAssociation?: string;
  comments?: Array<{ author: string; authorAssociation?: string; body: string; createdAt?: string }>;
}

/**
 * The issue's words (title, labels, body, comments) each go in a frame
 * they cannot close, under one random boundary per prompt.
 */
export function renderIssuePrompt(template: string, issue: IssueForPrompt, boundary = newBoundary()): string {
  const comments = (issue.comments ?? [])
    .map((c) =>
      frameUntrusted(
        `comment by @${c.author}${byline(c.authorAssociation, c.createdAt)}`,
        c.body || '(empty)',
        boundary,
      ),
    )
    .join('\n\n');
  return renderTemplate(template, {
    repo: issue.repo,
    branch: issue.branch,
    number: String(issue.number),
    url: untrustedLine(issue.url),
    dataNote: untrustedNote(boundary),
    title: frameUntrusted('title', issue.title, boundary, { oneLine: true }),
    labels: issue.labels?.length
      ? frameUntrusted('labels', issue.labels.map((l) => untrustedLine(l, 100)).join(', '), boundary, {
          oneLine: true,
        })
      : '(none)',
    body: issue.body?.trim()
      ? frameUntrusted(
          `issue #${issue.number} description${issue.author ? ` by @${issue.author}${byline(issue.authorAssociation)}` : ''}`,
          issue.body,
          boundary,
        )
      : '(no description)',
    comments: comments ? `\nComments:\n\n${comments}` : '',
  });
}

/** ` (MEMBER, 2026-01-01)`: how the author relates to the repo, and when. */
function byline(association?: string, at?: string): string {
  const parts = [association?.toUpperCase(), at].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

const Frontmatter = z.lazy(() =>
  z.object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'name must be lowercase letters, digits and dashes'),
    description: z.string().min(1).max(200),
    kind: z.literal('agent'),
    icon: z.string().max(40).optional(),
  }),
);

export type LoadedQuickAction = QuickAction & { prompt: string };

/** Parses one quick-action file: YAML frontmatter between `---` lines, then the prompt. */
export function parseQuickAction(
  text: string,
  source: QuickAction['source'],
  parseYaml: (text: string) => unknown,
): { action: LoadedQuickAction } | { error: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return { error: 'no frontmatter (the file must start with a --- block)' };
  let meta: unknown;
  try {
    meta = parseYaml(match[1]!);
  } catch (error) {
    return { error: `frontmatter is not valid YAML: ${errorText(error).split('\n')[0]}` };
  }
  const parsed = Frontmatter.safeParse(meta);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue?.path.join('.') || 'frontmatter'}: ${issue?.message}` };
  }
  const prompt = match[2]!.trim();
  if (!prompt) return { error: 'the prompt after the frontmatter is empty' };
  return { action: { ...parsed.data, source, prompt } };
}

/**
 * Built-in actions, then the user's (`FF_HOME/quick-actions/*.md`), which
 * replace built-ins of the same name. A broken file is reported and
 * skipped, never fatal.
 */
export type QuickActions = {
  actions: LoadedQuickAction[];
  problems: Array<{ file: string; reason: string }>;
};

/**
 * The YAML parser (250 KB, most of what a start would otherwise compile for quick actions alone)
 * loads with the first quick-action call. It is CommonJS: bundled, its chunk has only a default
 * export; run from source, named exports too.
 */
async function yamlParser(): Promise<(text: string) => unknown> {
  const yaml = await import('yaml');
  return (yaml.default ?? yaml).parse;
}

export async function loadQuickActions(builtinDir: string, userDir: string): Promise<QuickActions> {
  const parseYaml = await yamlParser();
  const byName = new Map<string, LoadedQuickAction>();
  const problems: Array<{ file: string; reason: string }> = [];
  for (const [dir, source] of [
    [builtinDir, 'builtin'],
    [userDir, 'user'],
  ] as const) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()) {
      const path = join(dir, file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        problems.push({ file: path, reason: errorText(error) });
        continue;
      }
      const result = parseQuickAction(text, source, parseYaml);
      if ('error' in result) problems.push({ file: path, reason: result.error });
      else byName.set(result.action.name, result.action);
    }
  }
  return { actions: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}

/** The quick action called `name`, or an error naming why it cannot run: broken (and how), or unknown (and what exists) — pure. */
export function findQuickAction({ actions, problems }: QuickActions, name: string): LoadedQuickAction {
  const action = actions.find((a) => a.name === name);
  if (action) return action;
  const broken = problems.find((p) => p.file.endsWith(`${name}.md`));
  throw new AgentError(
    'NOT_FOUND',
    broken
      ? `Quick action ${name} is broken (${broken.reason}).`
      : `No quick action ${JSON.stringify(name)}. Available: ${actions.map((a) => a.name).join(', ')}.`,
  );
}
