/**
 * Session events → what the chat shows. Pure (table-tested with events
 * recorded from the real CLI): user turns, assistant text, tool calls with
 * their key argument and (truncated) result, permission requests and
 * status lines, in order. It reads the agent's typed entries
 * (shared/transcript-entry.ts) and pairs each tool call with its result;
 * it knows nothing of the CLI's own lines.
 */
import type { SessionEvent } from '../../shared/protocol.js';
import { toolSummary } from '../../shared/tool-summary.js';

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
  /** An attempt the session's sandbox stopped ("write to ~/.bashrc"). */
  | { kind: 'blocked'; seq: number; what: string }
  | { kind: 'result'; seq: number; ok: boolean; costUsd?: number; text?: string }
  | { kind: 'other'; seq: number; text: string };

export const PERMISSION_INPUT_PREVIEW = 4000;

function inputPreview(input: unknown): string {
  const json = JSON.stringify(input, null, 2) ?? '';
  return json.length > PERMISSION_INPUT_PREVIEW ? `${json.slice(0, PERMISSION_INPUT_PREVIEW)}…` : json;
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
        if (['crashed', 'interrupted', 'exited', 'failed'].includes(event.status)) {
          items.push({
            kind: 'status',
            seq: event.seq,
            status: event.status,
            ...(event.detail ? { detail: event.detail } : {}),
          });
        }
        break;
      case 'blocked':
        items.push({ kind: 'blocked', seq: event.seq, what: event.what });
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
      case 'claude':
        for (const entry of event.entries ?? []) {
          switch (entry.type) {
            case 'assistant-text':
              items.push({ kind: 'assistant', seq: event.seq, text: entry.text });
              break;
            case 'tool-call': {
              const tool: Extract<ChatItem, { kind: 'tool' }> = {
                kind: 'tool',
                seq: event.seq,
                id: entry.id,
                name: entry.name,
                summary: entry.summary,
                ...(event.ts ? { startedAt: event.ts } : {}),
              };
              tools.set(entry.id, tool);
              items.push(tool);
              break;
            }
            case 'tool-result': {
              const tool = tools.get(entry.toolId);
              if (!tool) break;
              tool.result = entry.preview;
              tool.resultLength = entry.length;
              tool.isError = entry.status === 'error';
              const took = Date.parse(event.ts) - Date.parse(tool.startedAt ?? '');
              if (Number.isFinite(took) && took >= 0) tool.durationMs = took;
              break;
            }
            case 'result':
              items.push({
                kind: 'result',
                seq: event.seq,
                ok: entry.ok,
                ...(entry.costUsd !== undefined ? { costUsd: entry.costUsd } : {}),
                ...(entry.isError && entry.text ? { text: entry.text } : {}),
              });
              break;
            case 'notice':
              // What ff could not read is shown as it came; the session's own notices are not chat.
              if (entry.notice === 'unreadable' || entry.notice === 'unknown')
                items.push({
                  kind: 'other',
                  seq: event.seq,
                  text: entry.notice === 'unreadable' ? entry.text : `(${entry.text})`,
                });
              break;
            case 'user-text':
              break; // the user's own words are their `user` event
          }
        }
        break;
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
