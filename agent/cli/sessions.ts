import type { AgentClient } from '../../shared/agent-client.js';
import { type ClaudeLine, classifyClaudeJson } from '../../shared/claude-messages.js';
import type { SessionView } from '../../shared/domain.js';
import { SessionEvent } from '../../shared/protocol.js';
import type { HomePaths } from '../store/home.js';
import { CliError, withAgent } from './connect.js';
import { print } from './projects.js';

const clip = (text: string, max = 400) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length - max} more)` : text;

function describeToolInput(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const record = input as Record<string, unknown>;
  for (const key of ['command', 'file_path', 'path', 'pattern', 'url']) {
    if (typeof record[key] === 'string') return String(record[key]);
  }
  return clip(JSON.stringify(input), 120);
}

function describeLine(line: ClaudeLine): string[] {
  switch (line.kind) {
    case 'init':
      return [`· claude session ${line.session_id}${line.model ? ` (${line.model})` : ''}`];
    case 'assistant':
      return line.message.content.flatMap((block) => {
        if (block.type === 'text' && 'text' in block) return [`claude: ${String(block.text)}`];
        if (block.type === 'tool_use' && 'name' in block)
          return [`  ▸ ${String(block.name)} ${describeToolInput(block.input)}`];
        return [];
      });
    case 'user': {
      const content = line.message.content;
      if (typeof content === 'string') return [];
      return content.flatMap((block) =>
        block.type === 'tool_result' && 'tool_use_id' in block
          ? [
              `    ${block.is_error ? '✗' : '✓'} ${clip(typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? ''), 200).replace(/\n/g, ' ')}`,
            ]
          : [],
      );
    }
    case 'result':
      return [
        `· turn ended (${line.subtype}${line.is_error ? ', error' : ''}${line.total_cost_usd !== undefined ? `, $${line.total_cost_usd.toFixed(4)}` : ''})`,
      ];
    case 'malformed':
      return [`· (unreadable CLI output) ${clip(line.text, 200)}`];
    case 'unknown':
      return [
        `· (${String((line.json as { type?: unknown })?.type ?? 'unknown')}) ${clip(JSON.stringify(line.json), 200)}`,
      ];
    default:
      return [];
  }
}

/** One transcript event as the lines a person reads in `ff-agent session log`. */
export function formatSessionEvent(event: SessionEvent): string[] {
  switch (event.kind) {
    case 'user':
      return [`you${event.queued ? ' (queued)' : ''}: ${event.text}`];
    case 'delivered':
      return [];
    case 'claude':
      return describeLine(classifyClaudeJson(event.line));
    case 'status':
      return [`· ${event.status}${event.detail ? `: ${event.detail}` : ''}`];
    case 'permission':
      return [
        `? ${event.request.toolName} wants to run: ${describeToolInput(event.request.input)} (request ${event.request.requestId})`,
      ];
    case 'permission-answer':
      return [`  ${event.allow ? 'allowed' : 'denied'}`];
  }
}

export function formatSession(s: SessionView): string {
  return `${s.id}  ${s.status.padEnd(18)} ${s.kind.padEnd(12)} ${s.title}  workspace ${s.workspaceId}  ${s.turns} turns  $${s.costUsd.toFixed(4)}${
    s.pendingPermissions.length ? `  ${s.pendingPermissions.length} permission request(s) waiting` : ''
  }${s.statusDetail ? `\n  ${s.statusDetail.split('\n').join('\n  ')}` : ''}${
    s.permissionReason ? `\n  ${s.permissionReason}` : ''
  }\n`;
}

export async function sessionStart(
  paths: HomePaths,
  workspaceId: string,
  options: { prompt?: string; ask?: boolean; model?: string; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const session = await client.call('session.start', {
      workspaceId,
      ...(options.prompt ? { prompt: options.prompt } : {}),
      ...(options.ask ? { permissionMode: 'ask' as const } : {}),
      ...(options.model ? { model: options.model } : {}),
    });
    if (options.json) return print(session);
    process.stdout.write(formatSession(session));
    if (session.permissionMode === 'bypassPermissions') {
      process.stderr.write(
        'warning: this session may run any tool without asking (bypassPermissions). Use --ask to approve each.\n',
      );
    }
  });
}

export async function sessionSend(
  paths: HomePaths,
  sessionId: string,
  text: string,
  options: { json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const result = await client.call('session.send', { sessionId, text });
    if (options.json) return print(result);
    process.stdout.write(result.queued ? 'Queued: a turn is running; it goes next.\n' : 'Sent.\n');
  });
}

async function followLog(
  client: AgentClient,
  sessionId: string,
  options: { follow?: boolean; json?: boolean },
): Promise<void> {
  const session = await client.call('session.get', { sessionId });
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const show = (seq: number, data: unknown) => {
    const event = SessionEvent.safeParse(data);
    if (!event.success) return;
    if (options.json) process.stdout.write(`${JSON.stringify({ seq, ...event.data })}\n`);
    else for (const line of formatSessionEvent(event.data)) process.stdout.write(`${line}\n`);
    if (!options.follow && seq >= session.lastSeq) resolveDone();
  };
  await client.subscribe(`session:${sessionId}`, (frame) => show(frame.seq, frame.data), 0);
  if (!options.follow) {
    if (session.lastSeq === 0) return;
    await done;
    return;
  }
  // --follow: until Ctrl-C.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    client.onClose(() => resolve());
  });
}

export async function sessionLog(
  paths: HomePaths,
  sessionId: string,
  options: { follow?: boolean; json?: boolean },
): Promise<void> {
  await withAgent(paths, (client) => followLog(client, sessionId, options));
}

export async function sessionControl(
  paths: HomePaths,
  action: 'interrupt' | 'stop' | 'resume',
  sessionId: string,
  options: { json?: boolean; prompt?: string },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const session =
      action === 'resume'
        ? await client.call('session.resume', {
            sessionId,
            ...(options.prompt ? { prompt: options.prompt } : {}),
          })
        : await client.call(`session.${action}`, { sessionId });
    if (options.json) return print(session);
    process.stdout.write(formatSession(session));
  });
}

export async function sessionList(
  paths: HomePaths,
  options: { workspace?: string; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const sessions = await client.call(
      'session.list',
      options.workspace ? { workspaceId: options.workspace } : {},
    );
    if (options.json) return print(sessions);
    process.stdout.write(sessions.length ? sessions.map(formatSession).join('') : 'No sessions.\n');
  });
}

export async function quickAction(
  paths: HomePaths,
  workspaceId: string | undefined,
  action: string | undefined,
  options: { json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    if (!workspaceId || !action) {
      const { actions, problems } = await client.call('quickAction.list');
      if (options.json) return print({ actions, problems });
      for (const a of actions)
        process.stdout.write(
          `${a.name.padEnd(16)} ${a.description}${a.source === 'user' ? ' (yours)' : ''}\n`,
        );
      for (const p of problems) process.stderr.write(`skipped ${p.file}: ${p.reason}\n`);
      if (!workspaceId) return;
      throw new CliError('Name an action: ff-agent quick <workspace> <action>.');
    }
    const session = await client.call('quickAction.run', { workspaceId, action });
    if (options.json) return print(session);
    process.stdout.write(
      `Started ${action} in session ${session.id}. Follow it with: ff-agent session log ${session.id} --follow\n`,
    );
  });
}
