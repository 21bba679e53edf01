import type { SessionView } from '../../shared/domain.js';
import type { SessionsContext } from './sessions.js';

/** How long a stopping process gets after its input closes before SIGTERM, and again before SIGKILL. */
const STOP_GRACE_MS = 3_000;
/** How long the agent, stopping, waits after SIGTERM before SIGKILL. */
const SHUTDOWN_GRACE_MS = 2_000;

/** `session.interrupt`: stops the running turn; the process stays up for the next message. */
export function interruptSession({ sessions, log }: SessionsContext, id: string): SessionView {
  const live = sessions.live(id);
  if (live?.turn) {
    log.info(`Session ${id}: interrupt`);
    live.interrupted = true;
    live.process.interrupt();
  }
  return sessions.view(sessions.find(id));
}

/** `session.stop`: ends the session's process — interrupt, close its input, then signals if it lingers. */
export async function stopSession({ sessions }: SessionsContext, id: string): Promise<SessionView> {
  sessions.find(id);
  const live = sessions.live(id);
  if (live) {
    live.stopRequested = true;
    if (live.turn) live.process.interrupt();
    live.process.closeInput();
    const term = setTimeout(() => live.process.kill('SIGTERM'), STOP_GRACE_MS);
    const kill = setTimeout(() => live.process.kill('SIGKILL'), STOP_GRACE_MS * 2);
    await live.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
  return sessions.view(sessions.find(id));
}

/** Stops every session of a workspace (it is being archived). */
export async function stopWorkspaceSessions(context: SessionsContext, workspaceId: string): Promise<void> {
  const { sessions, state } = context;
  const ids = state.data.sessions.filter((s) => s.workspaceId === workspaceId).map((s) => s.id);
  await Promise.all(ids.filter((id) => sessions.live(id)).map((id) => stopSession(context, id)));
}

/** Agent shutdown: ends every process (no orphans); their sessions become interrupted. */
export async function shutdownSessions({ sessions, transcripts }: SessionsContext): Promise<void> {
  sessions.agentStopping = true;
  await Promise.all(
    sessions.liveSessions().map(async (live) => {
      live.process.closeInput();
      live.process.kill('SIGTERM');
      const kill = setTimeout(() => live.process.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
      await live.exited;
      clearTimeout(kill);
    }),
  );
  transcripts.closeAll();
}
