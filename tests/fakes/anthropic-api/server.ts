/**
 * A scripted Anthropic Messages API on 127.0.0.1, speaking the real wire
 * format (SSE with message_start / content_block_* / message_delta /
 * message_stop) so the real `claude` CLI can run against it via
 * ANTHROPIC_BASE_URL. Tests decide each reply with a function of the
 * request; every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from '../loopback.js';

export interface ApiMessage {
  role: 'user' | 'assistant' | 'system';
  content:
    | string
    | Array<{ type: string; text?: string; tool_use_id?: string; content?: unknown; [k: string]: unknown }>;
}

export interface ApiRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    stream?: boolean;
    messages?: ApiMessage[];
    system?: unknown;
    tools?: Array<{ name: string }>;
    [k: string]: unknown;
  };
  /** Claude's session id header: tells concurrent sessions apart. */
  sessionId: string | undefined;
  receivedAt: number;
}

/**
 * What a reply says it used: input and cache tokens as `message_start` carries them (the CLI
 * shows them on its assistant line as the call starts), output tokens as the closing
 * `message_delta` does. The CLI prices a call from these (so a test can make one cost dollars).
 */
export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export type Reply = (
  | { text: string; chunkSize?: number; delayMs?: number }
  | { toolUse: { name: string; input: Record<string, unknown> }; text?: string }
  | { error: number; message?: string; retryAfter?: number }
  /** Streams text slowly: `chunks` pieces, `delayMs` apart (for interrupts). */
  | { slow: string[]; delayMs: number }
) & { usage?: Usage };

export type Responder = (request: ApiRequest, api: FakeAnthropicApi) => Reply | Promise<Reply>;

/**
 * What the user typed last: the last text block of the last user message.
 * The CLI puts its own `<system-reminder>` blocks before it; those are skipped.
 */
export function lastUserText(request: ApiRequest): string {
  const messages = (request.body.messages ?? []).filter((m) => m.role === 'user');
  const last = messages.at(-1);
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  const texts = last.content
    .filter(
      (block) => block.type === 'text' && !(block.text ?? '').trimStart().startsWith('<system-reminder>'),
    )
    .map((block) => block.text ?? '');
  return texts.at(-1) ?? '';
}

/** True when the last message carries tool results (the model is being told what its tool did). */
export function isToolResultTurn(request: ApiRequest): boolean {
  const last = (request.body.messages ?? []).filter((m) => m.role !== 'system').at(-1);
  return Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
}

export function toolResults(request: ApiRequest): Array<{ content: unknown; is_error?: unknown }> {
  const last = (request.body.messages ?? []).at(-1);
  return Array.isArray(last?.content)
    ? last.content
        .filter((b) => b.type === 'tool_result')
        .map((b) => ({ content: b.content, is_error: b.is_error }))
    : [];
}

/** All text of the conversation so far (every message), for assertions about history. */
export function conversationText(request: ApiRequest): string {
  return (request.body.messages ?? [])
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : m.content.map((b) => b.text ?? JSON.stringify(b.content ?? '')).join(' '),
    )
    .join('\n');
}

export class FakeAnthropicApi {
  readonly requests: ApiRequest[] = [];
  responder: Responder;
  #server: Server;
  #port = 0;
  #nextId = 1;

  constructor(responder: Responder = (request) => ({ text: `You said: ${lastUserText(request)}` })) {
    this.responder = responder;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Requests of the main conversation (the ones that carry tools), not side calls. */
  get conversationRequests(): ApiRequest[] {
    return this.requests.filter((r) => (r.body.tools?.length ?? 0) > 0);
  }

  async start(): Promise<this> {
    this.#port = await listenOnLoopback(this.#server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.#server);
  }

  /** Env for a `claude` process that talks to this server. */
  env(): Record<string, string> {
    return {
      ANTHROPIC_BASE_URL: this.url,
      ANTHROPIC_API_KEY: 'sk-ant-fake-key-for-tests',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'HEAD' || req.method === 'GET') {
      res.writeHead(200);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let body: ApiRequest['body'] = {};
    try {
      body = JSON.parse(text || '{}');
    } catch {
      // keep {}
    }
    if (url.pathname.endsWith('/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: 10 }));
      return;
    }
    const request: ApiRequest = {
      path: url.pathname,
      headers: req.headers,
      body,
      sessionId: req.headers['x-claude-code-session-id'] as string | undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    const reply = await this.responder(request, this);
    if ('error' in reply) {
      res.writeHead(reply.error, {
        'content-type': 'application/json',
        ...(reply.retryAfter !== undefined ? { 'retry-after': String(reply.retryAfter) } : {}),
      });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: 'api_error', message: reply.message ?? 'scripted error' },
        }),
      );
      return;
    }
    const model = body.model ?? 'claude-sonnet-4-5';
    const id = `msg_fake_${this.#nextId++}`;
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const content =
        'toolUse' in reply
          ? [{ type: 'tool_use', id: `toolu_${id}`, name: reply.toolUse.name, input: reply.toolUse.input }]
          : [{ type: 'text', text: 'slow' in reply ? reply.slow.join('') : reply.text }];
      res.end(
        JSON.stringify({
          id,
          type: 'message',
          role: 'assistant',
          model,
          content,
          stop_reason: 'toolUse' in reply ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 5 },
        }),
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    send('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: reply.usage?.input_tokens ?? 10,
          output_tokens: 1,
          cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? 0,
          cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? 0,
        },
      },
    });
    let index = 0;
    const textBlock = async (text: string, pieces: string[], delayMs: number) => {
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      for (const piece of pieces) {
        if (closed) return;
        send('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: piece },
        });
        if (delayMs) await sleep(delayMs);
      }
      send('content_block_stop', { type: 'content_block_stop', index });
      index++;
      return text;
    };
    let stopReason = 'end_turn';
    if ('slow' in reply) {
      await textBlock(reply.slow.join(''), reply.slow, reply.delayMs);
    } else if ('toolUse' in reply) {
      if (reply.text) await textBlock(reply.text, [reply.text], 0);
      const json = JSON.stringify(reply.toolUse.input);
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: `toolu_${id}`, name: reply.toolUse.name, input: {} },
      });
      const half = Math.ceil(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        send('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: part },
        });
      }
      send('content_block_stop', { type: 'content_block_stop', index });
      stopReason = 'tool_use';
    } else {
      const size = reply.chunkSize ?? 8;
      const pieces = [];
      for (let i = 0; i < reply.text.length; i += size) pieces.push(reply.text.slice(i, i + size));
      await textBlock(reply.text, pieces.length ? pieces : [''], reply.delayMs ?? 0);
    }
    if (closed) return;
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: reply.usage?.output_tokens ?? 12 },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }
}
