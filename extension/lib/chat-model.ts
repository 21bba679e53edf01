/**
 * Transcript events → what the chat shows. Pure (table-tested with events
 * recorded from the real CLI): user turns, assistant text, tool calls with
 * their key argument and (truncated) result, permission requests and
 * status lines, in order.
 */
import type { SessionEvent } from '../../shared/protocol.js';
import { SUMMARY_KEYS, toolSummary } from '../../shared/tool-summary.js';

export { toolSummary };

export type ChatItem =
  | { kind: 'user'; seq: number; text: string; queued: boolean; delivered: boolean }
  | { kind: 'assistant'; seq: number; text: string }
  | {
      kind: 'tool';
      seq: number;
      id: string;
      name: string;
      summary: string;
      result?: string;
      isError?: boolean;
      resultLength?: number;
      /** From the call to its result, by the transcript's time stamps. */
      durationMs?: number;
      startedAt?: string;
    }
  | {
      kind: 'permission';
      seq: number;
      requestId: string;
      toolName: string;
      summary: string;
      /** The whole input, as indented JSON (cut at PERMISSION_INPUT_PREVIEW): what you allow or deny. */
      input: string;
      answered?: boolean;
      allowed?: boolean;
    }
  | { kind: 'status'; seq: number; status: string; detail?: string }
  | { kind: 'result'; seq: number; ok: boolean; costUsd?: number; text?: string }
  | { kind: 'other'; seq: number; text: string };

export const RESULT_PREVIEW = 2000;
export const PERMISSION_INPUT_PREVIEW = 4000;

function inputPreview(input: unknown): string {
  const json = JSON.stringify(input, null, 2) ?? '';
  return json.length > PERMISSION_INPUT_PREVIEW ? `${json.slice(0, PERMISSION_INPUT_PREVIEW)}…` : json;
}

type Block = {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
  /** The full length of a tool result that slimEvent cut to its preview. */
  content_length?: number;
};

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((c) => (typeof c === 'object' && c && 'text' in c ? String((c as Block).text) : JSON.stringify(c)))
      .join('\n');
  return content === undefined ? '' : JSON.stringify(content);
}

/**
 * The part of an event the chat shows — pure. A CLI line carries much more
 * (usage, uuids, the tool's full input and output twice over); the popup
 * keeps and caches thousands of events, so it keeps only this: what
 * toChatItems reads, with tool inputs cut to their summary and tool results
 * to their preview (and their full length).
 */
export function slimEvent<E extends SessionEvent>(event: E): E {
  if (event.kind !== 'claude') return event;
  const line = event.line as Record<string, unknown> & { message?: { content?: unknown } };
  const slim: Record<string, unknown> = {};
  for (const key of ['type', 'subtype', 'is_error', 'total_cost_usd', 'result', 'text'])
    if (line[key] !== undefined) slim[key] = line[key];
  if (Array.isArray(line.message?.content))
    slim.message = { content: (line.message.content as Block[]).map(slimBlock) };
  return { ...event, line: slim };
}

function slimBlock(block: Block): Block {
  switch (block.type) {
    case 'text':
      return { type: 'text', ...(block.text !== undefined ? { text: block.text } : {}) };
    case 'tool_use': {
      const input = (block.input ?? {}) as Record<string, unknown>;
      const key = SUMMARY_KEYS.find((k) => typeof input[k] === 'string');
      return {
        type: 'tool_use',
        ...(block.id ? { id: block.id } : {}),
        ...(block.name ? { name: block.name } : {}),
        input: key ? { [key]: input[key] } : toolSummary(input),
      };
    }
    case 'tool_result': {
      const full = resultText(block.content);
      return {
        type: 'tool_result',
        ...(block.tool_use_id ? { tool_use_id: block.tool_use_id } : {}),
        content: full.slice(0, RESULT_PREVIEW),
        content_length: full.length,
        ...(block.is_error ? { is_error: true } : {}),
      };
    }
    default:
      return { type: block.type };
  }
}

