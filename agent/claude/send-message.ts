import { randomBytes } from 'node:crypto';
import type { SessionView } from '../../shared/domain.js';
import { liveOrResumed } from './session-process.js';
import type { SessionsContext } from './sessions.js';
import { deliverQueued, startTurn } from './turns.js';

/**
 * `session.send`: accepts a user message — appended to the transcript (that
 * is the acknowledgement), then handed to Claude now, or queued until the
 * running turn ends. A session whose process is gone is resumed first.
 */
export function sendMessage(
  context: SessionsContext,
  id: string,
  text: string,
): { seq: number; queued: boolean; messageId: string } {
  const live = liveOrResumed(context, id);
  const messageId = randomBytes(6).toString('hex');
  const queued = live.turn || live.pending.size > 0 || live.queue.length > 0;
  const seq = context.transcripts.append(id, { kind: 'user', messageId, text, queued });
  if (queued) {
    live.queue.push({ messageId, text });
    // A fresh process may hold what the last one never got: that goes first, this after it.
    deliverQueued(context, id, live);
  } else startTurn(context, id, live, text);
  return { seq, queued, messageId };
}

/** `session.resume`: a new process continuing the same Claude conversation (`--resume <claudeSessionId>`). */
export function resumeSession(context: SessionsContext, id: string, prompt?: string): SessionView {
  const live = liveOrResumed(context, id);
  if (prompt) sendMessage(context, id, prompt);
  else deliverQueued(context, id, live);
  return context.sessions.view(context.sessions.find(id));
}
