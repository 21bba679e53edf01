import type { PrSnapshot } from '../../shared/ratchet.js';
import type { GitHub } from '../github/github.js';
import { applyOutboxSettled, applyReplyPosted, applyReplyResolved, applyReviewsRequested } from './apply.js';
import type { RatchetRecords } from './records.js';
import { alreadyReplied } from './threads.js';

/**
 * Posts the replies recorded in a workspace's outbox, one by one: each is
 * marked posted (durably) right after GitHub takes it, and one GitHub took
 * but we never marked is found by its hidden marker — so no reply goes out
 * twice, across restarts and retries. Then its thread is resolved (when the
 * fixer fixed or answered it), the reviewers who asked for changes are
 * asked to look again, and what is done leaves the outbox. A call that
 * fails stops here: what is left waits for the next look.
 */
export async function postReplies(
  github: Pick<GitHub, 'replyToThread' | 'resolveThread' | 'requestReviews'>,
  records: Pick<RatchetRecords, 'get' | 'update'>,
  workspaceId: string,
  snapshot: Pick<PrSnapshot, 'unresolvedThreads'>,
): Promise<void> {
  for (const reply of records.get(workspaceId).outbox) {
    const open = snapshot.unresolvedThreads.some((t) => t.id === reply.threadId);
    if (!reply.posted) {
      if (open && !alreadyReplied(snapshot, reply)) await github.replyToThread(reply.threadId, reply.body);
      await records.update(workspaceId, (r) => applyReplyPosted(r, reply.key, open));
    }
    if (open && reply.resolve && !reply.resolved) {
      await github.resolveThread(reply.threadId);
      await records.update(workspaceId, (r) => applyReplyResolved(r, reply.key));
    }
  }
  for (const reply of records.get(workspaceId).outbox) {
    if (!reply.requestReviews) continue;
    await github.requestReviews(reply.requestReviews.pullRequestId, reply.requestReviews.userIds);
    await records.update(workspaceId, (r) => applyReviewsRequested(r, reply.key));
  }
  await records.update(workspaceId, applyOutboxSettled);
}