export function toChatItems(events: ReadonlyArray<SessionEvent & { seq: number }>): ChatItem[] {
  const items: ChatItem[] = [];
  const tools = new Map<string, Extract<ChatItem, { kind: 'tool' }>>();
  const users = new Map<string, Extract<ChatItem, { kind: 'user' }>>();
  const permissions = new Map<string, Extract<ChatItem, { kind: 'permission' }>>();
  for (const event of events) {
    switch (event.kind) {
      case 'user': {
        const item = {
          kind: 'user' as const,
          seq: event.seq,
          text: event.text,
          queued: event.queued,
          delivered: !event.queued,
        };
        users.set(event.messageId, item);
        items.push(item);
        break;
      }
      case 'delivered': {
        const user = users.get(event.messageId);
        if (user) user.delivered = true;
        break;
      }
      case 'status':
        if (['crashed', 'interrupted', 'exited'].includes(event.status)) {
          items.push({
            kind: 'status',
            seq: event.seq,
            status: event.status,
            ...(event.detail ? { detail: event.detail } : {}),
          });
        }
        break;
      case 'permission': {
        const item = {
          kind: 'permission' as const,
          seq: event.seq,
          requestId: event.request.requestId,
          toolName: event.request.toolName,
          summary: toolSummary(event.request.input),
          input: inputPreview(event.request.input),
        };
        permissions.set(item.requestId, item);
        items.push(item);
        break;
      }
      case 'permission-answer': {
        const item = permissions.get(event.requestId);
        if (item) {
          item.answered = true;
          item.allowed = event.allow;
        }
        break;
      }
      case 'claude': {
        const line = event.line as {
          type?: string;
          subtype?: string;
          message?: { content?: unknown };
          is_error?: boolean;
          total_cost_usd?: number;
          result?: string;
          text?: string;
        };
        if (line.type === 'assistant' && Array.isArray(line.message?.content)) {
          for (const block of line.message.content as Block[]) {
            if (block.type === 'text' && block.text)
              items.push({ kind: 'assistant', seq: event.seq, text: block.text });
            if (block.type === 'tool_use' && block.id) {
              const tool = {
                kind: 'tool' as const,
                seq: event.seq,
                id: block.id,
                name: block.name ?? 'tool',
                summary: toolSummary(block.input),
                ...(event.ts ? { startedAt: event.ts } : {}),
              } as Extract<ChatItem, { kind: 'tool' }>;
              tools.set(block.id, tool);
              items.push(tool);
            }
          }
        } else if (line.type === 'user' && Array.isArray(line.message?.content)) {
          for (const block of line.message.content as Block[]) {
            const tool =
              block.type === 'tool_result' && block.tool_use_id ? tools.get(block.tool_use_id) : undefined;
            if (!tool) continue;
            const full = resultText(block.content);
            tool.result = full.slice(0, RESULT_PREVIEW);
            tool.resultLength = block.content_length ?? full.length;
            tool.isError = Boolean(block.is_error);
            const took = Date.parse(event.ts) - Date.parse(tool.startedAt ?? '');
            if (Number.isFinite(took) && took >= 0) tool.durationMs = took;
          }
        } else if (line.type === 'result') {
          items.push({
            kind: 'result',
            seq: event.seq,
            ok: !line.is_error && line.subtype === 'success',
            ...(line.total_cost_usd !== undefined ? { costUsd: line.total_cost_usd } : {}),
            ...(line.is_error && line.result ? { text: line.result } : {}),
          });
        } else if (
          line.type === 'malformed' ||
          (line.type &&
            !['system', 'stream_event', 'control_request', 'control_response'].includes(line.type))
        ) {
          items.push({
            kind: 'other',
            seq: event.seq,
            text: line.type === 'malformed' ? String(line.text) : `(${line.type})`,
          });
        }
        break;
      }
    }
  }
  return items;
}

/** What a session is doing, in a line — pure: the tool it runs now, else its last words. */
export function currentActivity(items: readonly ChatItem[]): { tool?: string; text?: string } {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === 'tool' && item.result === undefined)
      return { tool: `${item.name}${item.summary ? ` ${item.summary}` : ''}` };
    if (item.kind === 'assistant') {
      const text = item.text.replace(/\s+/g, ' ').trim();
      return { text: text.length > 200 ? `${text.slice(0, 200)}…` : text };
    }
  }
  return {};
}
