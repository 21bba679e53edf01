import type { AgentClient } from '../../shared/agent-client.js';
import type { SessionView } from '../../shared/domain.js';
import { SessionEvent } from '../../shared/protocol.js';
import { sessionSafety } from '../../shared/sandbox.js';
import { toolSummary } from '../../shared/tool-summary.js';
import type { ClaudeEntry } from '../../shared/transcript-entry.js';
import type { HomePaths } from '../store/home.js';
import { CliError, withAgent } from './connect.js';
import { print, say, sayError } from './output.js';

const clip = (text: string, max = 400, length = text.length) =>
  length > max ? `${text.slice(0, max)}… (${length - max} more)` : text;

/** What a Claude line said, as `session log` prints it: from the agent's entries, never the raw line. */
function describeEntry(entry: ClaudeEntry): string[] {
  switch (entry.type) {
    case 'assistant-text':
      return [`claude: ${entry.text}`];
    case 'tool-call':
      return [`  ▸ ${entry.name} ${entry.summary}`];
    case 'tool-result':
      return [
        `    ${entry.status === 'error' ? '✗' : '✓'} ${clip(entry.preview, 200, entry.length).replace(/\n/g, ' ')}`,
      ];
    case 'result':
      return [
        `· turn ended (${entry.subtype}${entry.isError ? ', error' : ''}${entry.costUsd !== undefined ? `, $${entry.costUsd.toFixed(4)}` : ''})`,
      ];
    case 'notice':
      switch (entry.notice) {
        case 'init':
          return [`· claude session ${entry.text}${entry.model ? ` (${entry.model})` : ''}`];
        case 'compacted':
          return ['· context compacted'];
        case 'unreadable':
          return [`· (unreadable CLI output) ${clip(entry.text, 200)}`];
        case 'unknown':
          return [`· (${entry.text}) ${clip(entry.detail ?? '', 200)}`];
        case 'system':
          return [];
      }
      return [];
    case 'user-text':
      return []; // the user's own message is its `user` event
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
      return event.entries.flatMap(describeEntry);
    case 'status':
      return [`· ${event.status}${event.detail ? `: ${event.detail}` : ''}`];
    case 'permission':
      return [
        `? ${event.request.toolName} wants to run: ${clip(toolSummary(event.request.input), 120)} (request ${event.request.requestId})`,
      ];
    case 'permission-answer':
      return [`  ${event.allow ? 'allowed' : 'denied'}`];
    case 'blocked':
      return [`! blocked: ${event.what}`];
  }
}

export function formatSession(s: SessionView): string {
  const safety = sessionSafety(s);
  return `${s.id}  ${s.status.padEnd(18)} ${s.kind.padEnd(12)} ${s.title}  workspace ${s.workspaceId}  ${s.turns} turns  $${s.costUsd.toFixed(4)}  ${safety.label}${
    s.blocked ? `  ${s.blocked} blocked` : ''
  }${s.pendingPermissions.length ? `  ${s.pendingPermissions.length} permission request(s) waiting` : ''}${
    s.statusDetail ? `\n  ${s.statusDetail.split('\n').join('\n  ')}` : ''
  }${s.permissionReason ? `\n  ${s.permissionReason}` : ''}${safety.tone === 'warn' && !s.permissionReason ? `\n  ${safety.title}` : ''}\n`;
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
    say(formatSession(session));
    if (session.permissionMode === 'bypassPermissions') {
      sayError(
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
    say(result.queued ? 'Queued: a turn is running; it goes next.\n' : 'Sent.\n');
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
    if (options.json) print({ seq, ...event.data }, 0);
    else for (const line of formatSessionEvent(event.data)) say(`${line}\n`);
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
    say(formatSession(session));
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
    say(sessions.length ? sessions.map(formatSession).join('') : 'No sessions.\n');
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
        say(`${a.name.padEnd(16)} ${a.description}${a.source === 'user' ? ' (yours)' : ''}\n`);
      for (const p of problems) sayError(`skipped ${p.file}: ${p.reason}\n`);
      if (!workspaceId) return;
      throw new CliError('Name an action: ff-agent quick <workspace> <action>.');
    }
    const session = await client.call('quickAction.run', { workspaceId, action });
    if (options.json) return print(session);
    say(
      `Started ${action} in session ${session.id}. Follow it with: ff-agent session log ${session.id} --follow\n`,
    );
  });
}
