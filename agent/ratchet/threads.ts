import type {
  PrSnapshot,
  RatchetSettings,
  ThreadReply,
  ThreadRound,
  ThreadVerdict,
} from '../../shared/ratchet.js';

/**
 * The review-thread round trip, pure: the fixer ends its turn with one line
 * per thread — `THREAD <threadId>: fixed|answered|declined — <reply>` — and
 * the agent (not the model) turns those lines into replies. Each reply
 * carries a hidden marker with its key, so a reply GitHub took while we
 * crashed is recognised in the thread instead of being posted again.
 *
 * tests/unit/agent/ratchet/threads.test.ts holds the tables.
 */

const VERDICT_LINE =
  /^\s*(?:[-*]\s*)?`?THREAD\s+([A-Za-z0-9_=-]+)`?\s*:\s*(fixed|answered|declined)\b\s*(?:[—–-]+|:)?\s*(.*)$/i;
const REPLY_CHARS = 2_000;
const SUMMARY_CHARS = 1_000;

export interface Verdict {
  verdict: Exclude<ThreadVerdict, 'none'>;
  reply: string;
}

/** The verdict lines of the fixer's final message, by thread id (the last line for a thread wins). */
export function parseThreadVerdicts(text: string): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  for (const line of text.split('\n')) {
    const match = VERDICT_LINE.exec(line);
    if (!match) continue;
    verdicts.set(match[1]!, {
      verdict: match[2]!.toLowerCase() as Verdict['verdict'],
      reply: match[3]!.trim(),
    });
  }
  return verdicts;
}

/** The marker hidden in each reply (an HTML comment GitHub does not render). */
export function replyMarker(key: string): string {
  return `<!-- ff-reply ${key} -->`;
}

/** The fixer's message without its verdict lines: what a thread without a verdict is told. */
export function summaryOf(text: string): string {
  const summary = text
    .split('\n')
    .filter((line) => !VERDICT_LINE.test(line))
    .join('\n')
    .trim();
  return summary.length > SUMMARY_CHARS ? `${summary.slice(0, SUMMARY_CHARS)}…` : summary;
}

export type ReplyPlan = { ready: true; replies: ThreadReply[] } | { ready: false; reason: string };

/**
 * What to post once the fixer's turn on a round of threads has ended. A
 * `fixed` reply names the new head, so it waits until the head moved since
 * the threads were handed over; threads resolved meanwhile get nothing.
 */
export function planThreadReplies(
  round: ThreadRound,
  finalText: string,
  snapshot: PrSnapshot,
  settings: Pick<RatchetSettings, 'resolveThreads'>,
): ReplyPlan {
  const verdicts = parseThreadVerdicts(finalText);
  const open = new Set(snapshot.unresolvedThreads.flatMap((t) => (t.id ? [t.id] : [])));
  const threadIds = round.threadIds.filter((id) => open.has(id));
  const moved = snapshot.headRefOid !== round.head;
  if (!moved && threadIds.some((id) => verdicts.get(id)?.verdict === 'fixed')) {
    return {
      ready: false,
      reason: `The fixer says it fixed review threads; waiting for its push to reach GitHub before replying (head still ${round.head.slice(0, 7)}).`,
    };
  }
  const cut = (text: string) => (text.length > REPLY_CHARS ? `${text.slice(0, REPLY_CHARS)}…` : text);
  const sha = snapshot.headRefOid.slice(0, 7);
  const summary = summaryOf(finalText);
  const replies = threadIds.map((threadId, i): ThreadReply => {
    const key = `${round.id}:${threadId}`;
    const found = verdicts.get(threadId);
    const verdict: ThreadVerdict = found?.verdict ?? 'none';
    const text =
      verdict === 'fixed'
        ? `Fixed in ${sha}${found!.reply ? `: ${found!.reply}` : '.'}`
        : verdict === 'none'
          ? `ff's fixer worked on this review but did not say how it handled this thread. Its summary:\n\n${summary || '(no summary)'}`
          : found!.reply || (verdict === 'answered' ? 'Answered in the change.' : 'Not changed.');
    return {
      key,
      threadId,
      verdict,
      body: `${cut(text)}\n\n${replyMarker(key)}`,
      resolve: settings.resolveThreads && (verdict === 'fixed' || verdict === 'answered'),
      posted: false,
      resolved: false,
      ...(i === 0 && round.reviewers.length > 0
        ? {
            requestReviews: {
              pullRequestId: snapshot.nodeId,
              userIds: round.reviewers.map((r) => r.id),
            },
          }
        : {}),
    };
  });
  return { ready: true, replies };
}

/** Whether a thread already holds the reply with this key (GitHub took it; we may not have recorded it). */
export function alreadyReplied(
  snapshot: Pick<PrSnapshot, 'unresolvedThreads'>,
  reply: Pick<ThreadReply, 'threadId' | 'key'>,
): boolean {
  const thread = snapshot.unresolvedThreads.find((t) => t.id === reply.threadId);
  return Boolean(thread?.comments.some((c) => c.body.includes(replyMarker(reply.key))));
}
