/**
 * What the Claude Code CLI prints in `--output-format stream-json`: one JSON
 * object per line. Modelled on the Agent SDK's message types — one union,
 * discriminated by `type` (and `subtype` for system lines) — with two extra
 * members so nothing is ever dropped: `unknown` (JSON of a type we do not
 * model) and `malformed` (not JSON at all). Known lines keep every field
 * they came with (loose objects), so the transcript is the CLI's own output.
 *
 * Shared: the agent parses lines with it, the extension renders from it.
 */
import { z } from 'zod';

export const TextBlock = z.lazy(() => z.looseObject({ type: z.literal('text'), text: z.string() }));
export const ToolUseBlock = z.lazy(() =>
  z.looseObject({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
  }),
);
export const ToolResultBlock = z.lazy(() =>
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.unknown().optional(),
    is_error: z.boolean().optional(),
  }),
);
export const ContentBlock = z.lazy(() =>
  z.union([TextBlock, ToolUseBlock, ToolResultBlock, z.looseObject({ type: z.string() })]),
);
export type ContentBlock = z.infer<typeof ContentBlock>;

export const SystemInit = z.lazy(() =>
  z.looseObject({
    type: z.literal('system'),
    subtype: z.literal('init'),
    session_id: z.string(),
    cwd: z.string().optional(),
    model: z.string().optional(),
    permissionMode: z.string().optional(),
    tools: z.array(z.string()).optional(),
  }),
);

export const SystemOther = z.lazy(() =>
  z.looseObject({
    type: z.literal('system'),
    subtype: z.string(),
  }),
);

/** Tokens an API call used, as the CLI reports them (the cost of a running turn is estimated from them). */
export const Usage = z.lazy(() =>
  z.looseObject({
    input_tokens: z.number().nullish(),
    output_tokens: z.number().nullish(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  }),
);
export type Usage = z.infer<typeof Usage>;

export const AssistantLine = z.lazy(() =>
  z.looseObject({
    type: z.literal('assistant'),
    message: z.looseObject({
      content: z.array(ContentBlock),
      /** The API message: a call's blocks come on lines of their own, each with the call's id and usage. */
      id: z.string().optional(),
      model: z.string().optional(),
      usage: Usage.nullish(),
    }),
    session_id: z.string().optional(),
    parent_tool_use_id: z.string().nullable().optional(),
    /** Set on a message the CLI made up to report a failed API call (e.g. `authentication_failed`), not the model's. */
    error: z.string().optional(),
    is_api_error_message: z.boolean().optional(),
  }),
);

export const UserLine = z.lazy(() =>
  z.looseObject({
    type: z.literal('user'),
    message: z.looseObject({ content: z.union([z.string(), z.array(ContentBlock)]) }),
    session_id: z.string().optional(),
  }),
);

export const ResultLine = z.lazy(() =>
  z.looseObject({
    type: z.literal('result'),
    subtype: z.string(),
    is_error: z.boolean().optional(),
    result: z.string().optional(),
    total_cost_usd: z.number().optional(),
    /** Per model, the process's tokens so far and what the CLI priced them at. */
    modelUsage: z
      .record(
        z.string(),
        z.looseObject({
          inputTokens: z.number().nullish(),
          outputTokens: z.number().nullish(),
          cacheReadInputTokens: z.number().nullish(),
          cacheCreationInputTokens: z.number().nullish(),
          costUSD: z.number().nullish(),
        }),
      )
      .optional(),
    num_turns: z.number().optional(),
    duration_ms: z.number().optional(),
    session_id: z.string().optional(),
    api_error_status: z.number().nullable().optional(),
    /** Why the turn ended (`api_error` when a call to the API failed). */
    terminal_reason: z.string().optional(),
  }),
);

export const CanUseToolRequest = z.lazy(() =>
  z.looseObject({
    subtype: z.literal('can_use_tool'),
    tool_name: z.string(),
    input: z.record(z.string(), z.unknown()),
    tool_use_id: z.string().optional(),
    description: z.string().optional(),
    permission_suggestions: z.array(z.unknown()).optional(),
  }),
);

export const ControlRequestLine = z.lazy(() =>
  z.looseObject({
    type: z.literal('control_request'),
    request_id: z.string(),
    request: z.looseObject({ subtype: z.string() }),
  }),
);

export const ControlResponseLine = z.lazy(() =>
  z.looseObject({
    type: z.literal('control_response'),
    response: z.looseObject({ subtype: z.string(), request_id: z.string().optional() }),
  }),
);

export const StreamEventLine = z.lazy(() =>
  z.looseObject({
    type: z.literal('stream_event'),
    event: z.unknown(),
  }),
);

export type ClaudeLine =
  | (z.infer<typeof SystemInit> & { kind: 'init' })
  | (z.infer<typeof SystemOther> & { kind: 'system' })
  | (z.infer<typeof AssistantLine> & { kind: 'assistant' })
  | (z.infer<typeof UserLine> & { kind: 'user' })
  | (z.infer<typeof ResultLine> & { kind: 'result' })
  | (z.infer<typeof ControlRequestLine> & { kind: 'control_request' })
  | (z.infer<typeof ControlResponseLine> & { kind: 'control_response' })
  | (z.infer<typeof StreamEventLine> & { kind: 'stream_event' })
  | { kind: 'unknown'; json: unknown }
  | { kind: 'malformed'; text: string };

const known = [
  ['init', SystemInit],
  ['system', SystemOther],
  ['assistant', AssistantLine],
  ['user', UserLine],
  ['result', ResultLine],
  ['control_request', ControlRequestLine],
  ['control_response', ControlResponseLine],
  ['stream_event', StreamEventLine],
] as const;

type Known = readonly [ClaudeLine['kind'], (typeof known)[number][1]];
let knownByType: Map<string, Known[]> | undefined;

/** The schemas a line of `type` can match, built with the first line the agent classifies. */
function knownFor(type: string): Known[] | undefined {
  if (!knownByType) {
    knownByType = new Map();
    for (const entry of known) {
      const schema = entry[1].unwrap();
      const value = schema.shape.type.value;
      knownByType.set(value, [...(knownByType.get(value) ?? []), entry]);
    }
  }
  return knownByType.get(type);
}

/** Parses one stdout line. Never throws; never loses the line. */
export function parseClaudeLine(text: string): ClaudeLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', text };
  }
  return classifyClaudeJson(json);
}

/** Classifies a CLI object (a parsed line, or one read back from a transcript). */
export function classifyClaudeJson(json: unknown): ClaudeLine {
  if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'malformed') {
    const text = (json as { text?: unknown }).text;
    if (typeof text === 'string') return { kind: 'malformed', text };
  }
  // Every known schema has a literal `type`, so only those of the line's type can match: trying just
  // them (not all eight, each failure building an error) is most of the agent's per-line cost.
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  for (const [kind, schema] of (typeof type === 'string' && knownFor(type)) || []) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ...parsed.data, kind } as ClaudeLine;
  }
  return { kind: 'unknown', json };
}

/** A line as the transcript keeps it: the CLI's own object (or raw text), without our `kind` tag. */
export function lineForTranscript(line: ClaudeLine): unknown {
  if (line.kind === 'unknown') return line.json;
  if (line.kind === 'malformed') return { type: 'malformed', text: line.text };
  const { kind: _kind, ...rest } = line;
  return rest;
}
