/**
 * What a Claude CLI line says, as typed entries: the one place ff interprets
 * stream-json (after shared/claude-messages.ts classifies it). The agent
 * turns each line into entries — live as it reads it, and from the raw line
 * kept in the transcript when it replays history — and clients (CLI `session
 * log`, popup, workspace page, PR panel) render entries only, never a CLI
 * line. Modelled on vibe-kanban's normalized log entries.
 *
 * Extension code imports the types only (`import type`): this module's zod
 * schema stays out of the popup's bundle.
 *
 * Permission requests are not entries of a line: the agent publishes them as
 * their own `permission` session events (with the whole input and, later,
 * the answer), see shared/protocol.ts `SessionEvent`.
 */
import { z } from 'zod';
import type { ClaudeLine } from './claude-messages.js';
import { toolSummary } from './tool-summary.js';

/** How much of a tool's result an entry keeps (the chat shows this, and the full length). */
export const RESULT_PREVIEW = 2000;
/** How much of a tool call's input (as JSON) an entry keeps: its summary says what matters. */
export const TOOL_INPUT_PREVIEW = 500;
/** A summary longer than this (a long shell command) is cut. */
const SUMMARY_MAX = 1000;
/** How much of a line ff cannot read an entry keeps. */
const NOTICE_PREVIEW = 2000;

export const ClaudeEntry = z.lazy(() =>
  z.discriminatedUnion('type', [
    /** Text Claude's CLI echoed as the user's (a slash command's output, a sub-agent's prompt). */
    z.object({ type: z.literal('user-text'), text: z.string() }),
    z.object({ type: z.literal('assistant-text'), text: z.string() }),
    z.object({
      type: z.literal('tool-call'),
      id: z.string(),
      name: z.string(),
      /** The argument that says what it does (its command, file, pattern…), shared/tool-summary.ts. */
      summary: z.string(),
      /** The input as JSON, cut at TOOL_INPUT_PREVIEW. */
      input: z.string(),
    }),
    z.object({
      type: z.literal('tool-result'),
      toolId: z.string(),
      status: z.enum(['ok', 'error']),
      /** The result as text, cut at RESULT_PREVIEW. */
      preview: z.string(),
      /** The whole result's length. */
      length: z.number().int().nonnegative(),
    }),
    /** A turn ended. `ok`: it finished (not an error, not interrupted, not out of turns). */
    z.object({
      type: z.literal('result'),
      ok: z.boolean(),
      subtype: z.string(),
      isError: z.boolean(),
      costUsd: z.number().optional(),
      turns: z.number().optional(),
      durationMs: z.number().optional(),
      /** The turn's final text (or the error), whole: the ratchet reads the fixer's verdicts from it. */
      text: z.string().optional(),
    }),
    /**
     * Something about the session rather than the conversation: `init` (text:
     * Claude's session id, with the model), `compacted` (the context was
     * summarized), `system` (another system line; text: its subtype),
     * `unknown` (JSON of a type ff does not model; text: its type, detail: the
     * JSON, cut) and `unreadable` (not JSON; text: the line, cut).
     */
    z.object({
      type: z.literal('notice'),
      notice: z.enum(['init', 'compacted', 'system', 'unknown', 'unreadable']),
      text: z.string(),
      model: z.string().optional(),
      detail: z.string().optional(),
    }),
  ]),
);
export type ClaudeEntry = z.infer<typeof ClaudeEntry>;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** A tool result's content as text: strings as they are, text blocks by their text, anything else as JSON. */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((c) =>
        typeof c === 'object' && c !== null && 'text' in c
          ? String((c as { text: unknown }).text)
          : JSON.stringify(c),
      )
      .join('\n');
  return content === undefined ? '' : (JSON.stringify(content) ?? '');
}

/** The entries one classified CLI line holds, in order — pure. Lines that say nothing to a reader (stream and control traffic) hold none. */
export function toEntries(line: ClaudeLine): ClaudeEntry[] {
  switch (line.kind) {
    case 'init':
      return [
        {
          type: 'notice',
          notice: 'init',
          text: line.session_id,
          ...(line.model ? { model: line.model } : {}),
        },
      ];
    case 'system':
      return [
        line.subtype === 'compact_boundary'
          ? { type: 'notice', notice: 'compacted', text: 'context compacted' }
          : { type: 'notice', notice: 'system', text: line.subtype },
      ];
    case 'assistant':
      return line.message.content.flatMap((block): ClaudeEntry[] => {
        if (block.type === 'text' && typeof block.text === 'string' && block.text)
          return [{ type: 'assistant-text', text: block.text }];
        if (block.type === 'tool_use' && typeof block.id === 'string') {
          const input = block.input;
          return [
            {
              type: 'tool-call',
              id: block.id,
              name: typeof block.name === 'string' ? block.name : 'tool',
              summary: cut(toolSummary(input), SUMMARY_MAX),
              input: cut(JSON.stringify(input) ?? '', TOOL_INPUT_PREVIEW),
            },
          ];
        }
        return [];
      });
    case 'user': {
      const content = line.message.content;
      if (typeof content === 'string') return content ? [{ type: 'user-text', text: content }] : [];
      return content.flatMap((block): ClaudeEntry[] => {
        if (block.type === 'text' && typeof block.text === 'string' && block.text)
          return [{ type: 'user-text', text: block.text }];
        if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
          const text = resultText(block.content);
          return [
            {
              type: 'tool-result',
              toolId: block.tool_use_id,
              status: block.is_error ? 'error' : 'ok',
              preview: text.slice(0, RESULT_PREVIEW),
              length: text.length,
            },
          ];
        }
        return [];
      });
    }
    case 'result':
      return [
        {
          type: 'result',
          ok: !line.is_error && line.subtype === 'success',
          subtype: line.subtype,
          isError: Boolean(line.is_error),
          ...(line.total_cost_usd !== undefined ? { costUsd: line.total_cost_usd } : {}),
          ...(line.num_turns !== undefined ? { turns: line.num_turns } : {}),
          ...(line.duration_ms !== undefined ? { durationMs: line.duration_ms } : {}),
          ...(line.result !== undefined ? { text: line.result } : {}),
        },
      ];
    case 'malformed':
      return [{ type: 'notice', notice: 'unreadable', text: cut(line.text, NOTICE_PREVIEW) }];
    case 'unknown': {
      const type = (line.json as { type?: unknown } | null)?.type;
      return [
        {
          type: 'notice',
          notice: 'unknown',
          text: typeof type === 'string' ? type : 'unknown',
          detail: cut(JSON.stringify(line.json) ?? '', NOTICE_PREVIEW),
        },
      ];
    }
    case 'control_request':
    case 'control_response':
    case 'stream_event':
      return [];
  }
}
